"""Fixtures for the organiser workspace: a seminar, its organiser and someone else's."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from seminars.models import SeminarRole
from tests import factories


@pytest.fixture
def seminar(db):
    seminar = factories.SeminarFactory(
        registration_opens_at=timezone.now() - timedelta(days=1),
        registration_closes_at=timezone.now() + timedelta(days=30),
        privacy_notice_version="2026-01",
    )
    agency = factories.AgencyFactory(acronym="UNICEF")
    session = factories.SessionFactory(seminar=seminar, title="UNICEF supply")
    session.agencies.set([agency])
    return seminar


@pytest.fixture
def organiser(seminar):
    user = factories.UserFactory(username="olga", email="olga@example.org")
    user.user_permissions.add(Permission.objects.get(codename="add_seminar"))
    factories.RoleFactory(seminar=seminar, user=user, role=SeminarRole.Role.ORGANIZER)
    return user


@pytest.fixture
def other_organiser(db):
    """Organises another seminar and may create seminars, but not ``seminar``."""
    user = factories.UserFactory(username="otto", email="otto@example.org")
    user.user_permissions.add(Permission.objects.get(codename="add_seminar"))
    factories.RoleFactory(user=user, role=SeminarRole.Role.ORGANIZER)
    return user
