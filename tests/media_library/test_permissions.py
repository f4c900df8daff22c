"""Who may upload, see, review and fetch what: both ways."""

import json

import pytest
from django.urls import reverse

from media_library import selectors, storage
from media_library.models import MediaAsset, Presentation, Rendition, WatchTime
from media_library.services import review
from tests import factories
from tests.media_library import helpers
from tests.media_library.conftest import make_pdf


def _ready_video(session, agency, storage_root, *, version=1, review_state="pending"):
    """A processed video version with small playlists on local storage (no ffmpeg needed)."""
    presentation, _ = Presentation.objects.get_or_create(
        session=session, agency=agency, defaults={"title": "Talk"}
    )
    asset = MediaAsset.objects.create(
        presentation=presentation,
        kind="video",
        title=f"Talk v{version}",
        version=version,
        status="ready",
        review=review_state,
        probe={"duration": 12.0, "width": 320, "height": 180},
        storage_key=f"presentations/{presentation.pk}/v{version}/original",
    )
    out = f"presentations/{presentation.pk}/{asset.pk}/out/"
    files = {
        "master.m3u8": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n360/index.m3u8\n",
        "360/index.m3u8": "#EXTM3U\n#EXTINF:4.0,\nseg_00000.ts\n#EXT-X-ENDLIST\n",
        "360/seg_00000.ts": "segment-bytes",
        "audio/index.m3u8": "#EXTM3U\n#EXTINF:4.0,\nseg_00000.ts\n#EXT-X-ENDLIST\n",
        "poster.jpg": "jpeg",
    }
    for name, text in files.items():
        path = storage_root / out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for kind, name in [
        ("master", "master.m3u8"),
        ("hls_360", "360/index.m3u8"),
        ("audio", "audio/index.m3u8"),
        ("poster", "poster.jpg"),
    ]:
        Rendition.objects.create(asset=asset, kind=kind, storage_key=out + name)
    return asset


# --- uploads -------------------------------------------------------------------------


def test_presenter_cannot_upload_to_another_agencys_session(
    client, presenter, other_agency_session, local_storage, tmp_path
):
    client.force_login(presenter)
    path = make_pdf(tmp_path / "slides.pdf")
    answer = helpers.start(client, session=other_agency_session, path=path, kind="slides")
    assert answer.status_code == 403
    assert not MediaAsset.objects.exists()


def test_presenter_uploads_to_own_session_and_organiser_to_any(
    client, presenter, organizer, session_with_agency, other_agency_session, local_storage, tmp_path
):
    path = make_pdf(tmp_path / "slides.pdf")
    client.force_login(presenter)
    assert (
        helpers.start(client, session=session_with_agency, path=path, kind="slides").status_code
        == 201
    )
    client.force_login(organizer)
    assert (
        helpers.start(client, session=other_agency_session, path=path, kind="slides").status_code
        == 201
    )


def test_vendor_and_anonymous_cannot_upload(client, session_with_agency, local_storage, tmp_path):
    path = make_pdf(tmp_path / "slides.pdf")
    assert helpers.start(client, session=session_with_agency, path=path).status_code == 302
    client.force_login(factories.UserFactory())
    assert helpers.start(client, session=session_with_agency, path=path).status_code == 403


def test_another_agency_cannot_touch_an_upload_in_progress(
    client, presenter, seminar, session_with_agency, local_storage, tmp_path
):
    path = make_pdf(tmp_path / "slides.pdf")
    client.force_login(presenter)
    state = helpers.start(client, session=session_with_agency, path=path, kind="slides").json()
    rival = factories.RoleFactory(
        seminar=seminar, role="presenter", agency=factories.AgencyFactory()
    ).user
    client.force_login(rival)
    pk = state["upload_id"]
    assert client.get(reverse("media_library:upload_detail", kwargs={"pk": pk})).status_code == 404
    assert helpers.send_local_chunk(client, state, b"x", 0).status_code == 404
    assert helpers.complete(client, state).status_code == 404


# --- seeing unapproved files -----------------------------------------------------------


def test_another_agency_sees_neither_page_nor_status_nor_unapproved_slides(
    client, seminar, presenter, other_agency_session, local_storage, tmp_path
):
    other = other_agency_session.agencies.get()
    video = _ready_video(other_agency_session, other, local_storage)
    slides = MediaAsset.objects.create(
        presentation=video.presentation, kind="slides", title="Deck", status="ready"
    )
    client.force_login(presenter)
    page = reverse(
        "media_library_seminar:session_media",
        kwargs={"slug": seminar.slug, "session_id": other_agency_session.pk},
    )
    assert client.get(page).status_code == 404
    assert (
        client.get(reverse("media_library:asset_status", kwargs={"pk": video.pk})).status_code
        == 404
    )
    download = reverse("media_library:slides_download", kwargs={"pk": slides.pk})
    assert client.get(download).status_code == 404
    assert selectors.player_context(other_agency_session) is None


