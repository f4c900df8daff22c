"""ACCEPTANCE, in Debian's chromium with a real SMTP server (aiosmtpd): a registered vendor
signs out, clicks "Sign in" in the header, asks for a link, opens it from the email, confirms,
and is back in the live room they came from; the link then, and an expired one, are refused
with a clear page."""

import re
import time

import pytest
from django.urls import reverse

from tests.live.live_helpers import session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _emailed_link(smtp, count: int, base: str) -> str:
    """The link in the ``count``-th email the SMTP server received, on the test server."""
    for _attempt in range(200):  # the email leaves after the request's commit
        if len(smtp.messages) >= count:
            break
        time.sleep(0.05)
    body = smtp.messages[count - 1].get_body(preferencelist=("plain",)).get_content()
    url = re.search(r"https?://\S+/accounts/sign-in/link/\S+/", body).group(0)
    return base + "/" + url.split("://", 1)[1].split("/", 1)[1]


def _ask_for_a_link(page):
    page.locator("header").get_by_role("link", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/sign-in/?next=" in url)
    page.get_by_label("Email address").fill("vendor@firm.example")
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.wait_for_url("**/accounts/sign-in/sent/")
    assert "Check your email" in page.inner_text("main")


def test_vendor_signs_out_and_back_in_by_emailed_link_to_the_live_room(
    browser, live_server, vendor_registration, smtp, settings
):
    session = vendor_registration.sessions.first()
    room = reverse(
        "live:room", kwargs={"slug": vendor_registration.seminar.slug, "session_id": session.pk}
    )
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_cookie(vendor_registration.person.user),
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(live_server.url + room)
    assert "Signed in as Sita Sharma" in page.inner_text("header")

    page.locator("header").get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/seminars/")
    page.goto(live_server.url + room)
    assert "Sign in to read the questions" in page.inner_text("main")

    _ask_for_a_link(page)
    link = _emailed_link(smtp, 1, live_server.url)
    page.goto(link)
    assert "Signed in as" not in page.inner_text("header")  # opening it signs nobody in
    page.get_by_role("button", name="Sign in now").click()
    page.wait_for_url(live_server.url + room)
    assert "Signed in as Sita Sharma" in page.inner_text("header")

    # The same link again: refused, with what to do next.
    page.goto(link)
    assert "has already been used" in page.inner_text("main")
    assert page.get_by_role("button", name="Email me a new sign-in link").count() == 1

    # An expired link: refused with its own message.
    page.locator("header").get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/seminars/")
    page.goto(live_server.url + room)
    _ask_for_a_link(page)
    settings.ACCOUNT_SIGN_IN_LINK_MAX_AGE = -1  # every link is now past its age
    page.goto(_emailed_link(smtp, 2, live_server.url))
    assert "has expired" in page.inner_text("main")
    assert "Signed in as" not in page.inner_text("header")
