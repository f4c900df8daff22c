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
    valid = {
        "slug": "demo",
        "session_id": str(session.pk),
        "agency_id": str(unicef.pk),
        "fmt": "csv",
        "pk": str(upload.pk),
        "object_id": str(registration.pk),
        "content_type_id": "1",
        "id": str(users["vendor"].pk),
        "uidb64": "MQ",
        "app_label": "seminars",
        "url": "nothing",
        "path": "x.txt",
        "token": "not-a-token",
        "key": "no-such-provider",  # single sign-on provider keys (none configured here)
        # meetings: the demo's UNICEF officer (the "agency" user), a request and a meeting
        **_meetings_values(),
        # The API (api/v1/): ids of things the demo has, or ids nothing has (a 404 is fine).
        "registration_id": str(registration.pk),
        "webhook_id": "1",
        "delivery_id": "1",
        "token_id": "1",
        "rest": "nothing",
        "name": "index.m3u8",  # the live stage's HLS files (live_stage:hls)
        "poll_id": "1",  # polls' exports (no such poll in the demo: a 404 is fine)
        "code": "not-a-certificate",  # the public certificate check
    }
    by_name = {
        "registration:decide": {"pk": str(registration.pk)},
        "registration:lead_update": {"pk": str(registration.pk)},
        "registration:join": {"token": tokens.issue(purposes.JOIN, subject=registration.pk)},
        "registration:calendar": {
            "token": tokens.issue(purposes.CALENDAR, subject=registration.pk)
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


def log_in(world, role: str) -> Client:
    """A fresh test client signed in as that kind of user (a join link followed by another
    test may have changed who a client is), raising the view's exception on a server error."""
    client = Client(raise_request_exception=True)
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client
