"""Demo data: a meetings programme for the demo seminar (2 × 14:00–17:00 in Nairobi, online and
at 10 tables), four officers (the demo "agency" user for UNICEF and one per other agency, each
signing in with password "demo"), availability with a blocked slot, and a few requests and
meetings, one with an outcome note."""

from datetime import time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from meetings.models import Block, Programme
from meetings.selectors import slots_of
from meetings.services.programme import officer_save, window_add
from meetings.services.requests import meeting_note, request_accept, request_create

OFFICERS = [
    # (username or None for the demo presenter, first, last, agency, codes, languages, zone)
    (None, "", "", "UNICEF", ["42", "4213", "51", "53"], ["en", "es"], "America/New_York"),
    ("officer-undp", "Kofi", "Asante", "UNDP", ["43", "72", "81"], ["en", "fr"], "Africa/Nairobi"),
    ("officer-unops", "Ingrid", "Larsen", "UNOPS", ["30", "72", "95"], ["en"], "Europe/Copenhagen"),
    ("officer-who", "Mei", "Chen", "WHO", ["42", "51"], ["en", "zh_Hans"], "Europe/Zurich"),
]  # fmt: skip


def _user(username, first, last):
    return User.objects.create_user(
        username=username,
        password="demo",
        email=f"{username}@demo.openips.localhost",
        first_name=first,
        last_name=last,
    )


def seed(context: dict) -> None:
    seminar = context["seminar"]
    agencies = context["agencies"]
    programme = Programme.objects.create(
        seminar=seminar,
        enabled=True,
        meeting_minutes=20,
        gap_minutes=5,
        online=True,
        in_person=True,
        tables=10,
        cap_per_vendor=3,
        cap_per_officer_per_day=8,
        requests_open_at=timezone.now() - timedelta(days=1),
        priority=Programme.Priority.LDC,
    )
    for offset in (0, 1):
        window_add(
            programme=programme,
            day=seminar.starts_on + timedelta(days=offset),
            start=time(14),
            end=time(17),
        )
    officers = {}
    for username, first, last, acronym, codes, languages, zone in OFFICERS:
        if acronym not in agencies:
            continue
        user = context["users"]["agency"] if username is None else _user(username, first, last)
        officers[acronym] = officer_save(
            seminar=seminar,
            user=user,
            agency=agencies[acronym],
            display_name=user.get_full_name(),
            unspsc_codes=codes,
            languages=languages,
            time_zone=zone,
            meeting_link=f"https://meet.demo.openips.localhost/{acronym.lower()}",
        )
    slots = slots_of(programme)
    Block.objects.create(officer=officers["UNICEF"], starts_at=slots[6])
    registrations = context["registrations"]
    grace = registrations[-1]  # the demo "vendor" user
    meeting = request_accept(
        request=request_create(
            registration=grace,
            officer=officers["UNICEF"],
            purpose="Our sterile dressings: can UNICEF's regional hubs use them?",
            slots=[slots[0], slots[1]],
            mode="in_person",
        ),
        starts_at=slots[1],
    )
    meeting_note(meeting=meeting, note="Asked for the ISO 13485 certificate; follow up in May.")
    for index, registration in enumerate(registrations[:6]):
        acronym = ["UNDP", "WHO", "UNICEF"][index % 3]
        request = request_create(
            registration=registration,
            officer=officers[acronym],
            purpose="Introducing our products and asking how you buy them.",
            slots=[slots[2 + index], slots[7 + index]],
        )
        if index % 2 == 0:
            request_accept(request=request, starts_at=slots[2 + index])
    context["meetings_programme"] = programme
