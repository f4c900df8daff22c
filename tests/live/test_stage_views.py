"""The stage's pages and callbacks without nginx: who may see and make stream keys, the
source choice, the external embed's allow-list and CSP, the callbacks' loopback gate."""

import json
import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from live.errors import LiveError
from live.models import RoomEvent, Stage, StageFeed
from live.services.stage import (
    PUBLISHER_GONE_AFTER_SECONDS,
    stage_key_rotate,
    stage_set_source,
)
from live.stage import embeds
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ingest_on(settings):
    settings.LIVE_STAGE_RTMP_URL = "rtmp://seminars.example.org/live"


@pytest.fixture
def stage_room():
    seminar = factories.SeminarFactory()
    agency = factories.AgencyFactory()
    other_agency = factories.AgencyFactory()
    session = factories.SessionFactory(seminar=seminar)
    session.agencies.set([agency])

    def role(name, agency=None):
        return factories.RoleFactory(seminar=seminar, role=name, agency=agency).user

    return SimpleNamespace(
        session=session,
        organizer=role("organizer"),
        moderator=role("moderator"),
        presenter=role("presenter", agency),
        other_presenter=role("presenter", other_agency),
        vendor=factories.UserFactory(),
    )


def url(name, session):
    return reverse(f"live:{name}", kwargs={"slug": session.seminar.slug, "session_id": session.pk})


def _key_on(page: str) -> str:
    match = re.search(r'<code class="stream-key">([^<]+)</code>', page)
    assert match, "the new key is shown once"
    return match.group(1)


def test_organiser_and_presenter_get_keys_attendees_never(client, stage_room):
    session = stage_room.session
    client.force_login(stage_room.organizer)
    response = client.post(url("stage", session), {"action": "rotate", "language": ""})
    assert response.status_code == 200
    key = _key_on(response.content.decode())
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    # Shown once: the next visit shows no key.
    assert key not in client.get(url("stage", session)).content.decode()
    client.force_login(stage_room.presenter)
    response = client.post(url("stage", session), {"action": "rotate", "language": "fr"})
    french = _key_on(response.content.decode())
    for who in ("vendor", "other_presenter"):
        client.force_login(getattr(stage_room, who))
        assert client.get(url("stage", session)).status_code == 403
        assert client.post(url("stage", session), {"action": "rotate"}).status_code == 403
        page = client.get(url("room", session)).content.decode()
        assert key not in page and french not in page
        assert url("stage", session) not in page
    client.logout()
    assert client.get(url("stage", session)).status_code == 302
    # Only digests are stored; the room's events never name a feed.
    assert not StageFeed.objects.filter(key_hash__in=[key, french]).exists()
    payloads = json.dumps(list(RoomEvent.objects.values_list("payload_public", "payload_full")))
    assert key not in payloads and french not in payloads


def test_a_presenter_may_not_choose_the_source(client, stage_room):
    client.force_login(stage_room.presenter)
    response = client.post(url("stage", stage_room.session), {"source": "live"})
    assert response.status_code == 403
    assert not Stage.objects.filter(session=stage_room.session, source="live").exists()


def test_choosing_the_source_broadcasts_a_stage_event(client, stage_room):
    client.force_login(stage_room.moderator)
    response = client.post(url("stage", stage_room.session), {"source": "live"})
    assert response.status_code == 200
    event = RoomEvent.objects.get(session=stage_room.session, kind="stage")
    assert event.payload_public == event.payload_full
    assert event.payload_public["source"] == "live" and event.payload_public["state"] == "idle"


def test_an_interpreted_language_must_be_one_of_the_seminars(stage_room):
    with pytest.raises(LiveError):
        stage_key_rotate(session=stage_room.session, user=stage_room.organizer, language="de")
    with pytest.raises(LiveError):  # the hall's own language
        stage_key_rotate(session=stage_room.session, user=stage_room.organizer, language="en")
    with pytest.raises(PermissionDenied):
        stage_key_rotate(session=stage_room.session, user=stage_room.vendor)
    assert not StageFeed.objects.exists()


def test_without_rtmp_the_stage_page_says_how_to_enable_live_ingest(client, stage_room, settings):
    settings.LIVE_STAGE_RTMP_URL = ""
    client.force_login(stage_room.organizer)
    page = client.get(url("stage", stage_room.session)).content.decode()
    assert 'id="live-ingest-off"' in page and "libnginx-mod-rtmp" in page
    assert "New stream key" not in page
    settings.LIVE_STAGE_RTMP_URL = "rtmp://seminars.example.org/live"
    page = client.get(url("stage", stage_room.session)).content.decode()
    assert "rtmp://seminars.example.org/live" in page and "New stream key" in page


