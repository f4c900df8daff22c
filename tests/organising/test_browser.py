"""Acceptance: an organiser runs a seminar from an empty account without the admin.

Debian's chromium through Playwright, a real SMTP server (aiosmtpd) for every email: the
organiser creates a hybrid seminar, adds two agencies and three sessions, publishes it,
invites a presenter (who accepts in a second browser), a vendor registers (a third), then
the organiser moves a session, previews the notice and sends it. The SMTP server receives
exactly one notice per affected registrant, each in its registrant's language and zone.
No page of /admin/ is requested at any point.
"""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django_tasks_db.models import DBTaskResult

from registration import services as registration_services
from seminars.models import Organization, Seminar, SeminarRole
from tests import factories
from tests.browser import chromium
from tests.factories import registration_payload
from tests.smtp import smtp_server

# docs/img holds the screenshots of docs/organising.md; regenerate them with
# OPENIPS_SCREENSHOTS=docs/img (other runs write to /tmp and leave the tree alone).
SCREENSHOTS = Path(os.environ.get("OPENIPS_SCREENSHOTS", "/tmp"))


@pytest.fixture
def smtp(settings):
    with smtp_server(settings) as collector:
        yield collector


@pytest.fixture
def browser(monkeypatch, transactional_db, live_server):
    # Depending on the database fixtures makes the browser (and the event loop Playwright runs
    # in this thread) stop before the database is flushed; otherwise the flush would open a
    # second, never-closed connection in the loop's context.
    with chromium(monkeypatch) as browser:
        yield browser


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _link(collector, pattern: str) -> str:
    for message in reversed(collector.messages):
        found = re.search(pattern, _text(message))
        if found:
            return "/" + found.group(0).split("://", 1)[1].split("/", 1)[1]
    raise AssertionError(f"no email with {pattern}")


def _run_due_tasks(task_path: str) -> list:
    """What the db_worker would run (it closes the connection between tasks itself)."""
    return [
        t.task.call(*t.task_result.args)
        for t in DBTaskResult.objects.ready()
        if t.task_path == task_path
    ]


def _context(browser, admin_requests, **options):
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    context.on("request", lambda r: admin_requests.append(r.url) if "/admin/" in r.url else None)
    return context


def _sign_in(page, base, username, password):
    page.goto(f"{base}/accounts/sign-in/password/")
    page.get_by_label("Username:").fill(username)
    page.get_by_label("Password:").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _add_session(page, title, start, end, agency, track):
    page.get_by_role("button", name="Add session").click()
    page.get_by_label("Title:").fill(title)
    page.get_by_label("Kind:").select_option("presentation")
    page.get_by_label(agency, exact=True).check()
    page.get_by_label("Track / room:").fill(track)
    page.get_by_label("Starts (seminar's time zone):").fill(start)
    page.get_by_label("Ends (seminar's time zone):").fill(end)
    page.get_by_role("button", name="Save session").click()
    page.wait_for_url("**/organise/agenda/")


def _create_seminar(page, base):
    page.goto(f"{base}/organise/")
    page.get_by_role("button", name="Create seminar").click()
    page.get_by_label("Title:").fill("Nairobi Procurement Seminar 2030")
    page.get_by_label("Host organisation:").fill("Kenya Export Promotion Council")
    page.get_by_label("Hybrid").check()
    page.get_by_label("Time zone:").fill("Africa/Nairobi")
    page.get_by_label("First day:").fill("2030-06-10")
    page.get_by_label("Last day:").fill("2030-06-11")
    for language in ("English", "French", "Spanish"):
        page.get_by_label(language, exact=True).check()
    page.get_by_label("In-room capacity:").fill("40")
    page.get_by_label("Registration opens (seminar's time zone):").fill("2026-01-01T08:00")
    page.get_by_label("Registration closes (seminar's time zone):").fill("2030-06-09T17:00")
    page.get_by_label("Privacy notice version:").fill("2026-01")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SCREENSHOTS / "organise-seminar-form.jpeg", type="jpeg", quality=35)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.get_by_role("button", name="Create seminar").click()
    page.wait_for_url("**/organise/")
    return Seminar.objects.get(title="Nairobi Procurement Seminar 2030")


def _add_agencies(page, base, seminar):
    """The two agencies presenting, added in the workspace (no agency exists beforehand)."""
    page.goto(f"{base}/seminars/{seminar.slug}/organise/")
    page.get_by_role("link", name="Agencies").click()
    for name, acronym, segment in (
        ("United Nations Children's Fund", "UNICEF", "42 · Medical Equipment"),
        ("United Nations Development Programme", "UNDP", "43 · Information Technology"),
    ):
        page.get_by_label("Name:").fill(name)
        page.get_by_label("Short name or acronym:").fill(acronym)
        page.get_by_label(segment).check()
        page.get_by_role("button", name="Add agency").click()
        page.wait_for_url("**/organise/agencies/")
    page.screenshot(path=SCREENSHOTS / "organise-agencies.jpeg", type="jpeg", quality=35)
    return Organization.objects.get(kind="agency", acronym="UNICEF")


