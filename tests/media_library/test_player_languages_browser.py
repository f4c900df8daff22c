"""A presentation version with interpreters' sound (a live recording, docs/live-stage.md) in
Debian's chromium: the player offers its audio languages by name in the viewer's language,
the viewer's interface language first when the recording has it."""

import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from media_library.services import processing, review
from seminars.models import Session
from tests.media_library.conftest import _ffmpeg
from tests.media_library.test_processing import _queued_asset

_MENU = "[data-audio-language]"


def _two_languages(target):
    subprocess.run(
        [_ffmpeg(), "-nostdin", "-y", "-v", "error",
         "-f", "lavfi", "-i", "testsrc=size=320x180:rate=25:duration=8",
         "-f", "lavfi", "-i", "sine=frequency=440:duration=8",
         "-f", "lavfi", "-i", "sine=frequency=660:duration=8",
         "-map", "0:v", "-map", "1:a", "-map", "2:a",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
         "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fra", str(target)],
        check=True,
    )  # fmt: skip
    return target


def _menu_after_play(browser, url: str, locale: str) -> dict:
    page = browser.new_context(locale=locale).new_page()
    page.goto(url)
    page.wait_for_function("() => document.querySelector('[data-media-player]')?.player")
    page.click("[data-join]")
    page.wait_for_function(
        f"() => !document.querySelector('{_MENU}').closest('label').hidden"
        f" && document.querySelector('{_MENU}').value"
    )
    return page.evaluate(
        f"""() => {{
          const menu = document.querySelector('{_MENU}');
          const hls = document.querySelector('[data-media-player]').player.hls;
          return {{
            options: [...menu.options].map((o) => [o.value, o.text]),
            value: menu.value,
            label: menu.closest('label').textContent.trim().split(/\\s+/)[0],
            track: hls.audioTracks[hls.audioTrack].lang,
          }};
        }}"""
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_interpreted_recording_offers_its_languages_by_name_the_viewers_first(
    live_server,
    chromium_path,
    presenter_client,
    session_with_agency,
    organizer,
    local_storage,
    media_dir,
):
    asset = _queued_asset(
        presenter_client, session_with_agency, _two_languages(media_dir / "interpreted.mp4")
    )
    processing.asset_process(asset_id=asset.pk)
    asset.refresh_from_db()
    assert asset.status == "ready"
    review.asset_approve(asset=asset, user=organizer)
    now = timezone.now()
    Session.objects.filter(pk=session_with_agency.pk).update(
        starts_at=now - timedelta(hours=2), ends_at=now - timedelta(hours=1)
    )
    url = live_server.url + reverse(
        "media_library_seminar:session_watch",
        kwargs={"slug": session_with_agency.seminar.slug, "session_id": session_with_agency.pk},
    )
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            french = _menu_after_play(browser, url, "fr-FR")
            english = _menu_after_play(browser, url, "en-GB")
        finally:
            browser.close()
    # A French reader: names in French, the French sound chosen and playing.
    assert french["options"] == [["en", "Anglais"], ["fr", "Français"]]
    assert (french["value"], french["track"], french["label"]) == ("fr", "fr", "Langue")
    # An English reader: names in English, the hall's English sound.
    assert english["options"] == [["en", "English"], ["fr", "French"]]
    assert (english["value"], english["track"], english["label"]) == ("en", "en", "Language")
