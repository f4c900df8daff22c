from django.core.management import call_command

from seminars.models import Seminar, SeminarRole


def test_seed_demo_loads_a_published_hybrid_seminar_once(db):
    call_command("seed_demo", "--if-empty")
    seminar = Seminar.objects.get(slug="demo")
    assert seminar.status == Seminar.Status.PUBLISHED
    assert seminar.format == Seminar.Format.HYBRID
    assert seminar.time_zone == "Africa/Nairobi"
    assert seminar.sessions.count() >= 8
    assert seminar.sessions.filter(repeat_of__isnull=False).exists()
    roles = set(SeminarRole.objects.values_list("user__username", "role"))
    assert {
        ("organizer", "organizer"),
        ("agency", "presenter"),
        ("moderator", "moderator"),
    } <= roles
    call_command("seed_demo", "--if-empty")
    assert Seminar.objects.count() == 1


def test_demo_has_a_session_that_crosses_midnight_in_fiji(db):
    import zoneinfo

    call_command("seed_demo")
    fiji = zoneinfo.ZoneInfo("Pacific/Fiji")
    crossing = [
        s
        for s in Seminar.objects.get(slug="demo").sessions.all()
        if s.starts_at.astimezone(fiji).date() != s.ends_at.astimezone(fiji).date()
    ]
    assert crossing