def test_approved_slides_are_downloadable_by_anyone_who_sees_the_seminar(
    client, organizer, session_with_agency, agency, local_storage, tmp_path
):
    presentation = Presentation.objects.create(session=session_with_agency, agency=agency)
    pdf = make_pdf(tmp_path / "deck.pdf")
    key = f"presentations/{presentation.pk}/deck.pdf"
    storage.put_file(key, pdf, content_type="application/pdf")
    slides = MediaAsset.objects.create(
        presentation=presentation, kind="slides", title="Deck", status="ready", storage_key=key
    )
    review.asset_approve(asset=slides, user=organizer)
    answer = client.get(reverse("media_library:slides_download", kwargs={"pk": slides.pk}))
    assert answer.status_code == 302
    fetched = client.get(answer["Location"])
    assert fetched["Content-Disposition"] == 'attachment; filename="Deck.pdf"'
    assert b"".join(fetched.streaming_content) == pdf.read_bytes()


# --- review ----------------------------------------------------------------------------


def test_only_organisers_approve_and_a_replacement_waits_for_approval(
    client, organizer, presenter, session_with_agency, agency, local_storage
):
    v1 = _ready_video(session_with_agency, agency, local_storage)
    client.force_login(presenter)
    answer = client.post(reverse("media_library:asset_approve", kwargs={"pk": v1.pk}))
    assert answer.status_code == 403
    assert selectors.player_context(session_with_agency) is None

    client.force_login(organizer)
    client.post(reverse("media_library:asset_approve", kwargs={"pk": v1.pk}))
    assert selectors.player_context(session_with_agency)["video"] == v1

    v2 = _ready_video(session_with_agency, agency, local_storage, version=2)
    assert selectors.player_context(session_with_agency)["video"] == v1  # old one stays live
    client.post(reverse("media_library:asset_approve", kwargs={"pk": v2.pk}))
    v1.refresh_from_db()
    assert v1.review == "superseded"
    assert selectors.player_context(session_with_agency)["video"] == v2
    assert Presentation.objects.get().status == "approved"


def test_rejected_replacement_keeps_the_approved_version_live(
    organizer, session_with_agency, agency, local_storage
):
    v1 = _ready_video(session_with_agency, agency, local_storage)
    review.asset_approve(asset=v1, user=organizer)
    v2 = _ready_video(session_with_agency, agency, local_storage, version=2)
    review.asset_reject(asset=v2, user=organizer)
    assert selectors.player_context(session_with_agency)["video"] == v1


def test_approving_a_newer_version_retires_older_waiting_ones_and_refuses_them_later(
    organizer, session_with_agency, agency, local_storage
):
    from django.core.exceptions import ValidationError

    v1 = _ready_video(session_with_agency, agency, local_storage)
    v2 = _ready_video(session_with_agency, agency, local_storage, version=2)
    review.asset_approve(asset=v2, user=organizer)
    v1.refresh_from_db()
    assert v1.review == "superseded"  # no longer waits in the review queue
    with pytest.raises(ValidationError, match="newer version"):
        review.asset_approve(asset=v1, user=organizer)
    v1.refresh_from_db()
    assert v1.review == "superseded"
    assert selectors.player_context(session_with_agency)["video"] == v2


# --- signed URLs -----------------------------------------------------------------------


def test_local_signed_url_works_and_unsigned_tampered_or_expired_do_not(
    client, local_storage, monkeypatch, settings
):
    (local_storage / "secret").mkdir()
    (local_storage / "secret" / "talk.ts").write_bytes(b"private bytes")
    url = storage.signed_url("secret/talk.ts", expires_in=60)
    answer = client.get(url)
    assert b"".join(answer.streaming_content) == b"private bytes"
    token = url.rstrip("/").rsplit("/", 1)[1]
    forged = url.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    assert client.get(forged).status_code == 403
    assert client.get("/media-library/f/secret/talk.ts/").status_code == 404
    # Private media is not below MEDIA_ROOT, so DEBUG's /media/ serving cannot reach it.
    assert not str(local_storage).startswith(str(settings.MEDIA_ROOT))
    real_time = storage.time.time
    monkeypatch.setattr(storage.time, "time", lambda: real_time() + 61)
    assert client.get(url).status_code == 403


def test_playlists_are_rewritten_to_signed_urls_and_expire(
    client, session_with_agency, agency, organizer, local_storage, monkeypatch
):
    video = _ready_video(session_with_agency, agency, local_storage)
    review.asset_approve(asset=video, user=organizer)
    player = selectors.player_context(session_with_agency)
    master = client.get(player["master_url"])
    assert master["Content-Type"] == "application/vnd.apple.mpegurl"
    variant_url = [line for line in master.content.decode().splitlines() if "/hls/" in line][0]
    variant = client.get(variant_url).content.decode()
    segment_url = [line for line in variant.splitlines() if "/f/" in line][0]
    assert b"".join(client.get(segment_url).streaming_content) == b"segment-bytes"
    real_time = selectors.time.time
    monkeypatch.setattr(selectors.time, "time", lambda: real_time() + 7200)
    assert client.get(player["master_url"]).status_code == 403


