"""The upload page in chromium: upload.js sends a 20 MB video in parts (local chunks or S3
multipart on moto), survives a dropped request by resuming, and shows progress."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from media_library.models import MediaAsset
from tests.media_library.conftest import browser_page
from tests.media_library.test_uploads_resume import _padded_mp4


@pytest.fixture(params=["local", "s3"])
def any_storage(request):
    return request.getfixturevalue("local_storage" if request.param == "local" else "s3_storage")


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_upload_page_sends_parts_resumes_after_a_dropped_request_and_queues_processing(
    client,
    live_server,
    chromium_path,
    presenter,
    seminar,
    session_with_agency,
    any_storage,
    sample_mp4,
    tmp_path,
):
    video = _padded_mp4(sample_mp4, tmp_path / "talk.mp4", 20 * 1024 * 1024)
    client.force_login(presenter)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    url = live_server.url + reverse(
        "media_library_seminar:session_media",
        kwargs={"slug": seminar.slug, "session_id": session_with_agency.pk},
    )
    dropped: list[str] = []
    progress: list[int] = []

    def drop_second_part_once(route):
        # The second part's request fails once, as a flaky mobile connection would.
        second = "offset=8388608" in route.request.url or "partNumber=2" in route.request.url
        if not dropped and second:
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    with browser_page() as page:
        page.context.add_cookies(
            [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        page.route("**/*", drop_second_part_once)
        page.goto(url)
        page.get_by_label("Title", exact=True).fill("UNICEF supply talk")
        page.get_by_label("File", exact=True).set_input_files(str(video))
        page.get_by_role("button", name="Upload").click()
        for _ in range(120):
            value = page.evaluate("document.querySelector('[data-progress]')?.value ?? -1")
            progress.append(int(value))
            if "Processing is queued" in page.inner_text("[data-upload-status]"):
                break
            page.wait_for_timeout(250)
        status = page.inner_text("[data-upload-status]")
    assert "Processing is queued" in status, status
    assert dropped, "the second part was never requested"
    assert max(progress) == 100 and any(0 < p < 100 for p in progress)
    asset = MediaAsset.objects.get()
    assert (asset.status, asset.size_bytes, asset.title) == (
        "queued",
        video.stat().st_size,
        "UNICEF supply talk",
    )
