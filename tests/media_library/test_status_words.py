"""The media page says what is true of each file (issue 18, point 6): an approved video is
"approved and live" even while captions still wait, and a captions upload says where it stands.
The approval rules themselves are unchanged (the presentation stays "submitted" meanwhile)."""

from django.urls import reverse

from media_library.models import MediaAsset, Presentation
from media_library.services import review
from tests.media_library import helpers
from tests.media_library.conftest import VTT


def _media_page(client, session) -> str:
    url = reverse(
        "media_library_seminar:session_media",
        kwargs={"slug": session.seminar.slug, "session_id": session.pk},
    )
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _captions(client, session, tmp_path, *, language="fr"):
    vtt = tmp_path / f"{language}.vtt"
    vtt.write_text(VTT)
    return helpers.upload(client, session=session, path=vtt, kind="captions", language=language)


def test_approved_video_reads_live_while_captions_wait_then_captions_approved(
    client, local_storage, session_with_agency, agency, presenter, organizer, tmp_path
):
    client.force_login(presenter)
    assert _captions(client, session_with_agency, tmp_path).status_code == 200
    presentation = Presentation.objects.get()
    video = MediaAsset.objects.create(
        presentation=presentation, kind="video", title="Talk", status="ready"
    )
    review.asset_approve(asset=video, user=organizer)

    page = _media_page(client, session_with_agency)
    assert "Video approved and live" in page
    assert "Captions (French) received, waiting for review" in page
    assert "Submitted for review" not in page
    # The rule is the same as before: something still waits, so the presentation is submitted.
    presentation.refresh_from_db()
    assert presentation.status == Presentation.Status.SUBMITTED

    review.asset_approve(asset=MediaAsset.objects.get(kind="captions"), user=organizer)
    page = _media_page(client, session_with_agency)
    assert "Video approved and live" in page and "Captions (French) approved" in page
    assert "waiting for review" not in page
    presentation.refresh_from_db()
    assert presentation.status == Presentation.Status.APPROVED


def test_captions_upload_says_where_it_stands_in_the_readers_language(
    client, local_storage, session_with_agency, presenter, organizer, tmp_path
):
    client.force_login(presenter)
    answer = _captions(client, session_with_agency, tmp_path)
    assert answer.json()["message"] == "Captions (French) received, waiting for review"

    review.asset_approve(asset=MediaAsset.objects.get(), user=organizer)
    client.cookies["django_language"] = "fr"
    answer = _captions(client, session_with_agency, tmp_path)
    assert answer.json()["message"] == (
        "Sous-titres (Français) approuvés ; une nouvelle version attend d’être examinée"
    )
