"""Acceptance (issue 17): a vendor in Lima requests a meeting with an officer in Nairobi at a
seminar in Asia/Bangkok; both see their own local time beside the seminar's; the officer
accepts; a real SMTP server (aiosmtpd) receives both emails with an .ics that icalendar and
vobject parse; the officer cancels and both receive METHOD:CANCEL for the same UID.

The first slot is 09:00 in Bangkok (UTC+7): 21:00 the evening before in Lima (UTC−5) and
05:00 in Nairobi (UTC+3), written here by hand rather than computed by the code under test.
"""

from datetime import timedelta

import pytest
import vobject
from django.conf import settings
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from tests import factories
from tests.browser import chromium
from tests.smtp import smtp_server


@pytest.fixture
def smtp(settings):
    with smtp_server(settings) as collector:
        yield collector


@pytest.fixture
def browser(monkeypatch, transactional_db, live_server):
    with chromium(monkeypatch) as browser:
        yield browser


def _context(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def _calendars(messages):
    found = []
    for message in messages:
        for part in message.iter_attachments():
            if part.get_content_type() == "text/calendar":
                raw = part.get_content()
                raw = raw if isinstance(raw, str) else raw.decode()
                found.append((message["To"], Calendar.from_ical(raw), vobject.readOne(raw)))
    return found


@pytest.mark.browser
@pytest.mark.slow
def test_lima_vendor_and_nairobi_officer_meet_at_a_bangkok_seminar(browser, live_server, smtp):
    seminar = factories.SeminarFactory(
        time_zone="Asia/Bangkok", starts_on=timezone.now().date() + timedelta(days=20)
    )
    seminar.ends_on = seminar.starts_on
    seminar.save()
    factories.meetings_programme(seminar, hours=(9, 10))
    officer = factories.officer(
        seminar, agency=factories.AgencyFactory(acronym="UNOPS"), time_zone="Africa/Nairobi"
    )
    vendor = factories.vendor_registration(seminar, time_zone="America/Lima")
    slug = seminar.slug

    vendor_page = _context(browser, live_server, vendor.person.user).new_page()
    vendor_page.goto(f"/seminars/{slug}/meetings/officers/")
    vendor_page.get_by_role("link", name="Request a meeting").first.click()
    first_slot = vendor_page.get_by_role("checkbox").first
    label = vendor_page.locator(f"label[for='{first_slot.get_attribute('id')}']").inner_text()
    assert "21:00–21:20 America/Lima" in label and "09:00–09:20 Asia/Bangkok" in label
    vendor_page.get_by_label("What would you like to discuss?").fill("Solar pumps for camps")
    first_slot.check()
    vendor_page.get_by_role("button", name="Request a meeting").click()
    vendor_page.wait_for_url(f"**/seminars/{slug}/meetings/mine/")
    assert "Waiting for the officer" in vendor_page.content()

    officer_page = _context(browser, live_server, officer.user).new_page()
    officer_page.goto(f"/seminars/{slug}/meetings/inbox/")
    slot = officer_page.locator("form.slot").first
    assert "05:00–05:20 Africa/Nairobi" in slot.locator(".mine-time").inner_text()
    assert "09:00–09:20 Asia/Bangkok" in slot.locator(".seminar-time").inner_text()
    slot.get_by_role("button", name="Accept").click()
    officer_page.wait_for_load_state()
    assert "Meeting confirmed." in officer_page.content()

    vendor_page.reload()
    assert "21:00–21:20 America/Lima" in vendor_page.locator(".mine-time").first.inner_text()
    assert vendor_page.get_by_role("link", name="Download my schedule (PDF)").is_visible()

    accepted = _calendars(smtp.messages)
    assert {to for to, _c, _v in accepted} == {officer.email, vendor.person.email}
    uids = set()
    for _to, calendar, vcal in accepted:
        assert calendar["METHOD"] == "REQUEST" and vcal.method.value == "REQUEST"
        uids.add(str(calendar.walk("VEVENT")[0]["UID"]))
        assert vcal.vevent.uid.value in uids
    (uid,) = uids

    smtp.messages.clear()
    officer_page.get_by_role("button", name="Cancel meeting").click()
    officer_page.wait_for_load_state()
    cancelled = _calendars(smtp.messages)
    assert {to for to, _c, _v in cancelled} == {officer.email, vendor.person.email}
    for _to, calendar, vcal in cancelled:
        assert calendar["METHOD"] == "CANCEL" and vcal.method.value == "CANCEL"
        assert str(calendar.walk("VEVENT")[0]["UID"]) == uid == vcal.vevent.uid.value
        assert int(calendar.walk("VEVENT")[0]["SEQUENCE"]) == 1