# ---- external embeds --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "player"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://evil.example.com/player", None),
        ("http://www.youtube.com/watch?v=dQw4w9WgXcQ", None),
        ("https://www.youtube.com/watch?v=", None),
    ],
)  # fmt: skip
def test_embeds_become_privacy_enhanced_players_on_allowed_hosts_only(link, player):
    assert embeds.embed_player_url(link) == player


def test_an_external_embed_renders_only_for_an_allowed_host(client, stage_room):
    session = stage_room.session
    with pytest.raises(LiveError):
        stage_set_source(
            session=session,
            user=stage_room.organizer,
            source="external",
            external_url="https://evil.example.com/player",
        )
    assert not Stage.objects.filter(session=session, source="external").exists()
    stage_set_source(
        session=session,
        user=stage_room.organizer,
        source="external",
        external_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    client.force_login(stage_room.vendor)
    response = client.get(url("room", session))
    page = response.content.decode()
    assert "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" in page
    assert "evil.example.com" not in page
    # The page's CSP frames only the allowed players.
    csp = response["Content-Security-Policy"]
    frame_src = re.search(r"frame-src ([^;]+)", csp).group(1).split()
    assert frame_src == ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]


def test_an_organiser_gets_a_clear_message_for_a_host_not_allowed(client, stage_room):
    client.force_login(stage_room.organizer)
    response = client.post(
        url("stage", stage_room.session),
        {"source": "external", "external_url": "https://evil.example.com/player"},
    )
    assert response.status_code == 400
    assert "not on the list of allowed players" in response.content.decode()


# ---- nginx's callbacks ------------------------------------------------------------------


