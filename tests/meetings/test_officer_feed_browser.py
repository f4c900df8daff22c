"""The officer's inbox in chromium: "Copy link" puts the feed's URL on the clipboard and says
so; the link is a calendar; "Reset my calendar link" ends it (410)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from tests import factories
from tests.browser import chromium
from tests.meetings.test_browser import _context


@pytest.fixture
def browser(monkeypatch, transactional_db, live_server):
    with chromium(monkeypatch) as browser:
        yield browser


def test_copy_link_then_reset(browser, live_server):
    seminar = factories.SeminarFactory(
        time_zone="Asia/Bangkok", starts_on=timezone.now().date() + timedelta(days=30)
    )
    factories.meetings_programme(seminar)
    officer = factories.officer(seminar, agency=factories.AgencyFactory(acronym="UNICEF"))
    context = _context(browser, live_server, officer.user)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(f"/seminars/{seminar.slug}/meetings/inbox/")
    heading = page.get_by_role("heading", name="Subscribe to my meetings calendar")
    assert heading.is_visible()
    page.get_by_role("button", name="Copy link").focus()
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Link copied.").wait_for()
    url = page.evaluate("navigator.clipboard.readText()")
    assert url == page.get_by_label("Calendar link").input_value()
    assert (
        page.get_by_role("link", name="Subscribe in your calendar (webcal)").get_attribute("href")
        == "webcal://" + url.split("://", 1)[1]
    )
    path = url.split(live_server.url, 1)[1]
    feed = Client().get(path)
    assert feed.status_code == 200
    Calendar.from_ical(feed.content)
    page.get_by_role("button", name="Reset my calendar link").click()
    page.wait_for_load_state()
    assert page.get_by_label("Calendar link").input_value() != url
    assert Client().get(path).status_code == 410
    context.close()
