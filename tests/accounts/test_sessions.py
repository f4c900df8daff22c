"""Sessions: "Signed in as …", sign-out, sign-out everywhere (every session of the person and
their live-room sockets), lifetime from settings, cookies in production."""

import asyncio
import json
import os
import subprocess
import sys

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import AccountSession
from tests import factories
from tests.live.live_helpers import live_room_data, live_socket, session_cookie


def _signed_in(client) -> bool:
    return client.get(reverse("accounts:account")).status_code == 200


def test_header_says_who_is_signed_in_with_sign_out(client, db):
    user = factories.UserFactory(first_name="Grace", last_name="Banda")
    client.force_login(user)
    page = client.get("/seminars/").content.decode()
    assert "Signed in as Grace Banda" in page
    assert f'action="{reverse("accounts:sign_out")}"' in page


def test_sign_out_ends_this_session_only(db):
    user = factories.UserFactory()
    here, there = Client(), Client()
    here.force_login(user)
    there.force_login(user)
    assert AccountSession.objects.filter(user=user).count() == 2
    assert here.post(reverse("accounts:sign_out")).status_code == 302
    assert not _signed_in(here) and _signed_in(there)
    assert AccountSession.objects.filter(user=user).count() == 1


def test_sign_out_everywhere_ends_every_session_of_the_person_only(db):
    user, other = factories.UserFactory(), factories.UserFactory()
    phone, laptop, colleague = Client(), Client(), Client()
    phone.force_login(user)
    laptop.force_login(user)
    colleague.force_login(other)
    page = laptop.get(reverse("accounts:account")).content.decode()
    assert "signed in on 2 devices" in page
    assert laptop.post(reverse("accounts:sign_out_everywhere")).status_code == 302
    assert not _signed_in(phone) and not _signed_in(laptop)
    assert _signed_in(colleague)


def test_sign_out_everywhere_needs_a_post(client, db):
    client.force_login(factories.UserFactory())
    assert client.get(reverse("accounts:sign_out_everywhere")).status_code == 405
    assert _signed_in(client)


def test_sessions_from_before_recording_end_too_for_accounts_without_password(db):
    """A vendor session made before sessions were recorded (no AccountSession row)."""
    user = factories.UserFactory()
    user.set_unusable_password()
    user.save()
    old = Client()
    old.cookies["sessionid"] = session_cookie(user)
    assert _signed_in(old)
    services.sessions_end_all(user=user)
    assert not _signed_in(old)


@pytest.mark.django_db(transaction=True)
@pytest.mark.redis
async def test_sign_out_everywhere_closes_the_persons_live_sockets(transactional_db):
    room = await database_sync_to_async(live_room_data)()
    async with (
        live_socket(room.session.pk, user=room.vendor) as mine,
        live_socket(room.session.pk, user=room.vendor) as my_other_tab,
        live_socket(room.session.pk, user=room.vendor2) as theirs,
    ):
        await database_sync_to_async(services.sessions_end_all)(user=room.vendor)
        for client in (mine, my_other_tab):
            async with asyncio.timeout(5):
                while True:
                    message = await client.communicator.output_queue.get()
                    if message["type"] == "websocket.close":
                        break
            assert message["code"] == 4401
        # The other person's socket still works.
        await theirs.send({"type": "ping"})
        assert (await theirs.recv_type("pong"))["type"] == "pong"


def test_session_lifetime_and_cookies_come_from_settings_in_production():
    """Settings read in a fresh interpreter with production values."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "x" * 60,
        "SESSION_LIFETIME_HOURS": "8",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    names = [
        "SESSION_COOKIE_AGE",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SAMESITE",
    ]
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps([getattr(s, n) for n in {names!r}]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == [8 * 3600, True, True, "Lax", True, True, "Lax"]
