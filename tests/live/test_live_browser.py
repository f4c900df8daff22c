"""The live room in a real browser against a real Daphne server.

Debian's chromium, driven by Playwright: a vendor asks on a phone, the moderator approves and
highlights on a desktop, the vendor's page and the projector view follow without a reload; the
vendor's network drops, questions are asked meanwhile, and they appear after it comes back.

The server runs in a subprocess with its own SQLite file, migrated and seeded with the demo
through manage.py (the pytest database is in memory or a per-run PostgreSQL database that a
second process cannot share safely while a test transaction holds it). It runs without
REDIS_URL: one process with the in-memory channel layer; the two-process Redis test lives with
the consumer tests.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser import launch, require_chromium

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
DAPHNE = str(Path(sys.executable).with_name("daphne"))
SCREENSHOTS = Path("/tmp")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


def _wait_for_http(url: str, process: subprocess.Popen, log: Path) -> None:
    """Wait until ``url`` answers 200. A refused connection is retried every 0.3 s, but a
    request that was accepted is waited for (up to 60 s), never abandoned: Django runs
    every view in one thread per process, so abandoning slow first requests (imports, URL
    resolver, templates on a loaded machine) every 2 s queued more of them behind it than
    the thread could serve, and the server never caught up (seen at load average 14)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"daphne exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"daphne did not answer {url} within 120 s:\n{log.read_text()}")