def _vendor_registers(browser, base, seminar, smtp, admin_requests):
    context = _context(browser, admin_requests, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{base}/seminars/{seminar.slug}/register/")
    page.get_by_label("Email:", exact=True).fill("pema@thimphu.example")
    page.get_by_label("Your name:", exact=True).fill("Pema Choden")
    page.get_by_label("Phone:", exact=True).fill("+975 17 12 34 56")
    page.get_by_label("Company legal name:", exact=True).fill("Thimphu Handicrafts")
    page.get_by_label("Country:", exact=True).select_option("BT")
    page.get_by_label("Small (10–49 staff)").check()
    page.get_by_label("Online").check()
    page.get_by_label("Opening: selling to UNICEF").check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/register/sent/")
    page.goto(base + _link(smtp, r"https?://\S+/register/confirm/\S+/"))
    page.get_by_role("button", name="Confirm and sign in").click()
    page.wait_for_url("**/my-registration/")
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_organiser_runs_a_seminar_from_an_empty_account_without_the_admin(
    browser, live_server, smtp
):
    base = live_server.url
    assert not Organization.objects.filter(kind="agency").exists()
    organiser = factories.UserFactory(username="amina", email="amina@kepc.example")
    organiser.set_password("organise me 2030")
    organiser.save()
    organiser.user_permissions.add(Permission.objects.get(codename="add_seminar"))
    admin_requests: list[str] = []

    desk = _context(browser, admin_requests, viewport={"width": 1024, "height": 768})
    page = desk.new_page()
    _sign_in(page, base, "amina", "organise me 2030")
    seminar = _create_seminar(page, base)
    unicef = _add_agencies(page, base, seminar)
    page.goto(f"{base}/seminars/{seminar.slug}/organise/agenda/")
    _add_session(
        page,
        "Opening: selling to UNICEF",
        "2030-06-10T09:00",
        "2030-06-10T10:00",
        "UNICEF",
        "Hall A",
    )
    _add_session(page, "UNDP buying", "2030-06-10T11:00", "2030-06-10T12:00", "UNDP", "Hall A")
    _add_session(
        page, "Questions to both", "2030-06-11T09:00", "2030-06-11T10:00", "UNICEF", "Hall B"
    )
    page.goto(f"{base}/seminars/{seminar.slug}/organise/")
    page.get_by_role("button", name="Publish seminar").click()
    seminar.refresh_from_db()
    assert seminar.status == "published" and seminar.sessions.count() == 3

    # People: invite a presenter, who accepts in a second browser.
    page.get_by_role("link", name="People").click()
    page.get_by_label("Email address:").fill("jo@unicef.example")
    page.get_by_label("Role:").select_option("presenter")
    page.get_by_label("Agency (presenters only):").select_option(str(unicef.pk))
    page.get_by_role("button", name="Invite").click()
    presenter = _context(browser, admin_requests)
    invited = presenter.new_page()
    invited.goto(base + _link(smtp, r"https?://\S+/organise/invitations/\S+/"))
    invited.get_by_label("Your full name:").fill("Jo Mwangi")
    invited.get_by_label("Choose a password:").fill("presenting in nairobi")
    invited.get_by_role("button", name="Create my account and accept").click()
    _sign_in(invited, base, "jo@unicef.example", "presenting in nairobi")
    assert SeminarRole.objects.filter(
        seminar=seminar, user__email="jo@unicef.example", role="presenter", agency=unicef
    ).exists()
    presenter.close()

    # A vendor registers in a third browser; another (French, in Lima) had registered before.
    _vendor_registers(browser, base, seminar, smtp, admin_requests)
    opening = seminar.sessions.get(title="Opening: selling to UNICEF")
    registration_services.registration_apply(
        seminar=seminar,
        payload=registration_payload(
            email="luc@lima.example", preferred_language="fr", time_zone="America/Lima",
            session_ids=[opening.pk], company={"legal_name": "Lima SAC", "country": "PE"},
        ),
    )  # fmt: skip
    registration_services.registration_apply(
        seminar=seminar, payload=registration_payload(email="other@example.org", session_ids=[])
    )

    # The organiser moves the opening by an hour, previews the notice and sends it.
    before = len(smtp.messages)
    page.goto(f"{base}/seminars/{seminar.slug}/organise/agenda/")
    page.locator(f"#session-{opening.pk}").get_by_role("link", name=re.compile("^Edit")).click()
    page.get_by_label("Starts (seminar's time zone):").fill("2030-06-10T10:00")
    page.get_by_label("Ends (seminar's time zone):").fill("2030-06-10T11:00")
    page.get_by_role("button", name="Save session").click()
    page.wait_for_url("**/organise/agenda/")
    page.screenshot(path=SCREENSHOTS / "organise-agenda.jpeg", type="jpeg", quality=35)
    assert len(smtp.messages) == before  # nothing is emailed on save
    page.get_by_role("link", name="Notices").click()
    assert "America/Lima" in page.inner_text("main") and "Asia/Thimphu" in page.inner_text("main")
    page.screenshot(path=SCREENSHOTS / "organise-notices.jpeg", type="jpeg", quality=35)
    page.get_by_role("button", name="Notify registrants").click()
    page.wait_for_load_state()
    assert _run_due_tasks("organising.tasks.deliver_change_notices") == [2]
    notices = smtp.messages[before:]
    assert sorted(m["To"] for m in notices) == ["luc@lima.example", "pema@thimphu.example"]
    by_to = {m["To"]: _text(m) for m in notices}
    # 10:00 in Nairobi (UTC+3) is 02:00 in Lima (UTC−5) and 13:00 in Thimphu (UTC+6).
    assert "Votre heure" in by_to["luc@lima.example"] and "02:00" in by_to["luc@lima.example"]
    assert "America/Lima" in by_to["luc@lima.example"]
    assert (
        "Your time:" in by_to["pema@thimphu.example"] and "13:00" in by_to["pema@thimphu.example"]
    )

    page.get_by_role("link", name="Registrants").click()
    page.get_by_label("Search registrants").fill("Pema")
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_role("heading", name="Registrants").is_visible()
    page.screenshot(path=SCREENSHOTS / "organise-registrants.jpeg", type="jpeg", quality=35)
    page.get_by_role("link", name="Overview").click()
    page.screenshot(
        path=SCREENSHOTS / "organise-overview.jpeg", type="jpeg", quality=35, full_page=True
    )
    desk.close()
    assert admin_requests == []
