"""The player's phases in chromium: countdown before the start, the live room's clock event
moving it into the premiere, replay with controls afterwards."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from media_library.services import review
from seminars.models import Session
from tests import factories
from tests.media_library.conftest import browser_page
from tests.media_library.test_permissions import _ready_video


def _watch_url(live_server, session) -> str:
    return live_server.url + reverse(
        "media_library_seminar:session_watch",
        kwargs={"slug": session.seminar.slug, "session_id": session.pk},
    )


def _phase(page) -> str:
    return page.evaluate("document.querySelector('[data-media-player]').dataset.phase")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_countdown_then_clock_event_starts_the_premiere_and_past_sessions_replay(
    live_server, chromium_path, seminar, agency, organizer, local_storage
):
    upcoming = factories.SessionFactory(seminar=seminar)
    finished = factories.SessionFactory(seminar=seminar)
    for session in (upcoming, finished):
        review.asset_approve(asset=_ready_video(session, agency, local_storage), user=organizer)
    now = timezone.now()
    Session.objects.filter(pk=upcoming.pk).update(
        starts_at=now + timedelta(minutes=2), ends_at=now + timedelta(hours=1)
    )
    Session.objects.filter(pk=finished.pk).update(
        starts_at=now - timedelta(hours=2), ends_at=now - timedelta(hours=1)
    )
    upcoming_url = _watch_url(live_server, upcoming)
    finished_url = _watch_url(live_server, finished)

    with browser_page() as page:
        page.goto(upcoming_url)
        page.wait_for_function("() => document.querySelector('[data-media-player]')?.player")
        assert _phase(page) == "before"
        countdown = page.inner_text("[data-countdown]")
        assert "starts in 00:01:" in countdown or "starts in 00:02:00" in countdown
        # The ticking countdown is outside the live region; the status is announced once.
        status = page.inner_text("[data-status]")
        assert status == "The presentation has not started yet."
        assert (
            page.evaluate("document.querySelector('[data-countdown]').closest('[aria-live]')")
            is None
        )
        page.wait_for_timeout(1_200)
        assert page.inner_text("[data-status]") == status
        assert page.inner_text("[data-countdown]") != countdown
        assert page.get_by_role("button", name="Join the presentation").is_hidden()
        # The live room's socket reports that this machine's clock is slow: by as much as puts
        # it a second past the start (computed here, so that a slow run cannot overshoot the
        # short test video into its replay).
        page.evaluate(
            "const start = Number(document.querySelector('[data-media-player]').dataset.startsAt);"
            "document.dispatchEvent(new CustomEvent('openips:clock',"
            " {detail: {offsetMs: start - Date.now() + 1000}}))"
        )
        page.wait_for_function(
            "() => document.querySelector('[data-media-player]').dataset.phase === 'premiere'"
        )
        assert page.get_by_role("button", name="Join the presentation").is_visible()
        controls_in_premiere = page.evaluate("document.querySelector('video').controls")
        # No seeking in a premiere, but the viewer sets the volume and mutes.
        page.get_by_role("button", name="Mute").click()
        muted = page.evaluate("document.querySelector('video').muted")
        assert page.get_by_role("slider", name="Volume").is_visible()

        page.goto(finished_url)
        page.wait_for_function("() => document.querySelector('[data-media-player]')?.player")
        replay = (_phase(page), page.evaluate("document.querySelector('video').controls"))
        # A replay is played, not joined.
        assert page.get_by_role("button", name="Play the recording").is_visible()
        assert page.get_by_role("button", name="Join the presentation").count() == 0
    assert muted is True
    assert controls_in_premiere is False  # no seeking away from the shared point
    assert replay == ("replay", True)
