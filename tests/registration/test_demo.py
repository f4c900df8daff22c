from django.core.management import call_command
from django.urls import reverse

from registration.models import AgencyConsent, EngagementEvent, Registration


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

    client.login(username="agency", password="demo")
    leads = client.get(reverse("registration:leads_json", kwargs={"slug": "demo"})).json()
    assert len(leads["leads"]) == unicef
    assert max(lead["score"] for lead in leads["leads"]) > 10
    client.login(username="organizer", password="demo")
    page = client.get(reverse("registration:reach", kwargs={"slug": "demo"}))
    assert page.status_code == 200 and "Least developed countries" in page.content.decode()
    client.login(username="vendor", password="demo")
    assert client.get(reverse("registration:mine", kwargs={"slug": "demo"})).status_code == 200