# --- watch time ------------------------------------------------------------------------


def test_watch_beacon_records_capped_seconds_for_signed_in_viewers_only(
    client, organizer, session_with_agency, agency, local_storage
):
    video = _ready_video(session_with_agency, agency, local_storage)
    review.asset_approve(asset=video, user=organizer)
    url = reverse("media_library:watch_beacon")
    body = json.dumps({"presentation": video.presentation_id, "seconds": 15, "position": 15})
    assert client.post(url, body, content_type="application/json").status_code == 204
    assert not WatchTime.objects.exists()
    viewer = factories.UserFactory()
    client.force_login(viewer)
    client.post(url, body, content_type="application/json")
    forged = json.dumps({"presentation": video.presentation_id, "seconds": 99999, "position": 3})
    answer = client.post(url, forged, content_type="application/json")
    row = WatchTime.objects.get(user=viewer)
    # 60 s at most per beacon, and never more than three viewings of the 12 s video in all.
    assert row.seconds_watched == min(15 + 60, 3 * 12)
    assert row.furthest_position == 12
    assert answer.json()["share"] == 1.0


def test_watch_beacon_for_an_unapproved_presentation_is_refused(
    client, session_with_agency, agency, local_storage
):
    video = _ready_video(session_with_agency, agency, local_storage)
    client.force_login(factories.UserFactory())
    body = json.dumps({"presentation": video.presentation_id, "seconds": 15, "position": 15})
    url = reverse("media_library:watch_beacon")
    answer = client.post(url, body, content_type="application/json")
    assert answer.status_code == 404
    assert not WatchTime.objects.exists()


# --- pages -----------------------------------------------------------------------------


@pytest.mark.parametrize("versions", [1, 4])
def test_session_media_page_query_count_does_not_grow_with_versions(
    client,
    organizer,
    seminar,
    session_with_agency,
    agency,
    local_storage,
    versions,
    django_assert_num_queries,
):
    for number in range(1, versions + 1):
        _ready_video(session_with_agency, agency, local_storage, version=number)
    client.force_login(organizer)
    url = reverse(
        "media_library_seminar:session_media",
        kwargs={"slug": seminar.slug, "session_id": session_with_agency.pk},
    )
    with django_assert_num_queries(7):
        answer = client.get(url)
    assert answer.status_code == 200
    assert answer.content.count(b"Approve v") == versions


def test_watch_page_shows_the_player_with_captions_and_slides(
    client, organizer, seminar, session_with_agency, agency, local_storage, tmp_path
):
    video = _ready_video(session_with_agency, agency, local_storage)
    review.asset_approve(asset=video, user=organizer)
    for kind, language in [("captions", "fr"), ("slides", "en")]:
        asset = MediaAsset.objects.create(
            presentation=video.presentation,
            kind=kind,
            language=language,
            title="Deck",
            status="ready",
            probe={"pages": 3},
        )
        review.asset_approve(asset=asset, user=organizer)
    url = reverse(
        "media_library_seminar:session_watch",
        kwargs={"slug": seminar.slug, "session_id": session_with_agency.pk},
    )
    html = client.get(url).content.decode()
    assert "data-media-player" in html
    assert '<track kind="captions"' in html and 'srclang="fr"' in html
    assert "PDF, 3 pages" in html
    assert "media_library/player.js" in html


@pytest.mark.parametrize("pending", [1, 3])
def test_review_queue_lists_pending_versions_for_organisers_only(
    client,
    organizer,
    presenter,
    seminar,
    session_with_agency,
    agency,
    local_storage,
    pending,
    django_assert_num_queries,
):
    approved = _ready_video(session_with_agency, agency, local_storage)
    review.asset_approve(asset=approved, user=organizer)
    for number in range(2, pending + 2):
        _ready_video(session_with_agency, agency, local_storage, version=number)
    url = reverse("media_library_seminar:review_queue", kwargs={"slug": seminar.slug})
    client.force_login(presenter)
    assert client.get(url).status_code == 404
    client.force_login(organizer)
    with django_assert_num_queries(5):
        html = client.get(url).content.decode()
    assert html.count("Approve v") == pending
    assert "Approve v1" not in html


def test_review_redirects_back_only_within_the_site(
    client, organizer, seminar, session_with_agency, agency, local_storage
):
    asset = _ready_video(session_with_agency, agency, local_storage)
    client.force_login(organizer)
    queue = reverse("media_library_seminar:review_queue", kwargs={"slug": seminar.slug})
    answer = client.post(
        reverse("media_library:asset_reject", kwargs={"pk": asset.pk}), {"next": queue}
    )
    assert answer["Location"] == queue
    other = _ready_video(session_with_agency, agency, local_storage, version=2)
    answer = client.post(
        reverse("media_library:asset_reject", kwargs={"pk": other.pk}),
        {"next": "https://evil.example/phish"},
    )
    assert answer["Location"].endswith(f"/sessions/{session_with_agency.pk}/media/")
