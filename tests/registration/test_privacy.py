"""Erasure on request and the retention purge: personal data goes, statistics stay."""

from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from registration.models import AgencyConsent, ConsentEvent, Person, Registration
from registration.selectors import consenting_registrations, reach_report


def test_vendor_can_erase_their_data_with_a_confirmation_step(client, register, agencies):
    registration = register(consents={str(agencies["UNICEF"].pk): True})
    user = registration.person.user
    client.force_login(user)
    url = reverse("registration:erase", kwargs={"slug": registration.seminar.slug})
    page = client.get(url)
    assert page.status_code == 200 and "cannot be undone" in page.content.decode()
    assert Person.objects.get().email == "sita@kms.example"  # nothing happens on GET
    response = client.post(url)
    assert response.status_code == 302
    person = Person.objects.get()
    assert (
        person.email.endswith("@erased.invalid") and person.phone == "" and person.job_title == ""
    )
    user.refresh_from_db()
    assert not user.is_active and user.email == ""
    assert not consenting_registrations(registration.seminar, agencies["UNICEF"]).exists()
    assert not AgencyConsent.objects.filter(granted=True).exists()
    assert ConsentEvent.objects.filter(source="erasure", granted=False).count() == 1
    assert reach_report(registration.seminar).total == 1  # still counted, anonymously
    assert "_auth_user_id" not in client.session


def test_purge_anonymises_only_after_the_retention_period(register, open_seminar):
    register()
    open_seminar.personal_data_retention_days = 30
    open_seminar.save()
    last_day = open_seminar.ends_on
    out = StringIO()
    call_command(
        "purge_expired_personal_data", "--today", str(last_day + timedelta(days=30)), stdout=out
    )
    assert "Anonymised 0" in out.getvalue()
    assert Person.objects.get().full_name == "Sita Sharma"
    call_command(
        "purge_expired_personal_data", "--today", str(last_day + timedelta(days=31)), stdout=out
    )
    assert "Anonymised 1" in out.getvalue()
    person = Person.objects.get()
    assert person.full_name == "Erased" and person.email.endswith("@erased.invalid")
    assert Registration.objects.get().anonymised_at is not None


def test_purge_keeps_a_vendor_still_registered_for_a_later_seminar(register, open_seminar):
    from tests.factories import SeminarFactory

    register()
    later = SeminarFactory(starts_on=date(2031, 1, 1), ends_on=date(2031, 1, 2))
    register(seminar=later, session_ids=[])
    call_command("purge_expired_personal_data", "--today", "2030-12-31", stdout=StringIO())
    assert Person.objects.get().full_name == "Sita Sharma"


def test_daily_purge_deletes_unconfirmed_forms_once_their_link_has_expired(open_seminar):
    """A confirmation link's record holds the whole form until it is used; an unused one must
    not keep a stranger's name and phone forever."""
    from django.utils import timezone

    from registration import services
    from registration.models import SignInToken
    from tests.factories import registration_payload

    for email in ("old@x.example", "fresh@x.example"):
        services.registration_request(
            seminar=open_seminar, payload=registration_payload(email=email), client="192.0.2.1"
        )
    SignInToken.objects.filter(email="old@x.example").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    out = StringIO()
    call_command("purge_expired_personal_data", stdout=out)
    assert "Deleted 1 expired emailed-link record(s)" in out.getvalue()
    assert list(SignInToken.objects.values_list("email", flat=True)) == ["fresh@x.example"]
    assert not Person.objects.exists()  # nothing was ever applied from either form


def test_registration_and_consents_record_the_seminars_own_privacy_notice_version(
    register, open_seminar, agencies
):
    open_seminar.privacy_notice_version = "host-2027-02"
    open_seminar.save()
    registration = register(consents={str(agencies["UNICEF"].pk): True})
    assert registration.privacy_notice_version == "host-2027-02"
    assert AgencyConsent.objects.get().privacy_notice_version == "host-2027-02"
    assert ConsentEvent.objects.get().privacy_notice_version == "host-2027-02"


def test_without_a_seminar_version_registration_records_the_platforms_notice_version(
    register, open_seminar, agencies, settings
):
    settings.REGISTRATION_PRIVACY_NOTICE_VERSION = "platform-2031-01"
    assert open_seminar.privacy_notice_version == ""
    registration = register(consents={str(agencies["UNICEF"].pk): True})
    assert registration.privacy_notice_version == "platform-2031-01"
    assert AgencyConsent.objects.get().privacy_notice_version == "platform-2031-01"
    assert ConsentEvent.objects.get().privacy_notice_version == "platform-2031-01"
