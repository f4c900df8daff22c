"""Model instances to the plain dicts the schemas validate (one place for each shape)."""

from django.urls import reverse

from registration.models import Company, ConsentEvent, Person, Registration
from seminars.models import Organization, Seminar, Session


def organization(org: Organization) -> dict:
    return {"id": org.pk, "name": org.name, "acronym": org.acronym}


def agency(org: Organization) -> dict:
    return {**organization(org), "procurement_segments": list(org.procurement_segments or [])}


def seminar(item: Seminar) -> dict:
    return {
        "slug": item.slug,
        "title": item.title,
        "description": item.description,
        "host": organization(item.host),
        "format": item.format,
        "status": item.status,
        "time_zone": item.time_zone,
        "starts_on": item.starts_on,
        "ends_on": item.ends_on,
        "venue_name": item.venue_name,
        "languages": [str(code) for code in item.languages or []],
        "registration_opens_at": item.registration_opens_at,
        "registration_closes_at": item.registration_closes_at,
        "url": reverse("seminars:detail", kwargs={"slug": item.slug}),
    }


def session(item: Session, seminar: Seminar) -> dict:
    zone = seminar.zone
    return {
        "id": item.pk,
        "title": item.title,
        "abstract": item.abstract,
        "kind": item.kind,
        "track": item.track,
        "language": item.language,
        "starts_at": item.starts_at,
        "ends_at": item.ends_at,
        "starts_at_local": item.starts_at.astimezone(zone),
        "ends_at_local": item.ends_at.astimezone(zone),
        "time_zone": seminar.time_zone,
        "cancelled_at": item.cancelled_at,
        "agency_ids": sorted(a.pk for a in item.agencies.all()),
        "repeat_of": item.repeat_of_id,
        "updated_at": item.updated_at,
    }


def person(item: Person) -> dict:
    return {
        "full_name": item.full_name,
        "email": item.email,
        "job_title": item.job_title,
        "phone": item.phone,
        "preferred_language": item.preferred_language,
        "time_zone": item.time_zone,
    }


def company(item: Company | None) -> dict | None:
    if item is None:
        return None
    return {
        "legal_name": item.legal_name,
        "country": item.country.code if item.country else "",
        "national_registration_number": item.national_registration_number,
        "city": item.city,
        "website": item.website,
        "size_band": item.size_band,
        "women_owned": item.women_owned,
        "disability_inclusive": item.disability_inclusive,
        "ungm_number": item.ungm_number,
        "unspsc_segments": [str(s) for s in item.unspsc_segments or []],
        "unspsc_codes": [str(c) for c in item.unspsc_codes or []],
        "unconfirmed": item.is_claim,
    }


def registration(item: Registration) -> dict:
    return {
        "id": item.pk,
        "status": item.status,
        "attendance_mode": item.attendance_mode,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "confirmed_at": item.confirmed_at,
        "cancelled_at": item.cancelled_at,
        "checked_in_at": item.checked_in_at,
        "country": item.country.code if item.country else "",
        "region": item.region,
        "is_ldc": item.is_ldc,
        "is_lldc": item.is_lldc,
        "is_sids": item.is_sids,
        "is_eit": item.is_eit,
        "income_group": item.income_group,
        "is_returning": item.is_returning,
        "person": person(item.person),
        "company": company(item.company),
        "session_ids": sorted(s.pk for s in item.sessions.all()),
        "consented_agency_ids": sorted(getattr(item, "consented_agency_ids", [])),
    }


def consent_event(event: ConsentEvent) -> dict:
    return {
        "agency_id": event.agency_id,
        "granted": event.granted,
        "at": event.at,
        "source": event.source,
        "privacy_notice_version": event.privacy_notice_version,
    }


def lead(row) -> dict:
    r = row.registration
    return {
        "registration_id": r.pk,
        "person": person(r.person),
        "company": company(r.company),
        "country": r.country.code if r.country else "",
        "score": row.score,
        "matching_segments": [str(s) for s in row.matching_segments],
        "lead_status": row.status,
        "notes": row.notes,
        "seconds_present": r.seconds_present,
        "questions": r.questions_asked + r.questions_voted,
        "contact_me": r.contact_me > 0,
        "consent_history": [consent_event(e) for e in row.consent_history],
    }
