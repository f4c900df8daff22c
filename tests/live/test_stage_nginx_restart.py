"""A real nginx restarted without telling OpenIPS (killed: no on_publish_done) numbers its
clients from 1 again: an encoder of another session with the client id of a feed still
marked as publishing must stop its own feed, never that one (docs/live-stage.md)."""

import os
import signal
from pathlib import Path

import pytest

from live.models import Stage, StageFeed
from live.services.stage import stage_key_rotate, stage_set_source
from tests import factories
from tests.live.stage_helpers import live_session, push, rtmp, wait_for  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _hall(session) -> StageFeed:
    return StageFeed.objects.get(stage__session=session, language="")


def _kill_nginx(master) -> None:
    """SIGKILL to nginx's master and its worker (which would keep the port and the clients)."""
    workers = [
        int(pid) for pid in os.listdir("/proc") if pid.isdigit() and _parent(pid) == master.pid
    ]
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    master.send_signal(signal.SIGKILL)
    master.wait(timeout=10)


def _parent(pid: str) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _publishing(session) -> StageFeed | None:
    return StageFeed.objects.filter(
        stage__session=session, language="", publishing_since__isnull=False
    ).first()


def test_a_client_id_reused_after_an_nginx_restart_stops_only_its_own_feed(
    rtmp,  # noqa: F811
    live_session,  # noqa: F811
):
    first, organiser = live_session
    second = factories.SessionFactory(seminar=first.seminar)
    stage_set_source(session=second, user=organiser, source=Stage.Source.LIVE)
    first_key = stage_key_rotate(session=first, user=organiser)
    second_key = stage_key_rotate(session=second, user=organiser)

    rtmp.encoders.append(push(rtmp.url(first_key), video=False))
    feed = wait_for(lambda: _publishing(first), seconds=60, what="the first encoder")
    # nginx's on_update (every 10 s) carries the key and the client id: the publisher is heard.
    wait_for(
        lambda: _hall(first).publisher_seen_at > feed.publishing_since,
        seconds=40,
        what="nginx's on_update for the first encoder",
    )
    _kill_nginx(rtmp.process)  # no on_publish_done for the first encoder
    rtmp.start()

    encoder = push(rtmp.url(second_key), video=False)
    rtmp.encoders.append(encoder)
    reused = wait_for(lambda: _publishing(second), seconds=60, what="the second encoder")
    assert rtmp.process.poll() is None, "the new nginx runs (the old one's port was free)"
    # Which number the new encoder gets depends on who connects first (the transcoder retries
    # too): the first feed's stale record is given that number, as nginx's order of
    # connections gives it when the encoders come back in the same order.
    StageFeed.objects.filter(pk=feed.pk).update(client_id=reused.client_id)
    encoder.terminate()  # on_publish_done: the second session's key, the shared client id
    wait_for(lambda: _publishing(second) is None, seconds=30, what="the second encoder's end")
    assert _hall(first).publishing_since is not None  # the first's record is left alone
    assert _hall(first).client_id == reused.client_id
    # Nothing else will say the first encoder is gone: the fixture's teardown need not wait.
    StageFeed.objects.filter(pk=feed.pk).update(publishing_since=None)
