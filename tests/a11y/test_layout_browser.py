"""No key page scrolls sideways on a 360 px phone, in any of the six languages; wide tables
become stacked cards there. Arabic pages used to be about 1,000 px too wide (the skip link
was hidden at left:-999px, which a right-to-left page can scroll to)."""

import pytest

from tests.a11y.conftest import LANGUAGES, key_pages, open_context

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True}
WIDTH = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_key_page_scrolls_sideways_at_360_px(browser, server, signed_in, language):
    too_wide = {}
    contexts = {}
    for name, role, path in key_pages(server):
        if role not in contexts:
            contexts[role] = open_context(browser, server, signed_in, role, language, **PHONE)
        page = contexts[role].new_page()
        page.goto(server["base"] + path)
        page.wait_for_load_state("load")
        scroll, client = page.evaluate(WIDTH)
        if scroll > client:
            too_wide[name] = scroll
        page.close()
    for context in contexts.values():
        context.close()
    assert too_wide == {}, f"pages wider than 360 px in {language}: {too_wide}"


def test_arabic_pages_are_right_to_left(browser, server, signed_in):
    context = open_context(browser, server, signed_in, "anonymous", "ar", **PHONE)
    page = context.new_page()
    page.goto(server["base"] + "/seminars/demo/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    context.close()


@pytest.mark.parametrize(
    ("role", "path", "label"),
    [
        ("agency", "/seminars/demo/leads/", "Score"),
        ("organizer", "/seminars/demo/organise/registrants/", "Company"),
        ("organizer", "/seminars/demo/organise/agenda/", "Session"),
    ],
)
def test_wide_tables_become_stacked_cards_at_360_px(browser, server, signed_in, role, path, label):
    context = open_context(browser, server, signed_in, role, "en", **PHONE)
    page = context.new_page()
    page.goto(server["base"] + path)
    row = page.locator(".cards tbody tr").first
    assert row.evaluate("el => getComputedStyle(el).display") == "block"
    cell = page.locator(f'.cards td[data-label="{label}"]').first
    # Each cell names its column (the header row is hidden on a phone).
    assert cell.evaluate("el => getComputedStyle(el, '::before').content") == f'"{label}"'
    assert page.evaluate(WIDTH)[0] <= 360
    context.close()