class DaphneProcess:
    """One Daphne on a fixed port that a test may stop and start again (a server restart)."""

    def __init__(self, env: dict, port: int, log: Path, ready_path: str) -> None:
        self.env, self.port, self.log, self.ready_path = env, port, log, ready_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as output:
            self.process = subprocess.Popen(
                [DAPHNE, "-b", "127.0.0.1", "-p", str(self.port), "config.asgi:application"],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_for_http(f"http://127.0.0.1:{self.port}{self.ready_path}", self.process, self.log)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A migrated, seeded Daphne on a free port; yields its base URL and the demo's two Q&A
    rooms."""
    require_chromium()
    folder = tmp_path_factory.mktemp("live-browser")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
        "MEDIA_ROOT": str(folder / "media"),
        "DEBUG": "true",  # static files through WhiteNoise's finders, no collectstatic
        "STORAGE_BACKEND": "local",
    }
    env.pop("REDIS_URL", None)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "seed_demo")
    # The demo's two live Q&A sessions: one per test, so that one's state cannot leak.
    session_ids = _manage(
        env,
        "shell",
        "-v",
        "0",
        "-c",
        "from seminars.models import Session; print(*Session.objects.filter("
        "seminar__slug='demo', kind='qa').order_by('starts_at').values_list('pk', flat=True))",
    ).split()
    rooms = [f"/seminars/demo/sessions/{pk}/live/" for pk in session_ids]
    daphne = DaphneProcess(env, _free_port(), folder / "daphne.log", rooms[0])
    try:
        daphne.start()
        yield {
            "base": f"http://127.0.0.1:{daphne.port}",
            "room": rooms[0],
            "other_room": rooms[1],
            "session_ids": session_ids,
            "daphne": daphne,
            "env": env,
        }
    finally:
        daphne.stop()


@pytest.fixture
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


def _page_errors(page, errors: list[str], who: str) -> None:
    page.on("pageerror", lambda error: errors.append(f"{who}: {error}"))


def _sign_in(context, server, username: str, errors: list[str], room: str = ""):
    room = room or server["room"]
    page = context.new_page()
    _page_errors(page, errors, username)
    page.goto(f"{server['base']}/accounts/sign-in/password/?next={room}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server["base"] + room)
    return page


def _question(page, list_id: str, text: str):
    return page.locator(f"#{list_id} li").filter(has_text=text)


UNNAMED_CONTROLS = """() => [
    ...document.querySelectorAll("button, input, select, textarea, a[href]"),
  ]
  .filter((el) => el.type !== "hidden" && el.getClientRects().length > 0)
  .filter((el) => {
    const labelled = el.getAttribute("aria-labelledby");
    const name = [
      el.getAttribute("aria-label"),
      el.labels ? [...el.labels].map((label) => label.textContent).join(" ") : "",
      labelled ? document.getElementById(labelled)?.textContent : "",
      el.tagName === "BUTTON" || el.tagName === "A" ? el.textContent : "",
    ].join("").trim();
    return name === "";
  })
  .map((el) => el.outerHTML.slice(0, 120))"""


def _unnamed_controls(page) -> list[str]:
    """Visible controls a screen reader could not name."""
    return page.evaluate(UNNAMED_CONTROLS)


def _ask(page, text: str) -> None:
    page.get_by_label("Your question", exact=True).fill(text)
    page.get_by_role("button", name="Ask", exact=True).click()


def test_question_travels_from_phone_to_moderator_to_screen_and_survives_a_drop(server, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    errors: list[str] = []
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, timezone_id="Asia/Kathmandu"
    )
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    # The media player listens for the room's clock offset; record what it would receive.
    phone.add_init_script(
        "document.addEventListener('openips:clock', (event) => { window.__clock = event.detail; });"
    )
    vendor = _sign_in(phone, server, "vendor", errors)
    moderator = _sign_in(desk, server, "moderator", errors)
    screen = desk.new_page()
    _page_errors(screen, errors, "screen")
    screen.set_viewport_size({"width": 1280, "height": 720})
    screen.goto(server["base"] + server["room"].replace("/live/", "/screen/"))

    connected = re.compile("Connected")
    for page in (vendor, moderator, screen):
        expect(page.get_by_role("status").filter(has_text=connected)).to_be_visible()
    # Before the start: a countdown, and the zone of every time is named.
    expect(vendor.locator("#countdown")).to_have_text(re.compile(r"Starts in \d+ d \d\d:\d\d"))
    expect(vendor.locator(".live-when")).to_contain_text("Africa/Nairobi (UTC+03:00)")
    # First visit, no zone cookie yet: the browser adds the start in its own zone, named
    # (14:30 in Nairobi is 17:15 in Kathmandu).
    expect(vendor.locator("#local-time")).to_contain_text("17:15")
    # Chromium's ICU still reports the legacy spelling Asia/Katmandu.
    expect(vendor.locator("#local-time")).to_contain_text(re.compile(r"\(Asia/Kath?mandu\)"))

    first = f"Do you accept bids in French? <b>{time.time_ns()}</b>"
    _ask(vendor, first)
    # The asker sees their own pending question; other attendees would not.
    expect(_question(vendor, "mine", first)).to_contain_text("Waiting for a moderator")
    expect(vendor.locator("#questions")).not_to_contain_text(first)
    # Text stays text: the markup is shown, never parsed.
    expect(_question(vendor, "mine", first).locator("b")).to_have_count(0)

    _question(moderator, "queue", first).get_by_role("button", name="Approve", exact=True).click()
    expect(_question(vendor, "questions", first)).to_be_visible()
    expect(vendor.locator("#mine")).not_to_contain_text(first)
    expect(screen.locator("#top")).to_contain_text(first)

    on_list = _question(moderator, "questions", first)
    on_list.get_by_role("button", name="Highlight", exact=True).click()
    expect(screen.locator("#highlight")).to_contain_text(first)
    expect(screen.locator("#highlight")).to_contain_text("Grace Banda")
    expect(_question(vendor, "questions", first)).to_contain_text("On screen now")

    # The vendor's network drops; the room goes on without them.
    vendor.evaluate("window.__not_reloaded = true")
    opens_before = vendor.evaluate("window.openipsRoom.socket.opens")
    phone.set_offline(True)
    expect(vendor.get_by_role("status").filter(has_text="You are offline")).to_be_visible()
    missed = f"Asked while you were away {time.time_ns()}"
    _ask(moderator, missed)
    _question(moderator, "queue", missed).get_by_role("button", name="Approve", exact=True).click()
    expect(_question(moderator, "questions", missed)).to_be_visible()
    expect(screen.locator("#top")).to_contain_text(missed)
    assert missed not in vendor.locator("#questions").inner_text()

    phone.set_offline(False)
    expect(_question(vendor, "questions", missed)).to_be_visible()
    expect(vendor.get_by_role("status").filter(has_text=connected)).to_be_visible()
    assert vendor.evaluate("window.__not_reloaded") is True
    assert vendor.evaluate("window.openipsRoom.socket.opens") == opens_before + 1
    clock = vendor.evaluate("window.__clock")
    assert isinstance(clock["offsetMs"], int | float)
    # Browser and server share this machine's clock: the offset is the network delay at most.
    assert abs(clock["offsetMs"]) < 5_000

    # Votes go both ways and every client follows.
    vote = _question(vendor, "questions", missed).get_by_role("button", name="Upvote")
    vote.click()
    expect(_question(moderator, "questions", missed)).to_contain_text("1 vote")
    # The same toggle, now pressed, withdraws the vote.
    _question(vendor, "questions", missed).get_by_role(
        "button", name="Upvote", pressed=True
    ).click()
    expect(_question(moderator, "questions", missed)).to_contain_text("0 votes")

    _question(moderator, "questions", first).get_by_role(
        "button", name="Mark answered", exact=True
    ).click()
    expect(_question(vendor, "questions", first)).to_contain_text("Answered")
    expect(screen.locator("#highlight")).not_to_contain_text(first)

    assert _unnamed_controls(vendor) == []
    assert _unnamed_controls(moderator) == []
    vendor.screenshot(path=SCREENSHOTS / "openips-live-room-phone.png", full_page=True)
    moderator.screenshot(path=SCREENSHOTS / "openips-live-room-desktop.png", full_page=True)
    screen.screenshot(path=SCREENSHOTS / "openips-live-screen-desktop.png")
    screen.set_viewport_size({"width": 390, "height": 844})
    screen.screenshot(path=SCREENSHOTS / "openips-live-screen-phone.png", full_page=True)
    assert errors == []


def test_phone_in_the_room_asks_without_an_account_through_the_qr_link(server, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    errors: list[str] = []
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    moderator = _sign_in(desk, server, "moderator", errors)
    screen = desk.new_page()
    screen.goto(server["base"] + server["room"].replace("/live/", "/screen/"))
    join_url = screen.locator("#qr").get_attribute("data-join-url")
    expect(screen.get_by_role("img", name="QR code: ask questions from your phone")).to_be_visible()

    guest_context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    guest = guest_context.new_page()
    _page_errors(guest, errors, "guest")
    guest.goto(join_url)
    guest.wait_for_url(server["base"] + server["room"])
    expect(guest.get_by_role("status").filter(has_text="Connected")).to_be_visible()
    text = f"Guest question from row 3 {time.time_ns()}"
    _ask(guest, text)
    expect(_question(guest, "mine", text)).to_be_visible()
    expect(_question(moderator, "queue", text)).to_contain_text("Guest in the room")
    assert errors == []


def test_moderator_tools_agency_panel_and_error_messages(server, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    errors: list[str] = []
    room = server["other_room"]
    phone = {"width": 390, "height": 844}
    desktop = {"width": 1280, "height": 900}
    vendor = _sign_in(browser.new_context(viewport=phone), server, "vendor", errors, room)
    moderator = _sign_in(browser.new_context(viewport=desktop), server, "moderator", errors, room)
    agency = _sign_in(browser.new_context(viewport=desktop), server, "agency", errors, room)
    for page in (vendor, moderator, agency):
        expect(page.get_by_role("status").filter(has_text="Connected")).to_be_visible()

    # Addressed to UNICEF with the name hidden: the agency still sees who asked.
    hidden = f"How do you pay local suppliers? {time.time_ns()}"
    vendor.get_by_label("Addressed to").select_option(label="UNICEF")
    vendor.get_by_label("Hide my name from the audience").check()
    _ask(vendor, hidden)
    in_panel = _question(agency, "agency-questions", hidden)
    expect(in_panel).to_contain_text("Grace Banda")
    expect(in_panel).to_contain_text("To UNICEF")
    _question(moderator, "queue", hidden).get_by_role("button", name="Approve", exact=True).click()
    # The agency answers in writing; the vendor reads the answer.
    in_panel.get_by_label("Written answer").fill("Within 30 days of delivery.")
    in_panel.get_by_role("button", name="Post answer").click()
    expect(_question(vendor, "questions", hidden)).to_contain_text("Within 30 days of delivery.")
    expect(_question(vendor, "questions", hidden)).to_contain_text("Answered")

    assert _unnamed_controls(agency) == []

    # Answered on stage: the agency marks it, everyone sees it.
    on_stage = f"Do you publish your tender plans? {time.time_ns()}"
    moderator.get_by_label("Addressed to").select_option(label="UNICEF")
    _ask(moderator, on_stage)
    _question(moderator, "queue", on_stage).get_by_role("button", name="Approve").click()
    _question(agency, "agency-questions", on_stage).get_by_role(
        "button", name="Answered live", exact=True
    ).click()
    expect(_question(vendor, "questions", on_stage)).to_contain_text("Answered live")

    # A duplicate is merged into the first question and leaves the asker's list.
    duplicate = f"When do you pay local suppliers? {time.time_ns()}"
    vendor.get_by_label("Hide my name from the audience").uncheck()
    _ask(vendor, duplicate)
    expect(_question(vendor, "mine", duplicate)).to_be_visible()
    target_id = _question(moderator, "questions", hidden).get_attribute("data-id")
    in_queue = _question(moderator, "queue", duplicate)
    in_queue.get_by_label("Merge into").focus()
    in_queue.get_by_label("Merge into").select_option(value=target_id)
    in_queue.get_by_role("button", name="Merge", exact=True).click()
    expect(vendor.locator("#mine")).not_to_contain_text(duplicate)
    expect(moderator.locator("#queue")).not_to_contain_text(duplicate)

    # Pin, then mute the asker: they are told, and cannot ask until unmuted.
    on_list = _question(moderator, "questions", hidden)
    on_list.get_by_role("button", name="Pin", exact=True).click()
    expect(_question(vendor, "questions", hidden)).to_contain_text("Pinned")
    on_list.get_by_role("button", name="Mute this person").click()
    expect(vendor.get_by_role("alert").filter(has_text="muted you")).to_be_visible()
    expect(vendor.get_by_role("button", name="Ask", exact=True)).to_be_disabled()
    on_list.get_by_role("button", name="Unmute this person").click()
    expect(vendor.get_by_role("button", name="Ask", exact=True)).to_be_enabled()

    # Open mode: questions are on the list at once.
    moderator.get_by_label("Pre-moderated: questions wait in the queue").uncheck()
    expect(vendor.locator("#qa-mode")).to_have_text("Questions appear as soon as they are asked.")
    direct = f"Is there a minimum turnover? {time.time_ns()}"
    _ask(vendor, direct)
    expect(_question(vendor, "questions", direct)).to_be_visible()

    # Past the limit (3 questions per person per minute, counted in fixed windows, so a
    # window may turn over once during the burst) a question is refused with the server's
    # message, and the text stays in the box so nothing typed is lost.
    too_quickly = vendor.get_by_role("alert").filter(has_text="too quickly")
    for attempt in range(8):
        refused = f"One question too many {attempt} {time.time_ns()}"
        _ask(vendor, refused)
        expect(vendor.locator("#ask-feedback")).not_to_have_text("Sending…")
        if too_quickly.is_visible():
            break
    expect(too_quickly).to_be_visible()
    expect(vendor.get_by_label("Your question", exact=True)).to_have_value(refused)
    expect(moderator.locator("#questions")).not_to_contain_text(refused)

    # Too long: said at once, nothing sent.
    vendor.get_by_label("Your question", exact=True).evaluate(
        "(box) => { box.removeAttribute('maxlength'); }"
    )
    _ask(vendor, "x" * 501)
    expect(vendor.get_by_role("alert").filter(has_text="at most 500")).to_be_visible()
    assert errors == []


STORE_SCRIPT = """async () => {
  const { RoomStore } = await import("/static/live/store.js");
  const resumes = [];
  const store = new RoomStore(() => {}, (lastSeq) => resumes.push(lastSeq));
  const q = (id, seq, extra = {}) => ({
    id, seq, text: `q${id}`, state: "approved", pinned: false, votes: 0,
    created_at: `2030-03-04T07:0${id}:00Z`, ...extra,
  });
  store.apply({ type: "snapshot", seq: 10, qa_moderated: true, muted: false, presence: 3,
                questions: [q(1, 9, { mine: true, voted: true })] });
  // A duplicate from before the snapshot is ignored.
  store.apply({ type: "question.votes", seq: 10, id: 1, votes: 99 });
  // seq 12 arrives before 11: applied at once (it carries its own version), gap watched.
  store.apply({ type: "question.created", seq: 12, question: q(2, 12, { votes: 5 }) });
  const afterGap = store.lastSeq;
  // An older version of question 2 (seq 11) must not overwrite the newer one.
  store.apply({ type: "question.updated", seq: 11, action: "approved",
                question: q(2, 11, { votes: 1 }) });
  const closed = store.lastSeq;
  // "mine"/"voted" are kept when an event's copy does not carry them.
  store.apply({ type: "question.updated", seq: 13, action: "pinned",
                question: q(1, 13, { pinned: true }) });
  // A gap that stays open triggers one resume with the last contiguous seq.
  store.apply({ type: "question.votes", seq: 15, id: 2, votes: 6 });
  await new Promise((resolve) => setTimeout(resolve, 3300));
  return {
    afterGap, closed, last: store.lastSeq, resumes,
    q1: store.questions.get(1), q2votes: store.questions.get(2).votes,
    order: store.list(() => true, "votes").map((x) => x.id),
    byTime: store.list(() => true, "time").map((x) => x.id),
  };
}"""


def test_store_applies_events_by_seq_and_resumes_a_gap_that_stays_open(server, browser):
    page = browser.new_page()
    page.goto(server["base"] + server["room"])
    result = page.evaluate(STORE_SCRIPT)
    assert result["afterGap"] == 10  # 12 applied, but the contiguous seq waits for 11
    assert result["closed"] == 12
    assert result["last"] == 13
    assert result["resumes"] == [13]
    assert result["q1"]["mine"] is True and result["q1"]["voted"] is True
    assert result["q1"]["votes"] == 0  # the duplicate votes event was ignored
    assert result["q2votes"] == 6
    assert result["order"] == [1, 2]  # pinned first, then by votes
    assert result["byTime"] == [1, 2]  # pinned first even when sorted by time


ASK_WHILE_DOWN = """
from django.contrib.auth.models import User
from live.selectors import room_enter
from live.services import question_ask, question_set_state
room, viewer = room_enter(session_id={session_id}, user=User.objects.get(username="moderator"))
asked = question_ask(room=room, viewer=viewer, text={text!r}, language="en")
question_set_state(room=room, viewer=viewer, question_id=asked["question_id"], state="approved")
"""


def test_room_reconnects_by_itself_after_a_server_restart_and_shows_what_it_missed(server, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=45_000)  # backoff doubles up to 30 s while the server is down
    errors: list[str] = []
    vendor = _sign_in(
        browser.new_context(viewport={"width": 390, "height": 844}), server, "vendor", errors
    )
    expect(vendor.get_by_role("status").filter(has_text="Connected")).to_be_visible()
    vendor.evaluate("window.__not_reloaded = true")

    server["daphne"].stop()
    expect(vendor.get_by_role("status").filter(has_text="Reconnecting")).to_be_visible()
    # Stored while no server runs: it reaches the room only through the event log.
    missed = f"Asked during the restart {time.time_ns()}"
    code = ASK_WHILE_DOWN.format(session_id=server["session_ids"][0], text=missed)
    _manage(server["env"], "shell", "-v", "0", "-c", code)
    server["daphne"].start()

    expect(_question(vendor, "questions", missed)).to_be_visible()
    expect(vendor.get_by_role("status").filter(has_text="Connected")).to_be_visible()
    assert vendor.evaluate("window.__not_reloaded") is True
    assert errors == []


def _admin_roles(page, server) -> None:
    """The demo seminar's change page in the admin, where its roles are an inline."""
    pk = _manage(
        server["env"], "shell", "-v", "0", "-c",
        "from seminars.models import Seminar; print(Seminar.objects.get(slug='demo').pk)",
    ).strip()  # fmt: skip
    page.goto(f"{server['base']}/admin/seminars/seminar/{pk}/change/")
    page.wait_for_selector("input[name='roles-TOTAL_FORMS']", state="attached")


def test_role_granted_and_revoked_in_the_admin_changes_open_pages_level(server, browser):
    """Runs last in this module: it changes the demo's roles (and puts them back)."""
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    errors: list[str] = []
    desktop = {"width": 1280, "height": 900}
    vendor = _sign_in(browser.new_context(viewport=desktop), server, "vendor", errors)
    moderator = _sign_in(browser.new_context(viewport=desktop), server, "moderator", errors)
    organizer = _sign_in(browser.new_context(viewport=desktop), server, "organizer", errors)
    for page in (vendor, moderator):
        expect(page.get_by_role("status").filter(has_text="Connected")).to_be_visible()
        page.evaluate("window.__not_reloaded = true")
    assert vendor.evaluate("window.openipsRoom.store.hello.level") == "attendee"
    expect(vendor.locator("#queue")).to_have_count(0)
    expect(moderator.locator("#queue")).to_have_count(1)
    try:
        # Grant: the organiser makes the vendor a moderator; the vendor's open page follows.
        _admin_roles(organizer, server)
        total = int(organizer.locator("input[name='roles-TOTAL_FORMS']").input_value())
        organizer.locator(".add-row a").click()
        organizer.locator(f"input[name='roles-{total}-account']").fill("vendor")
        organizer.locator(f"select[name='roles-{total}-role']").select_option("moderator")
        organizer.locator("input[name='_continue']").click()
        expect(organizer.locator(".messagelist")).to_be_visible()
        expect(vendor.locator("#queue")).to_have_count(1)  # the page reloaded at its new level
        assert vendor.evaluate("window.openipsRoom.store.hello.level") == "moderator"
        assert vendor.evaluate("window.__not_reloaded") is None

        # Revoke: the moderator's role goes; their page drops the moderation tools.
        account = organizer.locator("input[name$='-account'][value='moderator']")
        prefix = account.get_attribute("name").removesuffix("-account")
        organizer.locator(f"input[name='{prefix}-DELETE']").check()
        organizer.locator("input[name='_continue']").click()
        expect(organizer.locator(".messagelist")).to_be_visible()
        expect(moderator.locator("#queue")).to_have_count(0)
        expect(moderator.get_by_role("status").filter(has_text="Connected")).to_be_visible()
        assert moderator.evaluate("window.openipsRoom.store.hello.level") == "attendee"
        assert moderator.evaluate("window.__not_reloaded") is None
    finally:
        _manage(
            server["env"], "shell", "-v", "0", "-c",
            "from seminars.models import *; from django.contrib.auth.models import User; "
            "s = Seminar.objects.get(slug='demo'); "
            "SeminarRole.objects.filter(seminar=s, user__username='vendor').delete(); "
            "SeminarRole.objects.get_or_create(seminar=s, role='moderator', "
            "user=User.objects.get(username='moderator'))",
        )  # fmt: skip
    assert errors == []
