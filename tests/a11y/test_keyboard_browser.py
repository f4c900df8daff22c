"""Keyboard only: registering, asking, voting and moderating with Tab, Enter and typing.

Focus must never fall to <body>: a failed registration focuses an error summary that links to
each field; Ask keeps focus on its button; a vote keeps focus on the voted button (named with
its question, its state in aria-pressed); Approve and Dismiss move focus to the next question
in the queue instead of losing it (it used to take 52-62 Tab presses to come back).
"""

import time

import pytest

from tests.a11y.conftest import open_context

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ACTIVE = """() => { const el = document.activeElement; return el ? {
    tag: el.tagName, id: el.id, text: (el.textContent || "").trim(),
    action: el.dataset.action || "", label: el.getAttribute("aria-label") || "",
    pressed: el.getAttribute("aria-pressed"),
    list: el.closest("ol") ? el.closest("ol").id : "" } : null; }"""


def tab_to(page, selector: str, limit: int = 250) -> int:
    """Press Tab until the focused element matches ``selector``; the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => document.activeElement.matches({selector!r})"):
            return presses
    raise AssertionError(f"{selector} not reached with {limit} Tab presses")


def active(page) -> dict:
    return page.evaluate(ACTIVE)


def test_a_failed_registration_focuses_a_summary_that_links_to_each_field(
    browser, server, signed_in
):
    context = open_context(browser, server, signed_in, "anonymous", "en")
    page = context.new_page()
    page.goto(server["base"] + "/seminars/demo/register/")
    tab_to(page, "#id_email")
    page.keyboard.type("not an address")
    page.keyboard.press("Enter")  # implicit submission
    page.wait_for_selector("#error-summary")
    page.wait_for_function("() => document.activeElement.id === 'error-summary'")
    links = page.locator("#error-summary a")
    assert links.count() >= 2
    # Every field in error says so, and points at descriptions that exist.
    broken = page.evaluate(
        """() => [...document.querySelectorAll('[aria-invalid="true"]')].flatMap((el) =>
            (el.getAttribute("aria-describedby") || "").split(" ").filter(Boolean)
              .filter((id) => !document.getElementById(id)).map((id) => el.id + " -> " + id))"""
    )
    assert broken == []
    assert page.locator("#id_email[aria-invalid=true]").count() == 1
    assert "id_email_error" in page.get_attribute("#id_email", "aria-describedby")
    # Tab reaches the first link; Enter moves focus into its field.
    page.keyboard.press("Tab")
    first = active(page)
    href = page.evaluate("document.activeElement.hash")
    page.keyboard.press("Enter")
    assert first["tag"] == "A"
    assert "#" + active(page)["id"] == href
    context.close()


def test_ask_keeps_focus_and_a_vote_keeps_focus_on_its_named_toggle(browser, server, signed_in):
    context = open_context(browser, server, signed_in, "vendor", "en")
    page = context.new_page()
    page.goto(server["base"] + server["room"])
    page.get_by_role("status").filter(has_text="Connected").wait_for()
    tab_to(page, "#id_text")
    page.keyboard.type(f"Keyboard question {time.time_ns()}")
    tab_to(page, "#ask-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('ask-feedback').textContent.includes('Thank')"
    )
    assert active(page)["text"] == "Ask"

    page.locator("#questions .q-vote").first.wait_for()
    tab_to(page, "#questions .q-vote[aria-pressed=false]")
    before = active(page)
    assert before["text"].startswith("Upvote: ") and len(before["text"]) > len("Upvote: ")
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"() => document.activeElement.getAttribute('aria-pressed') === 'true'"
        f" && document.activeElement.textContent.trim() === {before['text']!r}"
    )
    # Named by their questions: no two vote buttons share a name.
    names = page.locator("#questions .q-vote").evaluate_all(
        "els => els.map((el) => el.textContent)"
    )
    assert len(set(names)) == len(names)
    context.close()


def test_approve_and_dismiss_move_focus_to_the_next_question(browser, server, signed_in):
    context = open_context(browser, server, signed_in, "moderator", "en")
    page = context.new_page()
    page.goto(server["base"] + server["room"])
    page.get_by_role("status").filter(has_text="Connected").wait_for()
    if not page.is_checked("#moderated-switch"):
        tab_to(page, "#moderated-switch")
        page.keyboard.press("Space")
        page.wait_for_function(
            "() => document.getElementById('qa-mode').textContent.includes('wait')"
        )
    stamp = time.time_ns()
    for n in range(3):
        tab_to(page, "#id_text")
        page.keyboard.type(f"Queued {n} {stamp}")
        page.keyboard.press("Tab")
        tab_to(page, "#ask-form button[type=submit]")
        page.keyboard.press("Enter")
        page.locator("#queue li", has_text=f"Queued {n} {stamp}").wait_for()

    tab_to(page, '#queue button[data-action="approve"]')
    approved = page.evaluate("document.activeElement.closest('li').dataset.id")
    page.keyboard.press("Enter")
    page.locator(f'#questions li[data-id="{approved}"]').wait_for()
    page.wait_for_function("() => document.activeElement.dataset.action === 'approve'")
    now = active(page)
    assert now["list"] == "queue"
    assert page.evaluate("document.activeElement.closest('li').dataset.id") != approved

    page.keyboard.press("Tab")  # from Approve to Dismiss on the same question
    assert active(page)["action"] == "dismiss"
    dismissed = page.evaluate("document.activeElement.closest('li').dataset.id")
    page.keyboard.press("Enter")
    page.locator(f'#dismissed li[data-id="{dismissed}"]').wait_for()
    page.wait_for_function("() => document.activeElement !== document.body")
    assert active(page)["tag"] in {"BUTTON", "H3"}
    assert active(page)["list"] in {"queue", ""}
    context.close()
