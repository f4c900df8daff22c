"""The demo world every edge test drives, one signed-in client per kind of user, and the
input counts printed in the terminal summary (so CI's normal output says how many inputs
were tried and how many server errors they caused)."""

import io
import logging

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from accesskeys import purposes, tokens
from live.services import room_invite_create
from media_library.models import MediaAsset
from media_library.services import uploads
from registration.models import Registration
from seminars.models import Organization, Session
from tests.inputs import walk
from tests.inputs.walk import Route

# name -> [inputs sent, server errors]; filled by the tests, printed at the end of the run.
COUNTS: dict[str, list[int]] = {}


def count(name: str, *, inputs: int, errors: int) -> None:
    row = COUNTS.setdefault(name, [0, 0])
    row[0] += inputs
    row[1] += errors


def pytest_terminal_summary(terminalreporter):
    if not COUNTS:
        return
    terminalreporter.section("inputs at the edge")
    for name, (inputs, errors) in COUNTS.items():
        terminalreporter.write_line(f"{name}: {inputs} inputs, {errors} server errors")
    total, errors = (sum(row[i] for row in COUNTS.values()) for i in (0, 1))
    terminalreporter.write_line(f"total: {total} inputs, {errors} server errors")


ROLES = ["anonymous", "vendor", "organizer", "agency", "moderator", "superuser"]


@pytest.fixture
def world(db, settings):
    """The demo seminar with its accounts, plus a superuser and an upload in progress; the
    valid value of each URL parameter, so that one malformed parameter is tried at a time."""
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # 4xx warnings by the thousand say nothing here
    call_command("seed_demo", stdout=io.StringIO())
    users = {u.username: u for u in User.objects.all()}
    users["superuser"] = User.objects.create_superuser("root", "root@example.org", "pw")
    session = Session.objects.filter(seminar__slug="demo", agencies__acronym="UNICEF").first()
    upload = uploads.upload_start(
        user=users["agency"],
        session=session,
        kind="slides",
        language="en",
        title="Slides",
        filename="slides.pdf",
        size=1000,
    )
    registration = Registration.objects.filter(person__user=users["vendor"]).get()
    unicef = Organization.objects.get(acronym="UNICEF")
    asset = MediaAsset.objects.filter(kind=MediaAsset.Kind.SLIDES).first() or upload.asset
    # Only the URL parameters whose value must be a specific existing object (or a specific
    # word) are named here; any other takes its converter's value (tests/inputs/walk.py).
    valid = {
        "session_id": str(session.pk),
        "agency_id": str(unicef.pk),
        "fmt": "csv",
        "pk": str(upload.pk),
        "object_id": str(registration.pk),
        "content_type_id": "1",
        "id": str(users["vendor"].pk),
        "app_label": "seminars",  # the admin's app index (a regular expression's group)
        "url": "nothing",  # the admin's catch-all (a regular expression's group)
        "path": "x.txt",  # media files (a regular expression's group)
        # meetings: the demo's UNICEF officer (the "agency" user), a request and a meeting
        **_meetings_values(),
        "registration_id": str(registration.pk),
        "name": "index.m3u8",  # the live stage's HLS files (live_stage:hls)
    }
    by_name = {
        "registration:decide": {"pk": str(registration.pk)},
        "registration:lead_update": {"pk": str(registration.pk)},
        "registration:join": {"token": tokens.issue(purposes.JOIN, subject=registration.pk)},
        "registration:calendar": {
            "token": tokens.issue(purposes.CALENDAR, subject=registration.pk)
        },
        "meetings:officer_calendar": {
            "token": tokens.issue(purposes.OFFICER_CALENDAR, subject=int(valid["officer_id"]))
        },
        **{
            f"media_library:asset_{verb}": {"pk": str(asset.pk)}
            for verb in ("status", "retry", "approve", "reject")
        },
        "media_library:slides_download": {"pk": str(asset.pk)},
        "live:join": {"token": room_invite_create(session_id=session.pk)},
    }
    yield {
        "users": users,
        "valid": valid,
        "by_name": by_name,
        "session": session,
        "upload": upload,
        "registration": registration,
        "agency": unicef,
    }
    quiet.setLevel(level)


def _meetings_values() -> dict[str, str]:
    from meetings.models import Meeting, Officer, Request

    officer = Officer.objects.get(seminar__slug="demo", agency__acronym="UNICEF")
    return {
        "officer_id": str(officer.pk),
        "request_id": str(Request.objects.filter(officer=officer).first().pk),
        "meeting_id": str(Meeting.objects.filter(officer=officer).first().pk),
        "file_format": "csv",
    }


def route_values(world, route: Route) -> dict[str, str]:
    """A valid value for each parameter of the route, so one malformed one is tried at a time."""
    return walk.path_values(route, named=world["valid"], by_route=world["by_name"])


def log_in(world, role: str) -> Client:
    """A fresh test client signed in as that kind of user (a join link followed by another
    test may have changed who a client is), raising the view's exception on a server error."""
    client = Client(raise_request_exception=True)
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client
