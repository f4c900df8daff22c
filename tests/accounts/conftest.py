"""A registered vendor who consented to one agency (through the registration service, as the
emailed confirmation link would); Debian's chromium and a real SMTP server for browser tests."""

from datetime import timedelta

import pytest
from django.utils import timezone

from registration import services
from tests import factories
from tests.browser import launch, require_chromium
from tests.factories import registration_payload

# The real SMTP server (aiosmtpd) of the registration email tests, as a fixture here too.
from tests.registration.test_emails_smtp import smtp  # noqa: F401 - a fixture, used by name


@pytest.fixture
def vendor_registration(db, django_capture_on_commit_callbacks):
    seminar = factories.SeminarFactory(
        registration_opens_at=timezone.now() - timedelta(days=1),
        registration_closes_at=timezone.now() + timedelta(days=30),
    )
    agency = factories.AgencyFactory(acronym="UNICEF")
    session = factories.SessionFactory(seminar=seminar)
    session.agencies.set([agency])
    payload = registration_payload(
        email="vendor@firm.example",
        preferred_language="fr",
        session_ids=[session.pk],
        consents={agency.pk: True},
    )
    with django_capture_on_commit_callbacks(execute=True):
        return services.registration_apply(seminar=seminar, payload=payload)


@pytest.fixture
def browser(monkeypatch, transactional_db, live_server):
    # Depending on the database fixtures stops the browser (and the event loop Playwright runs
    # in this thread) before the database is flushed.
    require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # plain synchronous ones between browser steps.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()
