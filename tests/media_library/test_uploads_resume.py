"""Interrupted uploads resume (local chunks and S3 multipart on moto); memory stays flat."""

import io
import json
import tracemalloc

import requests
from django.test import RequestFactory
from django.urls import reverse

from media_library.models import MediaAsset, UploadSession
from media_library.services import uploads
from media_library.views import uploads as upload_views
from tests.media_library import helpers


def _padded_mp4(source, target, total_bytes: int):
    """A valid MP4 of about ``total_bytes``: the sample plus a trailing 'free' box, which
    players and ffprobe skip (no sample offsets move)."""
    data = source.read_bytes()
    pad = max(8, total_bytes - len(data))
    with target.open("wb") as handle:
        handle.write(data)
        handle.write(pad.to_bytes(4, "big") + b"free")
        block = b"\x00" * (1024 * 1024)
        remaining = pad - 8
        while remaining > 0:
            handle.write(block[: min(len(block), remaining)])
            remaining -= min(len(block), remaining)
    return target


class _Interrupted(io.RawIOBase):
    """A request body whose connection drops after ``limit`` bytes."""

    def __init__(self, data: bytes, limit: int):
        self.stream = io.BytesIO(data[:limit])

    def read(self, size=-1):
        return self.stream.read(size)


def test_local_upload_interrupted_mid_chunk_resumes_from_the_servers_size(
    presenter_client, session_with_agency, local_storage, sample_mp4, tmp_path
):
    big = _padded_mp4(sample_mp4, tmp_path / "big.mp4", 20 * 1024 * 1024)
    data = big.read_bytes()
    state = helpers.start(presenter_client, session=session_with_agency, path=big).json()
    upload = UploadSession.objects.get(pk=state["upload_id"])
    # The connection drops 3 MB into the first 8 MB chunk: what arrived is kept.
    received = uploads.upload_write_chunk(
        upload=upload,
        offset=0,
        stream=_Interrupted(data, 3_000_000),
        length=state["part_size"],
    )
    assert received == 3_000_000
    # A client that lost track and retries from 0 is told where to resume.
    answer = helpers.send_local_chunk(presenter_client, state, data[:1000], 0)
    assert answer.status_code == 409
    assert answer.json()["received"] == 3_000_000
    # The browser asks the server (after a reload) and sends the rest.
    state = presenter_client.get(
        reverse("media_library:upload_detail", kwargs={"pk": state["upload_id"]})
    ).json()
    assert state["received"] == 3_000_000
    early = helpers.complete(presenter_client, state)
    assert early.status_code == 409
    assert "incomplete" in early.json()["error"]
    helpers.send_all(presenter_client, state, big)
    answer = helpers.complete(presenter_client, state)
    assert answer.status_code == 200, answer.content
    asset = MediaAsset.objects.get()
    assert (local_storage / asset.storage_key).read_bytes() == data


def test_s3_multipart_upload_interrupted_resumes_from_listed_parts(
    presenter_client, session_with_agency, s3_storage, s3_client, sample_mp4, tmp_path
):
    big = _padded_mp4(sample_mp4, tmp_path / "big.mp4", 20 * 1024 * 1024)
    state = helpers.start(presenter_client, session=session_with_agency, path=big).json()
    assert state["backend"] == "s3"
    assert state["part_count"] == 3
    # The browser sends parts 1 and 3, then the connection is lost before part 2.
    helpers.send_all(presenter_client, state, big, skip_parts={2})
    state = presenter_client.get(
        reverse("media_library:upload_detail", kwargs={"pk": state["upload_id"]})
    ).json()
    assert [p["PartNumber"] for p in state["parts"]] == [1, 3]
    assert helpers.complete(presenter_client, state).status_code == 409
    helpers.send_all(presenter_client, state, big)
    answer = helpers.complete(presenter_client, state)
    assert answer.status_code == 200, answer.content
    asset = MediaAsset.objects.get()
    head = s3_client.head_object(Bucket=s3_storage, Key=asset.storage_key)
    assert head["ContentLength"] == big.stat().st_size
    assert asset.probe["video_codec"] == "h264"
    assert s3_client.list_multipart_uploads(Bucket=s3_storage).get("Uploads", []) == []


def test_s3_rejected_upload_leaves_no_object_and_no_open_multipart(
    presenter_client, session_with_agency, s3_storage, s3_client, sample_mp4, tmp_path
):
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(sample_mp4.read_bytes()[:-5000])
    answer = helpers.upload(presenter_client, session=session_with_agency, path=cut)
    assert answer.status_code == 422
    assert "truncated" in answer.json()["error"]
    assert s3_client.list_objects_v2(Bucket=s3_storage).get("KeyCount") == 0
    assert s3_client.list_multipart_uploads(Bucket=s3_storage).get("Uploads", []) == []
    assert not MediaAsset.objects.exists()


