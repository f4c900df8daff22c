"""Registering through the emailed link: nothing before the link, one record per email."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from registration import services
from registration.models import Company, Person, Registration, SignInToken
from registration.services.tokens import LinkError
from tests.factories import registration_payload


def _link_from_outbox() -> str:
    body = mail.outbox[-1].body
    return next(line for line in body.splitlines() if "/register/confirm/" in line).strip()


def _raw_token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def test_request_stores_only_the_link_until_it_is_used(
    open_seminar, agencies, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.registration_request(
            seminar=open_seminar, payload=registration_payload(), user=None, client="192.0.2.1"
        )
    assert result is None
    assert Person.objects.count() == 0 and Registration.objects.count() == 0
    assert len(mail.outbox) == 1
    raw = _raw_token(_link_from_outbox())
    token = SignInToken.objects.get()
    # The link is signed, not stored: nothing in the database lets anyone rebuild it, and
    # the address it was sent to does not travel in it.
    assert raw not in str(SignInToken.objects.values().get()) and "sita" not in raw
    assert token.payload["email"] == "sita@kms.example"
    with django_capture_on_commit_callbacks(execute=True):
        user, registration = services.link_use(raw_token=raw)
    assert registration.status == Registration.Status.CONFIRMED
    assert user.username == "sita@kms.example"
    assert not user.has_usable_password()
    assert registration.person.phone == "+9779801234567"


def test_used_link_is_refused_and_changes_nothing(
    open_seminar, agencies, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_request(
            seminar=open_seminar, payload=registration_payload(), client="192.0.2.1"
        )
    raw = _raw_token(_link_from_outbox())
    services.link_use(raw_token=raw)
    with pytest.raises(LinkError, match="already been used"):
        services.link_use(raw_token=raw)
    assert Registration.objects.count() == 1


def test_expired_link_is_refused_and_creates_nothing(open_seminar, agencies, settings):
    with pytest.raises(LinkError, match="not valid"):
        services.link_use(raw_token="x")
    from registration.services.tokens import sign_in_token_create

    _token, raw = sign_in_token_create(
        email="a@b.example", seminar=open_seminar, payload=registration_payload()
    )
    settings.REGISTRATION_CONFIRM_LINK_MAX_AGE = -1
    with pytest.raises(LinkError, match="expired"):
        services.link_use(raw_token=raw)
    assert Person.objects.count() == 0 and User.objects.count() == 0
    # Refused, not spent: with its lifetime back, the same link still works once.
    settings.REGISTRATION_CONFIRM_LINK_MAX_AGE = 3600
    services.link_use(raw_token=raw)
    assert Person.objects.count() == 1


def test_re_registering_with_the_same_email_updates_and_never_duplicates(register):
    first = register()
    second = register(
        email="SITA@kms.example", full_name="Sita S. Sharma", company={"city": "Lalitpur"}
    )
    assert first.pk == second.pk
    assert Person.objects.count() == 1 and Registration.objects.count() == 1
    assert Company.objects.count() == 1
    second.person.refresh_from_db()
    assert second.person.full_name == "Sita S. Sharma"
    assert second.company.city == "Lalitpur"


def test_company_is_matched_by_country_and_national_number_and_never_taken_over(register):
    a = register(company={"national_registration_number": "NP-123"})
    b = register(
        email="ram@kms.example",
        full_name="Ram",
        company={"national_registration_number": "NP-123", "legal_name": "KMS Pvt Ltd"},
    )
    # A second person with the same number keeps their own details until verified
    # (tests/registration/test_company_claims.py); the first company is unchanged.
    assert b.company_id != a.company_id and b.company.is_claim
    assert Company.objects.get(pk=a.company_id).legal_name == "Kathmandu Medical Supplies Pvt Ltd"
    assert b.company.claims.count() == 0 and a.company.claims.get().person == b.person
    c = register(
        email="x@other.example", company={"national_registration_number": "NP-123", "country": "KE"}
    )
    assert c.company_id != a.company_id and not c.company.is_claim


def test_closed_window_refuses_with_a_clear_message_and_saves_nothing(open_seminar, agencies):
    open_seminar.registration_closes_at = timezone.now() - timedelta(minutes=1)
    open_seminar.save()
    with pytest.raises(ValidationError, match="Registration closed on"):
        services.registration_request(
            seminar=open_seminar, payload=registration_payload(), client="192.0.2.1"
        )
    open_seminar.registration_closes_at = None
    open_seminar.registration_opens_at = timezone.now() + timedelta(days=2)
    open_seminar.save()
    with pytest.raises(ValidationError, match="Registration opens on"):
        services.registration_request(
            seminar=open_seminar, payload=registration_payload(), client="192.0.2.1"
        )
    assert SignInToken.objects.count() == 0 and Person.objects.count() == 0


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"company": {"country": "XX"}}, "country"),
        ({"full_name": "x" * 151}, "full_name"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"company": {"unspsc_segments": ["99"]}}, "unspsc_segments"),
    ],
)
def test_bad_payload_is_refused_before_anything_is_saved(open_seminar, agencies, override, field):
    with pytest.raises(ValidationError) as error:
        services.registration_apply(seminar=open_seminar, payload=registration_payload(**override))
    assert field in error.value.message_dict
    assert Person.objects.count() == 0 and Company.objects.count() == 0


def test_full_room_puts_in_room_registrations_on_the_waiting_list_and_cancel_promotes(
    register, open_seminar
):
    a = register(email="a@x.example", attendance_mode="in_room")
    b = register(email="b@x.example", attendance_mode="in_room")
    c = register(email="c@x.example", attendance_mode="in_room")
    d = register(email="d@x.example", attendance_mode="in_room")
    online = register(email="e@x.example", attendance_mode="online")
    assert [r.status for r in (a, b, c, d, online)] == [
        "confirmed",
        "confirmed",
        "waiting",
        "waiting",
        "confirmed",
    ]
    mail.outbox.clear()
    promoted = services.registration_cancel(registration=a)
    assert [r.pk for r in promoted] == [c.pk]
    c.refresh_from_db()
    d.refresh_from_db()
    assert c.status == "confirmed" and d.status == "waiting"


def test_cancel_emails_the_promoted_vendor(register, django_capture_on_commit_callbacks):
    a = register(email="a@x.example", attendance_mode="in_room")
    register(email="b@x.example", attendance_mode="in_room")
    register(email="c@x.example", attendance_mode="in_room", preferred_language="fr")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=a)
    recipients = {m.to[0]: m for m in mail.outbox}
    assert set(recipients) == {"a@x.example", "c@x.example"}
    assert "check-in.png" in [att[0] for att in recipients["c@x.example"].attachments]


def test_switching_to_online_frees_the_room_place_for_the_next_in_line(register):
    register(email="a@x.example", attendance_mode="in_room")
    register(email="b@x.example", attendance_mode="in_room")
    waiting = register(email="c@x.example", attendance_mode="in_room")
    register(email="a@x.example", attendance_mode="online")
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert Registration.objects.filter(status="confirmed", attendance_mode="in_room").count() == 2


def test_approval_step_holds_registrations_until_an_organiser_decides(register, open_seminar):
    open_seminar.registration_requires_approval = True
    open_seminar.save()
    registration = register()
    assert registration.status == "pending_approval"
    decided = services.registration_decide(registration=registration, approve=True)
    assert decided.status == "confirmed"
    with pytest.raises(ValidationError):
        services.registration_decide(registration=decided, approve=False)


def test_country_tags_and_returning_flag_are_snapshotted(register, open_seminar):
    registration = register(company={"country": "NP"})
    # The factory seminar is in 2030: Nepal's scheduled graduation (2026-11-24) is past.
    assert (registration.is_ldc, registration.is_lldc, registration.region) == (
        False,
        True,
        "Asia",
    )
    assert registration.is_returning is False
    from tests.factories import SeminarFactory

    later = SeminarFactory(status="published")
    again = register(seminar=later, session_ids=[])
    assert again.is_returning is True
