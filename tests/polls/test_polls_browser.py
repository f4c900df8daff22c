"""Polls in a real browser against a real Daphne: a moderator creates and launches a poll, two
vendors and a room-token phone vote, the projector shows the totals, the export matches."""

import csv
import io
import re
import time

import pytest

from tests.live import test_live_browser as live_browser
from tests.live.test_live_browser import _manage, _page_errors, _sign_in

# The live room's Daphne server and browser fixtures, shared rather than copied.
server = live_browser.server
browser = live_browser.browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECOND_VENDOR = (
    "from django.contrib.auth import get_user_model; "
    "get_user_model().objects.create_user('vendor2', 'kofi@x.example', 'demo', "
    "first_name='Kofi', last_name='Mensah')"
)


def test_moderator_launches_a_poll_vendors_and_a_phone_vote_projector_and_export_agree(
    server, browser
):
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    _manage(server["env"], "shell", "-v", "0", "-c", SECOND_VENDOR)
    errors: list[str] = []
    room = server["other_room"]
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    moderator = _sign_in(desk, server, "moderator", errors, room)
    screen = desk.new_page()
    _page_errors(screen, errors, "screen")
    screen.goto(server["base"] + room.replace("/live/", "/screen/"))
    vendors = [
        _sign_in(browser.new_context(), server, name, errors, room)
        for name in ("vendor", "vendor2")
    ]
    phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True).new_page()
    _page_errors(phone, errors, "phone")
    phone.goto(screen.locator("#qr").get_attribute("data-join-url"))
    for page in (moderator, screen, phone, *vendors):
        expect(page.get_by_role("status").filter(has_text="Connected")).to_be_visible()

    question = f"Which market do you serve? {time.time_ns()}"
    moderator.get_by_text("Prepare a poll").click()
    moderator.get_by_label("Question", exact=True).fill(question)
    moderator.get_by_label("Options, one per line").fill("Local\nRegional\nGlobal")
    moderator.get_by_role("button", name="Create poll").click()
    poll = moderator.locator("#polls li.poll").filter(has_text=question)
    poll.get_by_role("button", name="Launch poll").click()

    for page, choice in ((vendors[0], "Local"), (vendors[1], "Global"), (phone, "Local")):
        item = page.locator("#polls li.poll").filter(has_text=question)
        item.get_by_label(choice).check()
        item.get_by_role("button", name="Vote").click()
        expect(page.locator("#polls .poll-status")).to_contain_text("Your vote is counted")
    expect(poll).to_contain_text("3 people voted")
    poll.get_by_role("button", name="Show results").click()
    poll.get_by_role("button", name="Close poll").click()

    on_screen = screen.locator("#polls li.poll")
    expect(on_screen).to_contain_text(question)
    expect(on_screen).to_contain_text("3 people voted")
    local_row = on_screen.locator("li").filter(has_text="Local")
    expect(local_row).to_contain_text(re.compile(r"2 votes \(67%\)"))
    expect(on_screen.locator("meter")).to_have_count(3)

    export = moderator.request.get(server["base"] + room.replace("/live/", "/polls.csv")).text()
    rows = [r for r in csv.reader(io.StringIO(export.lstrip("\ufeff"))) if r[1] == question]
    assert [(r[4], r[5], r[6]) for r in rows] == [
        ("Local", "2", "3"),
        ("Regional", "0", "3"),
        ("Global", "1", "3"),
    ]
    assert errors == []
