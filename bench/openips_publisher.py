"""OpenIPS's side of a run, in its own Django process: rooms, identities, and the events.

Events go through the real path: ``question_ask`` (in an open session a question is
approved on arrival) and ``question_vote`` from ``live.services``. Each call
writes the question or vote, the room event and its seq to PostgreSQL in one transaction
and publishes after commit through the Redis pub/sub channel layer to every Daphne
process's hub. The send time recorded for an event is taken just before the service call,
so the latency measured includes the database write.

Speaks JSON lines on stdin/stdout (one command, one reply):
  {"cmd": "room", "clients": N}              -> {"session_id": .., "tokens": [...]}
  {"cmd": "publish", "rate": R, "duration": D}
      -> {"table": [[key, index, sent_at, service_returned_at], ...]}
  {"cmd": "poll"}                            -> {"poll_id": .., "option_ids": [...]}
  {"cmd": "seed_http"}                       -> {"slug": .., "register_fields": {..}}
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from datetime import timedelta

import django

ASKERS = 4000  # ask limit is 3 per person per minute: enough people to ask 100/s for a minute


def _seminar():
    from seminars.models import Organization, Seminar, Session

    host, _ = Organization.objects.get_or_create(
        name="Bench Trade Promotion Body", defaults={"kind": "host", "acronym": "BTPB"}
    )
    agency, _ = Organization.objects.get_or_create(
        name="United Nations Children's Fund", defaults={"kind": "agency", "acronym": "UNICEF"}
    )
    from django.utils import timezone

    today = timezone.now().date()
    seminar, created = Seminar.objects.get_or_create(
        slug="bench-seminar",
        defaults={
            "title": "Bench International Procurement Seminar",
            "host": host,
            "format": "hybrid",
            "time_zone": "Africa/Nairobi",
            "starts_on": today,
            "ends_on": today + timedelta(days=1),
            "languages": ["en", "fr", "es"],
            "status": "published",
        },
    )
    if created:
        start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
        for i in range(12):  # a realistic agenda for the HTTP page benchmark
            session = Session.objects.create(
                seminar=seminar,
                title=f"How to sell to the UN, part {i + 1}",
                abstract="Registration on UNGM, tenders, and what agencies buy.",
                kind="presentation",
                starts_at=start + timedelta(hours=i),
                ends_at=start + timedelta(hours=i, minutes=50),
                track=f"Room {i % 3 + 1}",
            )
            session.agencies.add(agency)
    return seminar, agency


def room_create(clients: int) -> dict:
    """A fresh open-Q&A session with a room token per client and askers for the publisher."""
    from django.utils import timezone

    from live.models import RoomDevice
    from live.rooms import Viewer
    from live.services.tokens import room_token_issue
    from seminars.models import Session

    seminar, agency = _seminar()
    now = timezone.now()
    session = Session.objects.create(
        seminar=seminar,
        title="Live Q&A with UNICEF procurement",
        kind="qa",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=6),
        qa_moderated=False,
    )
    session.agencies.add(agency)
    devices = RoomDevice.objects.bulk_create(
        RoomDevice(session=session, device_id=secrets.token_hex(8)) for _ in range(clients + ASKERS)
    )
    STATE["session_id"] = session.pk
    STATE["askers"] = [
        Viewer(level="attendee", person_key=d.person_key, name="", device_pk=d.pk, token=True)
        for d in devices[clients:]
    ]
    STATE["next_asker"] = 0
    return {
        "session_id": session.pk,
        "tokens": [room_token_issue(device=d) for d in devices[:clients]],
    }


def _next_viewer():
    askers = STATE["askers"]
    viewer = askers[STATE["next_asker"] % len(askers)]
    STATE["next_asker"] += 1
    return viewer


def publish(rate: float, duration: float) -> dict:
    from bench.targets import QUESTION_TEXT, paced
    from live.selectors import room_load
    from live.services.questions import question_ask, question_vote

    room = room_load(session_id=STATE["session_id"])
    table = []
    last_question = None
    for index, sent_at in paced(rate, duration):
        if index % 5 == 4 and last_question is not None:
            result = question_vote(room=room, viewer=_next_viewer(), question_id=last_question)
            key = f"v:{result['question_id']}:{result['votes']}"
        else:
            result = question_ask(
                room=room,
                viewer=_next_viewer(),
                text=QUESTION_TEXT.format(index=index),
                language="en",
            )
            last_question = result["question_id"]
            key = f"q:{last_question}"
        table.append([key, index, sent_at, time.time()])
    return {"table": table}


def poll_open() -> dict:
    """A single-choice poll in the room, results shown while voting, launched (bench/polls.py)."""
    from live.rooms import Viewer
    from live.selectors import room_load
    from polls import services

    room = room_load(session_id=STATE["session_id"])
    moderator = Viewer(level="moderator", person_key="u0", name="")
    created = services.poll_create(
        room=room,
        viewer=moderator,
        kind="single",
        question="Which market do you serve?",
        options=["Local", "Regional", "Global"],
        results_while_voting=True,
    )
    poll_id = created["poll_id"]
    services.poll_set_results(room=room, viewer=moderator, poll_id=poll_id, shown=True)
    services.poll_launch(room=room, viewer=moderator, poll_id=poll_id)
    from polls.models import PollOption

    options = list(PollOption.objects.filter(poll_id=poll_id).values_list("pk", flat=True))
    return {"poll_id": poll_id, "option_ids": options}


def seed_http() -> dict:
    """The agenda's seminar, and a valid registration form for it as a browser submits it:
    every session ticked (the form's default), one agency's consent ticked. ``{n}`` in the
    address is made unique per request by the load client."""
    from seminars.models import Session

    seminar, agency = _seminar()
    sessions = seminar.sessions.exclude(kind=Session.Kind.BREAK).values_list("pk", flat=True)
    return {
        "slug": seminar.slug,
        "register_fields": {
            "email": "bench-vendor-{n}@example.org",
            "full_name": "Amina Bench",
            "job_title": "Export manager",
            "phone": "+254 712 345678",
            "preferred_language": "en",
            "legal_name": "Bench Supplies Ltd",
            "country": "KE",
            "city": "Nairobi",
            "size_band": "small",
            "unspsc_segments": ["42", "43"],
            "attendance_mode": "online",
            "sessions": [str(pk) for pk in sessions],
            "list_visibility": "company",
            f"consent_{agency.pk}": "on",
        },
    }


STATE: dict = {}
COMMANDS = {
    "room": lambda c: room_create(int(c["clients"])),
    "publish": lambda c: publish(float(c["rate"]), float(c["duration"])),
    "seed_http": lambda c: seed_http(),
    "poll": lambda c: poll_open(),
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.openips_settings")
    django.setup()
    out = sys.stdout
    sys.stdout = sys.stderr  # anything Django prints must not corrupt the reply stream
    for line in sys.stdin:
        command = json.loads(line)
        out.write(json.dumps(COMMANDS[command["cmd"]](command)) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
