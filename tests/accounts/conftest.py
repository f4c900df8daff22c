"""A registered vendor who consented to one agency (through the registration service, as the
emailed confirmation link would)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from registration import services
from tests import factories
from tests.factories import registration_payload


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
