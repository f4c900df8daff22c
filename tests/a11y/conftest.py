"""One seeded Daphne for the accessibility, layout and weight tests, and the pages they visit.

The server is the live room tests' (tests/live/test_live_browser.py): its own SQLite file,
migrated and seeded with the demo through manage.py, DEBUG static files, the in-memory channel
layer. Each role signs in once with its password; its cookies are reused by every context.
"""

import os

import pytest

from tests.browser import launch, require_chromium
from tests.live.test_live_browser import DaphneProcess, _free_port, _manage

# The six UN languages, English, French and Spanish first (their catalogues are complete);
# Arabic, Chinese and Russian read English text until their catalogues land, and the layout
# (right-to-left for Arabic) must hold either way.
LANGUAGES = ["en", "fr", "es", "ar", "zh-hans", "ru"]
ROLES = ("vendor", "moderator", "agency", "organizer")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    require_chromium()
    folder = tmp_path_factory.mktemp("a11y")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
        "MEDIA_ROOT": str(folder / "media"),
        "DEBUG": "true",
        "STORAGE_BACKEND": "local",
    }
    env.pop("REDIS_URL", None)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "seed_demo")
    ids = _manage(
        env,
        "shell",
        "-v",
        "0",
        "-c",
        "from seminars.models import Session; s = Session.objects.filter(seminar__slug='demo');"
        "print(s.filter(kind='qa').order_by('starts_at').first().pk,"
        " s.filter(kind='presentation', agencies__acronym='UNICEF').first().pk)",
    ).split()
    qa, talk = ids
    room = f"/seminars/demo/sessions/{qa}/live/"
    daphne = DaphneProcess(env, _free_port(), folder / "daphne.log", "/seminars/")
    try:
        daphne.start()
        yield {
            "base": f"http://127.0.0.1:{daphne.port}",
            "room": room,
            "screen": room.replace("/live/", "/screen/"),
            "watch": f"/seminars/demo/sessions/{talk}/watch/",
            "env": env,
        }
    finally:
        daphne.stop()


# Module scope, not session: a sync Playwright still open in this thread makes every later
# sync_playwright() (tests/browser.py, the other browser tests) fail with "using Playwright
# Sync API inside the asyncio loop", since its loop counts as running in this thread.
@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def signed_in(server, browser):
    """Each role's cookies (storage state), signed in once with the demo password."""
    states = {"anonymous": {"cookies": [], "origins": []}}
    for username in ROLES:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{server['base']}/accounts/sign-in/password/?next=/seminars/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("demo")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server['base']}/seminars/")
        states[username] = context.storage_state()
        context.close()
    return states


def open_context(browser, server, signed_in, role: str, language: str, **options):
    """A browser context for ``role`` that reads pages in ``language`` (Django's cookie)."""
    context = browser.new_context(storage_state=signed_in[role], **options)
    context.add_cookies([{"name": "django_language", "value": language, "url": server["base"]}])
    context.set_default_timeout(15_000)
    return context


# (name, role, path key or path): the key pages of issue 18.
def key_pages(server) -> list[tuple[str, str, str]]:
    return [
        ("home", "anonymous", "/seminars/"),
        ("agenda", "anonymous", "/seminars/demo/"),
        ("register", "anonymous", "/seminars/demo/register/"),
        ("sign-in", "anonymous", "/accounts/sign-in/"),
        ("my-registration", "vendor", "/seminars/demo/my-registration/"),
        ("live-attendee", "vendor", server["room"]),
        ("live-moderator", "moderator", server["room"]),
        ("live-agency", "agency", server["room"]),
        ("projector", "moderator", server["screen"]),
        ("watch", "vendor", server["watch"]),
        ("planner", "organizer", "/seminars/demo/planner/"),
        ("leads", "agency", "/seminars/demo/leads/"),
        ("registrations", "organizer", "/seminars/demo/registrations/"),
        ("exports", "organizer", "/seminars/demo/exports/"),
        ("organise-overview", "organizer", "/seminars/demo/organise/"),
        ("organise-registrants", "organizer", "/seminars/demo/organise/registrants/"),
        ("organise-agenda", "organizer", "/seminars/demo/organise/agenda/"),
    ]