def test_s3_aborted_upload_removes_its_parts(
    presenter_client, session_with_agency, s3_storage, s3_client, sample_mp4
):
    state = helpers.start(presenter_client, session=session_with_agency, path=sample_mp4).json()
    helpers.send_s3_part(presenter_client, state, 1, sample_mp4.read_bytes())
    answer = presenter_client.delete(
        reverse("media_library:upload_detail", kwargs={"pk": state["upload_id"]})
    )
    assert answer.json() == {"aborted": True}
    assert s3_client.list_multipart_uploads(Bucket=s3_storage).get("Uploads", []) == []
    assert not MediaAsset.objects.exists()


def _upload_through_view_peak(presenter, session, path) -> int:
    """Peak Python memory while the chunk view and completion handle a file streamed from
    disk (the request body is a file object, as a server hands it over)."""
    factory = RequestFactory()
    start = factory.post(
        "/",
        data=json.dumps(
            {
                "session": session.pk,
                "kind": "video",
                "language": "en",
                "title": "Talk",
                "filename": path.name,
                "size": path.stat().st_size,
            }
        ),
        content_type="application/json",
    )
    start.user = presenter
    state = json.loads(upload_views.upload_start(start).content)
    size, part = path.stat().st_size, state["part_size"]
    tracemalloc.start()
    try:
        with path.open("rb") as source:
            for offset in range(0, size, part):
                length = min(part, size - offset)
                request = factory.put(
                    f"/?offset={offset}", data=b"", content_type="application/octet-stream"
                )
                request.META["CONTENT_LENGTH"] = str(length)
                source.seek(offset)
                request._stream = source  # the body, read lazily as from a socket
                request.user = presenter
                answer = upload_views.upload_chunk(request, pk=state["upload_id"])
                assert answer.status_code == 200, answer.content
        finish = factory.post("/")
        finish.user = presenter
        answer = upload_views.upload_complete(finish, pk=state["upload_id"])
        assert answer.status_code == 200, answer.content
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_upload_memory_does_not_grow_with_file_size(
    presenter, session_with_agency, local_storage, sample_mp4, tmp_path
):
    small = _padded_mp4(sample_mp4, tmp_path / "small.mp4", 5 * 1024 * 1024)
    large = _padded_mp4(sample_mp4, tmp_path / "large.mp4", 50 * 1024 * 1024)
    peak_small = _upload_through_view_peak(presenter, session_with_agency, small)
    peak_large = _upload_through_view_peak(presenter, session_with_agency, large)
    print(f"tracemalloc peak: 5 MB upload {peak_small} B, 50 MB upload {peak_large} B")
    # Ten times the data, yet the peak stays within a small factor and far below one chunk.
    assert peak_large < 2 * peak_small + 512 * 1024
    assert peak_large < 4 * 1024 * 1024
    assert MediaAsset.objects.filter(status="queued").count() == 2


def test_unsigned_s3_get_is_refused_by_the_private_bucket(s3_storage, sample_mp4):
    from media_library import storage

    # Renditions and posters are written like this (a PUT without any public ACL).
    storage.put_file("presentations/9/9/out/poster.jpg", sample_mp4, content_type="image/jpeg")
    signed = storage.signed_url("presentations/9/9/out/poster.jpg", expires_in=30)
    assert requests.get(signed, timeout=10).content == sample_mp4.read_bytes()
    unsigned = signed.split("?", 1)[0]
    assert requests.get(unsigned, timeout=10).status_code == 403
    # The expiry asked for is the one signed into the URL. moto does not enforce presigned
    # expiry (real S3, MinIO and Ceph answer 403 once it has passed), so this is as far as
    # a test against moto can check it; the local signed view's expiry is tested fully.
    assert "X-Amz-Expires=30" in signed


def test_uploads_nobody_resumed_for_a_week_are_aborted(
    presenter_client, session_with_agency, s3_storage, s3_client, sample_mp4
):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    state = helpers.start(presenter_client, session=session_with_agency, path=sample_mp4).json()
    helpers.send_s3_part(presenter_client, state, 1, sample_mp4.read_bytes()[:1000])
    fresh = helpers.start(presenter_client, session=session_with_agency, path=sample_mp4).json()
    UploadSession.objects.filter(pk=state["upload_id"]).update(
        created_at=timezone.now() - timedelta(days=8)
    )
    report = io.StringIO()
    call_command("media_recover", stdout=report)
    assert "1 stale upload(s) aborted." in report.getvalue()
    assert list(UploadSession.objects.values_list("pk", flat=True)) == [fresh["upload_id"]]
    open_uploads = s3_client.list_multipart_uploads(Bucket=s3_storage).get("Uploads", [])
    assert [u["UploadId"] for u in open_uploads] == [UploadSession.objects.get().s3_upload_id]
