from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.selectors import slots_of
from tests import factories


@pytest.fixture
def world(db):
    """A seminar in Asia/Bangkok with a programme (9:00-12:00, 20 + 10 minutes: six slots),
    two agencies with an officer each, and two vendors."""
    seminar = factories.SeminarFactory(
        time_zone="Asia/Bangkok", starts_on=timezone.now().date() + timedelta(days=30)
    )
    seminar.ends_on = seminar.starts_on + timedelta(days=1)
    seminar.save()
    programme = factories.meetings_programme(
        seminar, in_person=True, tables=2, cap_per_vendor=3, cap_per_officer_per_day=5
    )
    unicef, who = factories.AgencyFactory(acronym="UNICEF"), factories.AgencyFactory(acronym="WHO")
    officer = factories.officer(seminar, agency=unicef)
    colleague = factories.officer(seminar, agency=unicef)
    other = factories.officer(seminar, agency=who, unspsc_codes=["43"])
    vendor = factories.vendor_registration(seminar, time_zone="America/Lima")
    rival = factories.vendor_registration(seminar)
    organiser = factories.RoleFactory(seminar=seminar).user

    class World:
        pass

    w = World()
    w.__dict__.update(
        seminar=seminar,
        programme=programme,
        slots=slots_of(programme),
        officer=officer,
        colleague=colleague,
        other=other,
        vendor=vendor,
        rival=rival,
        organiser=organiser,
    )
    return w
