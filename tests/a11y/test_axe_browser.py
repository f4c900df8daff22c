"""axe-core finds no violation, of any impact, on the key pages of issue 18, in the six
languages (Arabic, Chinese and Russian read English text until their catalogues land; what
axe checks, names, roles, contrast, language and direction attributes, must hold already)."""

import pytest

from tests.a11y.axe import axe_violations
from tests.a11y.conftest import LANGUAGES, key_pages, open_context

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "bypass_csp": True}
LIVE = ("live-attendee", "live-moderator", "live-agency", "projector")


def _settle(page, name: str) -> None:
    page.wait_for_load_state("load")
    if name in LIVE:
        # The room fills its lists once the socket has said hello.
        page.locator("#connection-state[data-state=open]").wait_for()
        page.wait_for_timeout(300)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_axe_violations_on_key_pages(browser, server, signed_in, language):
    found = {}
    contexts = {}
    pages = key_pages(server) + [("register-with-errors", "anonymous", "/seminars/demo/register/")]
    for name, role, path in pages:
        if role not in contexts:
            contexts[role] = open_context(browser, server, signed_in, role, language, **DESKTOP)
        page = contexts[role].new_page()
        page.goto(server["base"] + path)
        if name == "register-with-errors":
            page.locator("form.stacked button[type=submit]").click()
            page.locator("#error-summary").wait_for()
        _settle(page, name)
        violations = axe_violations(page)
        if violations:
            found[name] = violations
        page.close()
    for context in contexts.values():
        context.close()
    assert found == {}, f"axe violations in {language}: {found}"
