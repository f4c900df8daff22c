from django.core.management import call_command
from django.urls import reverse

from registration.models import AgencyConsent, EngagementEvent, Registration


def _sign_in(client, username: str) -> None:
    """Through the sign-in form, as a person would (and as the lockout sees it): the test
    client's login() calls authenticate() without a request, which django-axes refuses."""
    response = client.post(reverse("accounts:password"), {"username": username, "password": "demo"})
    assert response.status_code == 302


def test_demo_registers_a_realistic_mix_of_vendors(client, db):
    call_command("seed_demo")
    registrations = Registration.objects.filter(seminar__slug="demo")
    assert registrations.count() >= 40
    assert registrations.filter(attendance_mode="in_room").exists()
    assert registrations.filter(attendance_mode="online").exists()
    assert registrations.filter(is_ldc=True).count() >= 10
    assert registrations.filter(is_sids=True).count() >= 5
    assert registrations.filter(checked_in_at__isnull=False).exists()
    assert registrations.filter(person__user__username="vendor").exists()
    unicef = AgencyConsent.objects.filter(agency__acronym="UNICEF", granted=True).count()
    assert 0 < unicef < registrations.count()
    assert EngagementEvent.objects.filter(kind="contact_me").exists()

    _sign_in(client, "agency")
    leads = client.get(reverse("registration:leads_json", kwargs={"slug": "demo"})).json()
    assert len(leads["leads"]) == unicef
    assert max(lead["score"] for lead in leads["leads"]) > 10
    _sign_in(client, "organizer")
    page = client.get(reverse("registration:reach", kwargs={"slug": "demo"}))
    assert page.status_code == 200 and "Least developed countries" in page.content.decode()
    _sign_in(client, "vendor")
    assert client.get(reverse("registration:mine", kwargs={"slug": "demo"})).status_code == 200
