"""A slides title or file name with line breaks, NULs or overrides never breaks a download."""

import pytest
import requests
from django.urls import reverse

from media_library import storage
from media_library.models import MediaAsset, Presentation
from media_library.services import review
from tests.media_library import helpers
from tests.media_library.conftest import make_pdf

TITLES = {
    "Deck": 'attachment; filename="Deck.pdf"',
    "Deck\r\nSet-Cookie: sessionid=stolen": (
        'attachment; filename="Deck Set-Cookie_ sessionid=stolen.pdf"'
    ),
    "Achats \u202epublics": 'attachment; filename="Achats publics.pdf"',
    "Présentation": (
        "attachment; filename=\"Presentation.pdf\"; filename*=UTF-8''Pr%C3%A9sentation.pdf"
    ),
}


def _approved_slides(session, agency, organizer, pdf, title: str) -> MediaAsset:
    """Slides whose title was stored as is (through the admin, or before titles were cleaned)."""
    presentation = Presentation.objects.create(session=session, agency=agency)
    key = f"presentations/{presentation.pk}/deck.pdf"
    storage.put_file(key, pdf, content_type="application/pdf")
    slides = MediaAsset.objects.create(
        presentation=presentation, kind="slides", title=title, status="ready", storage_key=key
    )
    review.asset_approve(asset=slides, user=organizer)
    return slides


@pytest.mark.parametrize(("title", "expected"), TITLES.items())
def test_slides_download_from_local_storage_whatever_the_title(
    client, organizer, session_with_agency, agency, local_storage, tmp_path, title, expected
):
    pdf = make_pdf(tmp_path / "deck.pdf")
    slides = _approved_slides(session_with_agency, agency, organizer, pdf, title)
    answer = client.get(reverse("media_library:slides_download", kwargs={"pk": slides.pk}))
    assert answer.status_code == 302
    fetched = client.get(answer["Location"])
    assert fetched.status_code == 200
    assert fetched["Content-Disposition"] == expected
    assert "Set-Cookie" not in fetched.headers and not fetched.cookies
    assert b"".join(fetched.streaming_content) == pdf.read_bytes()


@pytest.mark.parametrize(("title", "expected"), TITLES.items())
def test_slides_download_from_s3_whatever_the_title(
    client, organizer, session_with_agency, agency, s3_storage, tmp_path, title, expected
):
    pdf = make_pdf(tmp_path / "deck.pdf")
    slides = _approved_slides(session_with_agency, agency, organizer, pdf, title)
    answer = client.get(reverse("media_library:slides_download", kwargs={"pk": slides.pk}))
    assert answer.status_code == 302
    fetched = requests.get(answer["Location"], timeout=30)
    assert fetched.status_code == 200
    assert fetched.headers["Content-Disposition"] == expected
    assert "Set-Cookie" not in fetched.headers
    assert fetched.content == pdf.read_bytes()


@pytest.mark.parametrize("backend", ["local_storage", "s3_storage"])
def test_a_nul_byte_in_a_download_name_cannot_break_the_header(request, tmp_path, backend):
    """PostgreSQL cannot store a NUL in a title, SQLite can; either way the header is safe."""
    request.getfixturevalue(backend)
    pdf = make_pdf(tmp_path / "deck.pdf")
    storage.put_file("t/deck.pdf", pdf, content_type="application/pdf")
    url = storage.signed_url("t/deck.pdf", download_as="Deck\x00v2\r\n.pdf")
    if url.startswith("/"):
        fetched = request.getfixturevalue("client").get(url)
        header, body = fetched["Content-Disposition"], b"".join(fetched.streaming_content)
    else:
        fetched = requests.get(url, timeout=30)
        header, body = fetched.headers["Content-Disposition"], fetched.content
    assert fetched.status_code == 200
    assert header == 'attachment; filename="Deck v2.pdf"'
    assert body == pdf.read_bytes()


def test_upload_stores_a_clean_file_name_and_a_one_line_title(
    presenter_client, session_with_agency, local_storage, tmp_path
):
    pdf = make_pdf(tmp_path / "deck.pdf")
    answer = presenter_client.post(
        reverse("media_library:upload_start"),
        data={
            "session": session_with_agency.pk,
            "kind": "slides",
            "language": "en",
            "title": "Supply\r\nchain\x1b talk",
            "filename": "C:\\Users\\me\\..\\deck\x07\u202efdp.exe.pdf",
            "size": pdf.stat().st_size,
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    asset = MediaAsset.objects.get(pk=answer.json()["asset_id"])
    assert asset.title == "Supply chain talk"
    assert asset.original_filename == "deck fdp.exe.pdf"
    assert asset.storage_key.endswith("/original.pdf")


def test_upload_keeps_an_ordinary_file_name_and_title(
    presenter_client, session_with_agency, local_storage, tmp_path
):
    pdf = make_pdf(tmp_path / "Présentation achats 2026.pdf")
    answer = helpers.start(
        presenter_client, session=session_with_agency, path=pdf, kind="slides", title="Achats"
    )
    assert answer.status_code == 201, answer.content
    asset = MediaAsset.objects.get(pk=answer.json()["asset_id"])
    assert (asset.title, asset.original_filename) == ("Achats", "Présentation achats 2026.pdf")


def test_a_title_of_only_control_characters_is_refused(
    presenter_client, session_with_agency, local_storage, tmp_path
):
    pdf = make_pdf(tmp_path / "deck.pdf")
    answer = helpers.start(
        presenter_client, session=session_with_agency, path=pdf, kind="slides", title="\r\n\x1b"
    )
    assert answer.status_code == 400
    assert "Give the file a title." in answer.json()["error"]
    assert not MediaAsset.objects.exists()


@pytest.mark.parametrize("field", ["title", "filename"])
def test_a_nul_byte_in_a_title_or_file_name_is_refused_at_the_edge(
    presenter_client, session_with_agency, local_storage, tmp_path, field
):
    """NUL is never cleaned into something else: the upload is refused with a 400 naming the
    field (config/edge.py), and nothing is created."""
    pdf = make_pdf(tmp_path / "deck.pdf")
    data = {
        "session": session_with_agency.pk,
        "kind": "slides",
        "language": "en",
        "title": "Deck",
        "filename": "deck.pdf",
        "size": pdf.stat().st_size,
    }
    data[field] = data[field][:2] + "\x00" + data[field][2:]
    answer = presenter_client.post(
        reverse("media_library:upload_start"), data=data, content_type="application/json"
    )
    assert answer.status_code == 400
    assert field in answer.json()["error"] and "NUL" in answer.json()["error"]
    assert not MediaAsset.objects.exists()