def test_callbacks_come_from_loopback_and_never_through_the_web_server(client, stage_room):
    key = stage_key_rotate(session=stage_room.session, user=stage_room.organizer)
    stage_set_source(session=stage_room.session, user=stage_room.organizer, source="live")
    publish = reverse("live_stage:rtmp_publish")
    proxied = client.post(
        publish, {"name": key, "clientid": "1"}, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert proxied.status_code == 403
    elsewhere = client.post(publish, {"name": key, "clientid": "1"}, REMOTE_ADDR="203.0.113.9")
    assert elsewhere.status_code == 403
    assert not StageFeed.objects.filter(publishing_since__isnull=False).exists()
    assert client.get(publish).status_code == 405


def test_a_key_of_a_session_not_set_to_live_is_refused(client, stage_room):
    key = stage_key_rotate(session=stage_room.session, user=stage_room.organizer)
    response = client.post(reverse("live_stage:rtmp_publish"), {"name": key, "clientid": "7"})
    assert response.status_code == 403


def test_hls_files_outside_the_ladder_are_not_served(client, settings, tmp_path):
    settings.LIVE_STAGE_HLS_ROOT = tmp_path
    (tmp_path / "1").mkdir()
    (tmp_path / "secret.txt").write_text("no")
    for name in ("../secret.txt", "x/index.m3u8", "master.m3u8"):
        response = client.get(f"/live-hls/1/{name}")
        assert response.status_code == 404


def test_the_agenda_says_on_air_and_its_cache_follows_the_stage(client, stage_room):
    session = stage_room.session
    agenda = reverse("seminars:detail", kwargs={"slug": session.seminar.slug})
    stage_set_source(session=session, user=stage_room.organizer, source="live")
    assert "on-air" not in client.get(agenda).content.decode()
    Stage.objects.filter(session=session).update(state="on_air")
    Stage.objects.filter(session=session).first().save()  # as the services do: updated_at moves
    assert 'class="on-air"' in client.get(agenda).content.decode()


def test_the_stage_page_tells_organisers_what_is_wrong_with_the_stream(client, stage_room):
    stage_set_source(session=stage_room.session, user=stage_room.organizer, source="live")
    Stage.objects.filter(session=stage_room.session).update(state="problem", problem="no_video")
    client.force_login(stage_room.organizer)
    page = client.get(url("stage", stage_room.session)).content.decode()
    assert 'id="stage-problem"' in page and "The encoder sends no video" in page


def _callback(client, name: str, key: str, client_id: str) -> int:
    return client.post(
        reverse(f"live_stage:{name}"), {"name": key, "clientid": client_id}
    ).status_code


def _live_stage(organiser):
    session = factories.SessionFactory(seminar=factories.SeminarFactory())
    factories.RoleFactory(seminar=session.seminar, role="organizer", user=organiser)
    stage_set_source(session=session, user=organiser, source="live")
    return session, stage_key_rotate(session=session, user=organiser)


def _feed(session) -> StageFeed:
    return StageFeed.objects.get(stage__session=session, language="")


def test_a_client_id_of_nginxs_previous_life_never_names_another_feeds_encoder(client):
    organiser = factories.UserFactory()
    first, first_key = _live_stage(organiser)
    second, second_key = _live_stage(organiser)
    assert _callback(client, "rtmp_publish", first_key, "3") == 302
    # nginx restarts without telling (no on_publish_done): its clients count from 1 again.
    StageFeed.objects.filter(pk=_feed(first).pk).update(
        publisher_seen_at=timezone.now() - timedelta(minutes=10)
    )
    assert _callback(client, "rtmp_publish", second_key, "3") == 302
    assert _callback(client, "rtmp_publish_done", second_key, "3") == 204
    assert _feed(second).publishing_since is None  # the second's encoder stopped...
    assert _feed(first).client_id == "3"  # ...not the first's, which shares its client id
    # The second session's encoder comes back under another id: not a "second encoder".
    assert _callback(client, "rtmp_publish", second_key, "5") == 302
    assert _feed(second).second_encoder_at is None


def test_a_publisher_gone_with_nginxs_previous_life_is_taken_over_a_live_one_is_not(client):
    organiser = factories.UserFactory()
    session, key = _live_stage(organiser)
    assert _callback(client, "rtmp_publish", key, "3") == 302
    assert _callback(client, "rtmp_update", key, "3") == 204  # nginx: still publishing
    assert _callback(client, "rtmp_publish", key, "1") == 403  # a second encoder, refused
    assert _feed(session).second_encoder_at is not None
    # nginx restarted: the encoder of client 3 has not been heard of for long.
    StageFeed.objects.filter(pk=_feed(session).pk).update(
        publisher_seen_at=timezone.now() - timedelta(minutes=10)
    )
    assert _callback(client, "rtmp_publish", key, "1") == 302  # taken over
    assert _feed(session).client_id == "1"
    # Were the old one still there, nginx's next update of it drops it; its end changes nothing.
    assert _callback(client, "rtmp_update", key, "3") == 403
    assert _callback(client, "rtmp_publish_done", key, "3") == 204
    assert _feed(session).publishing_since is not None
    # The transcoder reading the renamed stream gets its updates answered.
    assert _callback(client, "rtmp_update", f"s{session.pk}", "9") == 204
    assert _callback(client, "rtmp_update", key, "1") == 204


def test_a_key_rotated_while_streaming_still_ends_its_encoders_stream(client):
    organiser = factories.UserFactory()
    session, key = _live_stage(organiser)
    assert _callback(client, "rtmp_publish", key, "4") == 302
    stage_key_rotate(session=session, user=organiser)
    assert _callback(client, "rtmp_publish_done", key, "4") == 204
    assert _feed(session).publishing_since is None


def test_nginx_conf_updates_more_often_than_a_publisher_is_deemed_gone():
    conf = (Path(__file__).resolve().parents[2] / "deploy" / "nginx-rtmp.conf").read_text()
    match = re.search(r"notify_update_timeout (\d+)s;", conf)
    assert match and "on_update http://" in conf
    assert 3 * int(match[1]) < PUBLISHER_GONE_AFTER_SECONDS


def test_the_stage_status_says_what_changed_since_the_page_loaded(client, stage_room):
    session = stage_room.session
    stage_set_source(session=session, user=stage_room.organizer, source="live")
    key = stage_key_rotate(session=session, user=stage_room.organizer)
    client.force_login(stage_room.organizer)
    page = client.get(url("stage", session)).content.decode()
    status_url = url("stage_status", session)
    assert f'id="stage-status" role="status" data-status-url="{status_url}"' in page
    assert "live/stage_status.js" in page
    assert "Not streaming" in client.get(status_url).content.decode()

    assert _callback(client, "rtmp_publish", key, "1") == 302
    assert _callback(client, "rtmp_publish", key, "2") == 403  # a second encoder
    Stage.objects.filter(session=session).update(state="problem", problem="no_video")
    status = client.get(status_url)
    assert status["Cache-Control"].startswith("max-age=0")
    text = status.content.decode()
    assert "Hall (video and sound): Streaming" in text
    assert 'class="notice second-encoder"' in text and "was refused" in text
    assert 'id="stage-problem"' in text and "The encoder sends no video" in text
    assert "<html" not in text and "stream-key" not in text  # the region alone, no key


def test_the_stage_status_is_for_organisers_and_presenters_only(client, stage_room):
    status_url = url("stage_status", stage_room.session)
    assert client.get(status_url).status_code == 302  # to sign in
    for user in (stage_room.vendor, stage_room.other_presenter):
        client.force_login(user)
        assert client.get(status_url).status_code == 403
    for user in (stage_room.organizer, stage_room.presenter):
        client.force_login(user)
        assert client.get(status_url).status_code == 200
