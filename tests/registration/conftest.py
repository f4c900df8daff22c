"""Fixtures for the registration tests: a hybrid seminar with two presenting agencies."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from registration import services
from tests import factories
from tests.factories import registration_payload


@pytest.fixture
def open_seminar(db):
    seminar = factories.SeminarFactory(
        registration_opens_at=timezone.now() - timedelta(days=1),
        registration_closes_at=timezone.now() + timedelta(days=30),
        in_room_capacity=2,
    )
    return seminar


@pytest.fixture
def agencies(open_seminar):
    unicef = factories.AgencyFactory(acronym="UNICEF", procurement_segments=["42", "51"])
    undp = factories.AgencyFactory(acronym="UNDP", procurement_segments=["43", "80"])
    s1 = factories.SessionFactory(seminar=open_seminar, title="UNICEF supply")
    s1.agencies.set([unicef])
    s2 = factories.SessionFactory(
        seminar=open_seminar,
        title="UNDP buying",
        starts_at=s1.starts_at + timedelta(hours=2),
        ends_at=s1.starts_at + timedelta(hours=3),
    )
    s2.agencies.set([undp])
    return {"UNICEF": unicef, "UNDP": undp, "sessions": [s1, s2]}


@pytest.fixture
def register(open_seminar, agencies, django_capture_on_commit_callbacks):
    """Register a vendor straight through the service (as the link would)."""

    def _register(seminar=None, **overrides):
        overrides.setdefault("session_ids", [s.pk for s in agencies["sessions"]])
        payload = registration_payload(**overrides)
        with django_capture_on_commit_callbacks(execute=True):
            return services.registration_apply(seminar=seminar or open_seminar, payload=payload)

    return _register


@pytest.fixture
def future():
    return datetime(2030, 3, 4, tzinfo=UTC)
