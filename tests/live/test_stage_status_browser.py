"""The organisers' stage page in Debian's chromium says what changed without a reload: a
second encoder refused, the stream on air; its status region is replaced (and so announced)
once per change, not at every poll."""

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from live.models import Stage, StageFeed
from live.services.stage import stage_key_rotate
from tests.browser import chromium
from tests.live.stage_helpers import live_session  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_COUNT_REPLACEMENTS = """() => {
  window.replacements = 0;
  new MutationObserver(() => { window.replacements += 1; })
    .observe(document.getElementById('stage-status'), {childList: true});
}"""


@pytest.fixture
def browser(monkeypatch, transactional_db, live_server):
    with chromium(monkeypatch) as browser:
        yield browser


def test_organisers_see_a_second_encoder_and_on_air_without_reloading(
    live_session,  # noqa: F811
    browser,
    live_server,
    client,
    settings,
):
    settings.LIVE_STAGE_RTMP_URL = "rtmp://seminars.example.org/live"
    session, organiser = live_session
    stage_key_rotate(session=session, user=organiser)
    client.force_login(organiser)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page = browser.new_context(locale="en").new_page()
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/seminars/{session.seminar.slug}/sessions/{session.pk}/stage/")
    region = page.locator("#stage-status")
    assert region.get_attribute("role") == "status"
    assert "Not streaming" in region.inner_text()
    page.evaluate(_COUNT_REPLACEMENTS)

    polls = []
    page.on("response", lambda response: "/stage/status/" in response.url and polls.append(1))
    StageFeed.objects.filter(stage__session=session).update(
        publishing_since=timezone.now(), second_encoder_at=timezone.now()
    )
    Stage.objects.filter(session=session).update(state=Stage.State.ON_AIR)
    page.wait_for_function(
        "() => document.getElementById('stage-status').textContent.includes('was refused')",
        timeout=20_000,
    )
    text = region.inner_text()
    assert "On air" in text and "Hall (video and sound): Streaming" in text
    # Two more rounds with nothing new: the region is left alone (announced once).
    seen = len(polls)
    for _round in range(60):  # Playwright delivers the page's responses while it waits
        if len(polls) >= seen + 2:
            break
        page.wait_for_timeout(500)
    assert len(polls) >= seen + 2, "the page kept polling"
    assert page.evaluate("() => window.replacements") == 1
