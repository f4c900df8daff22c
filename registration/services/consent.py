"""Consent per agency, participant-list visibility, erasure and the retention purge."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from api import events as api_events
from registration import selectors
from registration.models import (
    AgencyConsent,
    Company,
    CompanyClaim,
    ConsentEvent,
    EngagementEvent,
    Lead,
    Person,
    Registration,
    SignInToken,
)
from seminars.models import Seminar


def consents_apply(*, registration: Registration, answers: dict, source: str) -> None:
    """Record the vendor's answer for each presenting agency; a change adds a history row.

    ``answers`` maps agency id (int or str) to True/False; agencies not named are left as
    they are (new ones default to "no"). A withdrawal also drops the agency's lead notes.
    """
    now = timezone.now()
    notice_version = selectors.privacy_notice_version(registration.seminar)
    agencies = {a.pk: a for a in selectors.seminar_agencies(registration.seminar)}
    wanted = {int(k): bool(v) for k, v in answers.items()}
    unknown = set(wanted) - set(agencies)
    if unknown:
        raise ValidationError(_("You can only share your details with the seminar's agencies."))
    current = {c.agency_id: c for c in registration.consents.select_for_update()}
    for agency_id, granted in wanted.items():
        consent = current.get(agency_id)
        if consent is not None and consent.granted == granted:
            continue
        if consent is None and not granted:
            continue  # "no" is the default; nothing to record.
        AgencyConsent.objects.update_or_create(
            registration=registration,
            agency_id=agency_id,
            defaults={
                "granted": granted,
                "privacy_notice_version": notice_version,
                "updated_at": now,
            },
        )
        ConsentEvent.objects.create(
            registration=registration,
            agency_id=agency_id,
            granted=granted,
            privacy_notice_version=notice_version,
            at=now,
            source=source,
        )
        api_events.consent_changed(
            registration=registration, agency_id=agency_id, granted=granted, at=now
        )
        if not granted:
            Lead.objects.filter(registration=registration, agency_id=agency_id).delete()


@transaction.atomic
def consent_update(
    *, registration: Registration, answers: dict, list_visibility: str | None = None
) -> Registration:
    """The vendor changes or withdraws consents (effective at once) and list visibility."""
    consents_apply(registration=registration, answers=answers, source="vendor")
    if list_visibility is not None:
        if list_visibility not in Registration.ListVisibility.values:
            raise ValidationError({"list_visibility": _("Choose one of the options.")})
        registration.list_visibility = list_visibility
        registration.save(update_fields=["list_visibility", "updated_at"])
    return registration


def _anonymise_person(person: Person, now) -> None:
    person.full_name = _("Erased")
    person.email = f"erased-{person.pk}@erased.invalid"
    person.job_title = ""
    person.phone = ""
    person.save()
    user = person.user
    if user is not None:
        user.username = f"erased-{person.pk}"
        user.email = user.first_name = user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    company = person.company
    if company and not company.people.exclude(pk=person.pk).exists():
        # A firm with nobody else on file is often one person: drop what identifies it, keep
        # country, size and ownership flags for the reach statistics.
        Company.objects.filter(pk=company.pk).update(
            legal_name=_("Erased"),
            national_registration_number="",
            website="",
            city="",
            ungm_number="",
        )
    # A claim still waiting names the person to the company's members: it goes.
    CompanyClaim.objects.filter(person=person, status=CompanyClaim.Status.PENDING).delete()
    registrations = Registration.objects.filter(person=person)
    for registration in registrations:
        consents_apply(
            registration=registration,
            answers={c.agency_id: False for c in registration.consents.filter(granted=True)},
            source="erasure",
        )
    Lead.objects.filter(registration__person=person).delete()
    EngagementEvent.objects.filter(registration__person=person).delete()
    SignInToken.objects.filter(email=person.email).delete()
    registrations.update(anonymised_at=now, list_visibility=Registration.ListVisibility.HIDDEN)


@transaction.atomic
def person_erase(*, person: Person) -> None:
    """Erase a vendor on request: anonymise their person, user and (if only theirs) company
    details, withdraw every consent, drop leads and engagement. Registrations stay, without
    personal data, for the reach statistics."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    SignInToken.objects.filter(email=person.email).delete()
    _anonymise_person(person, timezone.now())


@transaction.atomic
def unconfirmed_forms_purge(*, now=None) -> int:
    """Delete emailed-link records whose link has expired: a confirmation link's record holds
    the whole unconfirmed form (name, phone, company). Returns how many were deleted."""
    deleted, _by_model = SignInToken.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


@transaction.atomic
def personal_data_purge_expired(*, today: date | None = None) -> int:
    """Anonymise vendors whose every registration belongs to a seminar past its retention
    period (last day + personal_data_retention_days). Returns how many were anonymised."""
    today = today or timezone.localdate()
    now = timezone.now()
    expired_seminars = [
        s.pk
        for s in Seminar.objects.only("pk", "ends_on", "personal_data_retention_days")
        if s.ends_on + timedelta(days=s.personal_data_retention_days) < today
    ]
    still_needed = Registration.objects.exclude(seminar_id__in=expired_seminars).values("person_id")
    people = Person.objects.filter(
        Q(registrations__seminar_id__in=expired_seminars)
        & Q(registrations__anonymised_at__isnull=True)
    ).exclude(pk__in=still_needed)
    count = 0
    # PostgreSQL refuses FOR UPDATE with DISTINCT: pick the ids first, then lock the rows.
    ids = list(people.values_list("pk", flat=True).distinct())
    for person in Person.objects.filter(pk__in=ids).select_for_update():
        _anonymise_person(person, now)
        count += 1
    return count
