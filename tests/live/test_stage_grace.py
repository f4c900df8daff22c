"""The grace after an encoder drops is counted from its last drop: an encoder that comes
back and drops again gets a whole grace period again (docs/live-stage.md)."""

import threading

import pytest
from django.db.backends.signals import connection_created
from django.utils import timezone

from live.models import Stage, StageFeed
from live.services import stage as stage_services
from live.services.stage import stage_key_rotate, stage_publish_stop
from live.stage.keys import key_digest
from tests.live.stage_helpers import live_session  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def _publishing(session, key: str, client_id: str) -> None:
    StageFeed.objects.filter(stage__session=session, language="").update(
        client_id=client_id, publisher_key_hash=key_digest(key), publishing_since=timezone.now()
    )
    Stage.objects.filter(session=session).update(state=Stage.State.ON_AIR)


def test_a_second_drop_gets_a_whole_grace_and_the_first_timer_ends_nothing(
    live_session,  # noqa: F811
    settings,
):
    settings.LIVE_STAGE_END_GRACE_SECONDS = 30
    session, organiser = live_session
    key = stage_key_rotate(session=session, user=organiser)
    _publishing(session, key, "1")
    stage_publish_stop(key=key, client_id="1")
    first = stage_services._grace_timers[session.pk]
    assert Stage.objects.get(session=session).state == Stage.State.RECONNECTING

    _publishing(session, key, "2")  # the encoder is back (on air), then drops again
    settings.LIVE_STAGE_END_GRACE_SECONDS = 0.5
    stage_publish_stop(key=key, client_id="2")
    second = stage_services._grace_timers[session.pk]
    assert second is not first
    first.join(timeout=5)  # cancelled: it ends nothing
    assert not first.is_alive()
    assert Stage.objects.get(session=session).state == Stage.State.RECONNECTING

    second.join(timeout=30)
    assert Stage.objects.get(session=session).state == Stage.State.ENDED
    assert session.pk not in stage_services._grace_timers


def test_a_grace_timer_gives_its_database_connection_back(
    live_session,  # noqa: F811
    settings,
):
    settings.LIVE_STAGE_END_GRACE_SECONDS = 0.2
    session, organiser = live_session
    key = stage_key_rotate(session=session, user=organiser)
    opened = []

    def seen(sender, connection, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            opened.append((threading.current_thread(), connection))

    connection_created.connect(seen)
    try:
        _publishing(session, key, "1")
        stage_publish_stop(key=key, client_id="1")
        timer = stage_services._grace_timers[session.pk]
        timer.join(timeout=30)
    finally:
        connection_created.disconnect(seen)
    assert Stage.objects.get(session=session).state == Stage.State.ENDED
    of_timer = [wrapper for thread, wrapper in opened if thread is timer]
    assert of_timer, "the timer used the database"
    assert all(wrapper.connection is None for wrapper in of_timer)
