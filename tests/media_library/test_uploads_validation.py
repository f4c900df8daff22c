"""Bad files are rejected with a message that says why, and leave nothing behind."""

import shutil

import pytest

from media_library.models import MediaAsset, Presentation
from media_library.services.validation import MediaRejectedError, sniff, webvtt_check
from tests.media_library import helpers
from tests.media_library.conftest import VTT, make_pdf


def test_renamed_executable_is_rejected_as_a_program(
    presenter_client, session_with_agency, local_storage, tmp_path
):
    fake = tmp_path / "talk.mp4"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 4096)
    answer = helpers.upload(presenter_client, session=session_with_agency, path=fake)
    assert answer.status_code == 422
    assert "Windows program" in answer.json()["error"]
    assert "not a video" in answer.json()["error"]
    assert helpers.nothing_left(local_storage)
    assert not Presentation.objects.exists()


def test_truncated_mp4_is_rejected_as_truncated(
    presenter_client, session_with_agency, local_storage, sample_mp4, tmp_path
):
    cut = tmp_path / "cut.mp4"
    data = sample_mp4.read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])
    answer = helpers.upload(presenter_client, session=session_with_agency, path=cut)
    assert answer.status_code == 422
    assert "truncated" in answer.json()["error"]
    assert helpers.nothing_left(local_storage)


def test_oversize_video_is_refused_before_any_byte_is_sent(
    presenter_client, session_with_agency, local_storage, sample_mp4, settings
):
    settings.MAX_UPLOAD_BYTES = 1000
    answer = helpers.start(presenter_client, session=session_with_agency, path=sample_mp4)
    assert answer.status_code == 400
    assert "the limit is 1000 bytes" in answer.json()["error"]
    assert helpers.nothing_left(local_storage)


def test_chunk_past_the_declared_size_is_refused(
    presenter_client, session_with_agency, local_storage, sample_mp4
):
    state = helpers.start(
        presenter_client, session=session_with_agency, path=sample_mp4, size=100
    ).json()
    answer = helpers.send_local_chunk(presenter_client, state, sample_mp4.read_bytes()[:200], 0)
    assert answer.status_code == 400
    assert "declared size of 100 bytes" in answer.json()["error"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nHello\n", "is not a cue timing"),
        ("WEBVTT\n\n00:00:0x.000 --> 00:00:02.000\nHello\n", "is not a cue timing"),
        ("WEBVTT\n\n00:00:03.000 --> 00:00:02.000\nHello\n", "ends before it starts"),
        ("WEBVTT\n\nNOTE only a note\n", "no valid cues"),
    ],
)
def test_malformed_webvtt_is_rejected_with_the_bad_line(
    presenter_client, session_with_agency, local_storage, tmp_path, text, message
):
    path = tmp_path / "captions.vtt"
    path.write_text(text)
    answer = helpers.upload(
        presenter_client, session=session_with_agency, path=path, kind="captions"
    )
    assert answer.status_code == 422
    assert message in answer.json()["error"]
    assert helpers.nothing_left(local_storage)


def test_subtitles_file_without_webvtt_header_is_rejected(
    presenter_client, session_with_agency, local_storage, tmp_path
):
    path = tmp_path / "captions.vtt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nSRT, not WebVTT\n")
    answer = helpers.upload(
        presenter_client, session=session_with_agency, path=path, kind="captions"
    )
    assert answer.status_code == 422
    assert "not a WebVTT caption file" in answer.json()["error"]


def test_valid_captions_and_slides_are_ready_without_processing(
    presenter_client, session_with_agency, local_storage, tmp_path
):
    vtt = tmp_path / "fr.vtt"
    vtt.write_text(VTT)
    pdf = make_pdf(tmp_path / "slides.pdf")
    for path, kind, language in [(vtt, "captions", "fr"), (pdf, "slides", "en")]:
        answer = helpers.upload(
            presenter_client, session=session_with_agency, path=path, kind=kind, language=language
        )
        assert answer.status_code == 200, answer.content
        assert answer.json()["status"] == "ready"
    captions = MediaAsset.objects.get(kind="captions")
    assert captions.content_type == "text/vtt"
    assert captions.probe == {"cues": 2}
    assert MediaAsset.objects.get(kind="slides").probe == {"pages": 1}
    assert Presentation.objects.get().status == Presentation.Status.SUBMITTED


def test_pdf_without_end_marker_is_rejected(
    presenter_client, session_with_agency, local_storage, tmp_path
):
    pdf = make_pdf(tmp_path / "slides.pdf")
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(pdf.read_bytes()[:-40])
    answer = helpers.upload(presenter_client, session=session_with_agency, path=cut, kind="slides")
    assert answer.status_code == 422
    assert "%%EOF" in answer.json()["error"]
    assert helpers.nothing_left(local_storage)


def test_video_uploaded_as_slides_is_rejected(
    presenter_client, session_with_agency, local_storage, sample_mp4, tmp_path
):
    disguised = tmp_path / "slides.pdf"
    shutil.copyfile(sample_mp4, disguised)
    answer = helpers.upload(
        presenter_client, session=session_with_agency, path=disguised, kind="slides"
    )
    assert answer.status_code == 422
    assert "video/mp4, not a PDF" in answer.json()["error"]


def test_valid_mp4_is_probed_and_queued(
    presenter_client, session_with_agency, local_storage, sample_mp4
):
    answer = helpers.upload(presenter_client, session=session_with_agency, path=sample_mp4)
    assert answer.status_code == 200, answer.content
    asset = MediaAsset.objects.get()
    assert asset.status == MediaAsset.Status.QUEUED
    assert asset.content_type == "video/mp4"
    assert asset.probe["video_codec"] == "h264"
    assert asset.probe["audio_codec"] == "aac"
    assert (asset.probe["width"], asset.probe["height"]) == (320, 180)
    assert 11.5 < asset.probe["duration"] < 12.5
    assert (local_storage / asset.storage_key).stat().st_size == sample_mp4.stat().st_size
    assert not list((local_storage / ".uploads").iterdir())


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x00\x00\x00\x18ftypmp42", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  ", "video/quicktime"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska", "video/x-matroska"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\xef\xbb\xbfWEBVTT\n\n", "text/vtt"),
        (b"WEBVTTX", "application/octet-stream"),
        (b"\x7fELF\x02\x01", "application/x-executable"),
    ],
)
def test_sniff_reads_the_type_from_the_content(head, expected):
    assert sniff(head) == expected


def test_webvtt_check_counts_cues_with_identifiers_settings_and_notes():
    text = (
        "WEBVTT - with a title\n\nNOTE a comment\n\n1\n00:01.000 --> 00:02.500 align:start\nA\n\n"
        "intro\n01:00:00.000 --> 01:00:01.000\nB\n"
    )
    assert webvtt_check(text) == 2
    with pytest.raises(MediaRejectedError):
        webvtt_check("WEBVTT\n\nintro\nno timing here\n")
