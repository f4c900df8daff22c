"""The viewer-zone script in a real browser: the viewer's column added in place on the first
visit (no reload), the cookie set for the next, the selector remembered."""

import os
from datetime import date, datetime

import pytest

from tests.browser import launch, require_chromium
from tests.factories import SeminarFactory, SessionFactory

# PostgreSQL: with SQLite's shared in-memory test database, Django's live-server threads leak
# a connection per test (a ResourceWarning, an error under filterwarnings=error). CI runs on
# PostgreSQL, where these tests run; locally they skip without DATABASE_URL.
pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which Django takes
    # for async code and refuses ORM calls in; the test code itself is synchronous.
    # https://github.com/microsoft/playwright-pytest/issues/29
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = launch(playwright)
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def agenda_url(live_server, transactional_db):
    seminar = SeminarFactory(slug="browser", starts_on=date(2030, 3, 4), ends_on=date(2030, 3, 5))
    SessionFactory(
        seminar=seminar,
        title="Live Q&A",
        starts_at=datetime(2030, 3, 4, 14, 30, tzinfo=seminar.zone),
        ends_at=datetime(2030, 3, 4, 15, 30, tzinfo=seminar.zone),
    )
    return f"{live_server.url}/seminars/browser/"


def test_browser_zone_is_shown_on_the_first_visit_without_a_reload(browser, agenda_url):
    context = browser.new_context(timezone_id="Asia/Kathmandu")
    page = context.new_page()
    documents = []
    page.on("request", lambda r: documents.append(r.url) if r.resource_type == "document" else None)
    page.goto(agenda_url)
    # Chromium reports ICU's legacy name (Asia/Katmandu); the server shows the present one.
    page.wait_for_selector('[data-viewer-zone^="Asia/Kat"]')
    text = page.inner_text(".agenda")
    assert "UTC+05:45" in text
    assert "17:15" in text  # 14:30 in Nairobi
    assert "14:30" in text  # the seminar's own column stays
    assert page.get_by_role("columnheader", name="Your time (Asia/Kat").count() == 1
    cookie = {c["name"]: c["value"] for c in context.cookies()}["viewer_tz"]
    assert cookie.strip('"') in {"Asia/Kathmandu", "Asia/Katmandu"}
    page.wait_for_timeout(300)
    assert documents == [agenda_url], "one page load: the column is added in place"
    # The next visit comes from the server with both clocks (the cookie was set).
    page.goto(agenda_url)
    page.wait_for_load_state("load")
    assert page.get_attribute(".agenda", "data-viewer-zone") == "Asia/Kathmandu", page.content()[
        :3000
    ]
    assert page.get_by_role("columnheader", name="Your time").count() == 1
    context.close()


def test_chosen_zone_is_remembered_over_the_detected_one(browser, agenda_url):
    context = browser.new_context(timezone_id="Asia/Kathmandu")
    page = context.new_page()
    page.goto(agenda_url)
    page.wait_for_selector('[data-viewer-zone^="Asia/Kat"]')  # ICU's legacy Asia/Katmandu too
    page.get_by_label("Show times also in this time zone").select_option("Pacific/Fiji")
    page.get_by_role("button", name="Show times").click()
    page.wait_for_selector('[data-viewer-zone="Pacific/Fiji"]')
    assert "tz=Pacific%2FFiji" in page.url
    page.goto(agenda_url)  # no ?tz=: the cookie decides, the script does not overwrite it
    page.wait_for_selector('[data-viewer-zone="Pacific/Fiji"]')
    assert "UTC+12:00" in page.inner_text(".agenda")
    context.close()


def test_query_zone_is_not_overridden_by_the_script(browser, agenda_url):
    context = browser.new_context(timezone_id="America/Lima")
    page = context.new_page()
    page.goto(agenda_url + "?tz=Asia/Dhaka")
    page.wait_for_selector('[data-viewer-zone="Asia/Dhaka"]')
    page.wait_for_timeout(300)
    assert "tz=Asia/Dhaka" in page.url
    assert "UTC+06:00" in page.inner_text(".agenda")
    context.close()
