"""Debian's chromium for the Playwright tests: one path, one set of flags, one check."""

import shutil
from contextlib import contextmanager

from tests.conftest import _service_missing

CHROMIUM = "/usr/bin/chromium"
# Without the networking flags chromium keeps trying hosts this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def require_chromium() -> str:
    """The chromium path; skips locally without it and fails under CI=true."""
    if not shutil.which(CHROMIUM):
        _service_missing(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@contextmanager
def chromium(monkeypatch):
    """A launched chromium for a test's fixture. Playwright's sync API runs an event loop in
    this thread; the test's own ORM calls are plain synchronous ones between browser steps."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()
