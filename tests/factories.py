"""factory_boy factories for the models every app's tests need."""

from datetime import date, datetime, time, timedelta

import factory
from django.contrib.auth.models import User

from seminars.models import Organization, Seminar, SeminarRole, Session


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object
        if create:
            obj.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = Organization.Kind.HOST
    name = factory.Sequence(lambda n: f"Trade Promotion Body {n}")
    acronym = factory.Sequence(lambda n: f"TPB{n}")
    country = "KE"


class AgencyFactory(OrganizationFactory):
    kind = Organization.Kind.AGENCY
    name = factory.Sequence(lambda n: f"UN Agency {n}")
    acronym = factory.Sequence(lambda n: f"UNA{n}")
    country = ""
    procurement_segments = factory.LazyFunction(lambda: ["42", "43"])


class SeminarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seminar

    slug = factory.Sequence(lambda n: f"seminar-{n}")
    title = factory.Sequence(lambda n: f"Procurement Seminar {n}")
    host = factory.SubFactory(OrganizationFactory)
    format = Seminar.Format.HYBRID
    time_zone = "Africa/Nairobi"
    starts_on = date(2030, 3, 4)
    ends_on = date(2030, 3, 5)
    languages = factory.LazyFunction(lambda: ["en", "fr", "es"])
    status = Seminar.Status.PUBLISHED
    venue_name = "Convention Centre"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    seminar = factory.SubFactory(SeminarFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    kind = Session.Kind.PRESENTATION
    starts_at = factory.LazyAttribute(
        lambda s: datetime.combine(s.seminar.starts_on, time(10), s.seminar.zone)
    )
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=1))
    language = "en"


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeminarRole

    seminar = factory.SubFactory(SeminarFactory)
    user = factory.SubFactory(UserFactory)
    role = SeminarRole.Role.ORGANIZER
    agency = None


# --- registration (appended by the registration app) ---


def registration_payload(**overrides) -> dict:
    """A valid registration form payload (what RegistrationForm.payload() returns)."""
    company = {
        "legal_name": "Kathmandu Medical Supplies Pvt Ltd",
        "country": "NP",
        "national_registration_number": "",
        "city": "Kathmandu",
        "website": "https://kms.example",
        "year_established": 2012,
        "size_band": "small",
        "women_owned": True,
        "disability_inclusive": False,
        "ungm_number": "",
        "unspsc_segments": ["42", "51"],
        "unspsc_codes": ["42131600"],
    }
    company.update(overrides.pop("company", {}))
    payload = {
        "email": "sita@kms.example",
        "full_name": "Sita Sharma",
        "job_title": "Director",
        "phone": "+9779801234567",
        "preferred_language": "en",
        "time_zone": "Asia/Kathmandu",
        "company": company,
        "attendance_mode": "online",
        "session_ids": [],
        "list_visibility": "hidden",
        "consents": {},
    }
    payload.update(overrides)
    return payload


# --- meetings (appended by the meetings app) ---


def vendor_registration(seminar, *, user=None, n=None, time_zone="Asia/Kathmandu", **company):
    """A confirmed registration (a vendor who may request meetings), with a user and company."""
    import secrets

    from registration.models import Company, Person, Registration

    user = user or UserFactory()
    n = n if n is not None else user.pk
    company_fields = {
        "legal_name": f"Vendor Firm {n}",
        "country": "NP",
        "size_band": "small",
        "unspsc_segments": ["42"],
        "unspsc_codes": ["42131600"],
    }
    company_fields.update(company)
    firm = Company.objects.create(**company_fields)
    person = Person.objects.create(
        user=user,
        company=firm,
        email=user.email,
        full_name=f"Vendor Person {n}",
        preferred_language="en",
        time_zone=time_zone,
    )
    return Registration.objects.create(
        seminar=seminar,
        person=person,
        company=firm,
        status=Registration.Status.CONFIRMED,
        attendance_mode="online",
        country=firm.country,
        calendar_token=secrets.token_urlsafe(32),
        check_in_code=secrets.token_hex(5).upper(),
        privacy_notice_version="test",
    )


def meetings_programme(seminar, *, hours=(9, 12), days=1, **fields):
    """An enabled programme with windows from ``hours`` on the seminar's first ``days`` days."""
    from datetime import time as clock

    from meetings.models import Programme
    from meetings.services.programme import window_add

    defaults = {"enabled": True, "meeting_minutes": 20, "gap_minutes": 10}
    defaults.update(fields)
    programme = Programme.objects.create(seminar=seminar, **defaults)
    for offset in range(days):
        window_add(
            programme=programme,
            day=seminar.starts_on + timedelta(days=offset),
            start=clock(hours[0]),
            end=clock(hours[1]),
        )
    return programme


def officer(seminar, *, agency=None, user=None, **fields):
    from meetings.models import Officer

    user = user or UserFactory()
    defaults = {
        "display_name": f"Officer {user.pk}",
        "email": user.email,
        "unspsc_codes": ["42"],
        "languages": ["en"],
        "time_zone": "Africa/Nairobi",
        "meeting_link": "https://meet.example/officer",
    }
    defaults.update(fields)
    return Officer.objects.create(
        seminar=seminar, user=user, agency=agency or AgencyFactory(), **defaults
    )
