"""The Content-Security-Policy in a real browser: no page the platform serves breaks it.

Debian's chromium (Playwright) against a Daphne subprocess seeded with the demo, with the
policy Django sends in production. Every main page is opened by the user who uses it (the
agenda, planner and registration form anonymously; the live room as vendor and moderator;
the player with a processed video played through hls.js; the upload page as the agency; the
projector, check-in desk and admin as the organiser). Any ``securitypolicyviolation`` event or
console report of a refused load fails the test. A control injects inline script and checks
that the browser refuses it, so an empty list means the policy was enforced, not absent.
"""

import json

import pytest

from tests.browser import launch, require_chromium
from tests.live.test_live_browser import DaphneProcess, _free_port, _manage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Processes and approves the demo video, moves its session into the past (the player then
# offers replay), and prints the pages to visit.
SETUP = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from media_library.models import MediaAsset
from media_library.services import processing, review
from seminars.models import Session

organizer = get_user_model().objects.get(username="organizer")
videos = MediaAsset.objects.filter(kind="video")
for asset in videos:
    processing.asset_process(asset_id=asset.pk)
    review.asset_approve(asset=MediaAsset.objects.get(pk=asset.pk), user=organizer)
watched = videos.first().presentation.session
now = timezone.now()
Session.objects.filter(pk=watched.pk).update(
    starts_at=now - timedelta(hours=2), ends_at=now - timedelta(hours=1)
)
room = Session.objects.filter(seminar__slug="demo", kind="qa").order_by("starts_at").first()
slug = {"slug": "demo"}
print(json.dumps({
    "anonymous": [
        reverse("seminars:list"),
        reverse("seminars:detail", kwargs=slug),
        reverse("scheduling_seminar:planner", kwargs=slug),
        reverse("registration:register", kwargs=slug),
    ],
    "vendor": [
        reverse("live:room", kwargs={**slug, "session_id": room.pk}),
        reverse("media_library_seminar:session_watch", kwargs={**slug, "session_id": watched.pk}),
    ],
    "moderator": [reverse("live:room", kwargs={**slug, "session_id": room.pk})],
    "agency": [
        reverse("media_library_seminar:session_media", kwargs={**slug, "session_id": watched.pk}),
    ],
    "organizer": [
        reverse("live:screen", kwargs={**slug, "session_id": room.pk}),
        reverse("registration:check_in", kwargs=slug),
        reverse("registration:registrations", kwargs=slug),
        reverse("media_library_seminar:review_queue", kwargs=slug),
        reverse("admin:index"),
        reverse("admin:registration_registration_changelist"),
        reverse("admin:seminars_session_add"),
    ],
}))
"""

LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    folder = tmp_path_factory.mktemp("csp-browser")
    import os

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
        "MEDIA_ROOT": str(folder / "media"),
        "PRIVATE_MEDIA_ROOT": str(folder / "private_media"),
        "DEBUG": "true",  # static files through WhiteNoise's finders, no collectstatic
        "STORAGE_BACKEND": "local",
    }
    env.pop("REDIS_URL", None)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "seed_demo")
    pages = json.loads(_manage(env, "shell", "-v", "0", "-c", SETUP).strip().splitlines()[-1])
    daphne = DaphneProcess(env, _free_port(), folder / "daphne.log", pages["anonymous"][0])
    try:
        daphne.start()
        yield {"base": f"http://127.0.0.1:{daphne.port}", "pages": pages}
    finally:
        daphne.stop()


def _watching(context, violations: list[str], who: str):
    context.expose_binding(
        "reportCspViolation", lambda source, text: violations.append(f"{who}: {text}")
    )
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            violations.append(f"{who} console: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(f"{who} page error: {error}"))
    return page


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/sign-in/password/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/sign-in/" not in url)


def _visit(page, url: str, visited: list[str]) -> None:
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    visited.append(url)


def _play_the_video(page) -> None:
    """Replay through hls.js: a blob: worker, a MediaSource on a blob: URL, segments by XHR."""
    page.get_by_role("button", name="Play the recording").click()
    page.wait_for_function(
        "() => document.querySelector('video').currentTime > 0.2", timeout=30_000
    )


def test_no_main_page_raises_a_csp_violation(server):
    from playwright.sync_api import sync_playwright

    base, violations, visited = server["base"], [], []
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            for who, paths in server["pages"].items():
                context = chromium.new_context()
                page = _watching(context, violations, who)
                if who != "anonymous":
                    _sign_in(page, base, who)
                for path in paths:
                    _visit(page, base + path, visited)
                    if "/watch/" in path:
                        _play_the_video(page)
                context.close()
        finally:
            chromium.close()
    assert len(visited) == sum(len(paths) for paths in server["pages"].values())
    assert violations == []


def test_the_policy_is_enforced_inline_script_and_handlers_are_refused(server):
    from playwright.sync_api import sync_playwright

    violations: list[str] = []
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            page = _watching(chromium.new_context(), violations, "attacker")
            _visit(page, server["base"] + server["pages"]["anonymous"][1], [])
            page.evaluate(
                """() => {
                  const script = document.createElement("script");
                  script.textContent = "window.__ran = true";
                  document.body.append(script);
                  document.body.insertAdjacentHTML(
                    "beforeend", '<img src="/static/favicon.svg" onload="window.__ran = true">');
                }"""
            )
            page.wait_for_function("() => document.querySelector('img[onload]').complete")
            ran = page.evaluate("window.__ran === true")
            page.wait_for_function("() => true")  # let the violation events be delivered
        finally:
            chromium.close()
    assert ran is False
    assert any("script-src" in text for text in violations), violations
