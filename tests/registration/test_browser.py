"""A vendor registers on a phone-sized screen, end to end, in Debian's chromium."""

import pytest
from django.core import mail

from tests.browser import chromium

SCREENSHOT = "/tmp/openips-registration-phone.png"
FORM_SCREENSHOT = "/tmp/openips-registration-form-phone.png"


@pytest.fixture
def browser(monkeypatch, transactional_db, live_server):
    # Depending on the database fixtures makes the browser (and the event loop Playwright runs
    # in this thread) stop before the database is flushed; otherwise the flush would open a
    # second, never-closed connection in the loop's context.
    with chromium(monkeypatch) as browser:
        yield browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_vendor_registers_on_a_phone_including_the_emailed_link(
    browser, live_server, open_seminar, agencies
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/seminars/{open_seminar.slug}/register/")
    page.get_by_label("Email:", exact=True).fill("pema@thimphu.example")
    page.get_by_label("Your name:", exact=True).fill("Pema Choden")
    page.get_by_label("Phone:", exact=True).fill("+975 17 12 34 56")
    page.get_by_label("Company legal name:", exact=True).fill("Thimphu Handicrafts")
    page.get_by_label("Country:", exact=True).select_option("BT")
    page.get_by_label("Small (10–49 staff)").check()
    page.get_by_text("What you sell (UNSPSC segments)").first.click()
    page.get_by_label("42 · Medical Equipment and Accessories and Supplies").check()
    page.get_by_label("Online").check()
    page.get_by_label("Share my contact details with UNICEF so that it may contact me").check()
    page.screenshot(path=FORM_SCREENSHOT, full_page=True)
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/register/sent/")
    assert "Check your email" in page.content()

    link = next(
        line.strip() for line in mail.outbox[-1].body.splitlines() if "/register/confirm/" in line
    )
    page.goto(live_server.url + "/" + link.split("://", 1)[1].split("/", 1)[1])
    page.get_by_role("button", name="Confirm and sign in").click()
    page.wait_for_url("**/my-registration/")
    text = page.inner_text("main")
    assert "Confirmed" in text and "Asia/Thimphu" in text
    page.screenshot(path=SCREENSHOT, full_page=False)
    # Nothing may overflow sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
