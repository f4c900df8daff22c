"""registration/permissions.py, the registration app's one home of "who may": each rule both
ways (the pages that use them are tested in test_permissions.py and test_views.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from registration import permissions
from registration.models import AgencyConsent, Registration
from tests import factories


@pytest.fixture
def people(register, open_seminar, agencies):
    unicef = agencies["UNICEF"]
    vendor = register(
        email="v@perm.example", full_name="Vera Vendor", consents={str(unicef.pk): True}
    )
    return {
        "seminar": open_seminar,
        "unicef": unicef,
        "vendor_registration": vendor,
        "vendor": vendor.person.user,
        "organizer": factories.RoleFactory(seminar=open_seminar, role="organizer").user,
        "presenter": factories.RoleFactory(
            seminar=open_seminar, role="presenter", agency=unicef
        ).user,
        "other_presenter": factories.RoleFactory(
            seminar=open_seminar, role="presenter", agency=agencies["UNDP"]
        ).user,
        "other_organizer": factories.RoleFactory(role="organizer").user,
        "stranger": factories.UserFactory(),
        "anonymous": AnonymousUser(),
    }


def test_registrations_are_managed_by_this_seminars_organisers_only(people):
    seminar = people["seminar"]
    assert permissions.can_manage_registrations(people["organizer"], seminar)
    for who in ("presenter", "other_organizer", "vendor", "stranger", "anonymous"):
        assert not permissions.can_manage_registrations(people[who], seminar), who


def test_leads_are_worked_by_the_agencies_presenters_not_by_organisers(people):
    seminar, unicef = people["seminar"], people["unicef"]
    assert permissions.lead_agency_ids(people["presenter"], seminar) == {unicef.pk}
    for who in ("organizer", "vendor", "stranger", "anonymous"):
        assert permissions.lead_agency_ids(people[who], seminar) == set(), who


def test_exports_page_is_for_organisers_and_presenters_only(people):
    seminar = people["seminar"]
    assert permissions.can_use_exports(people["organizer"], seminar)
    assert permissions.can_use_exports(people["presenter"], seminar)
    for who in ("other_organizer", "vendor", "stranger", "anonymous"):
        assert not permissions.can_use_exports(people[who], seminar), who


def test_a_lead_is_updated_by_its_agencys_presenter_only_while_the_vendor_consents(people):
    registration, unicef = people["vendor_registration"], people["unicef"]
    assert permissions.can_update_lead(people["presenter"], registration, unicef)
    for who in ("other_presenter", "organizer", "vendor", "anonymous"):
        assert not permissions.can_update_lead(people[who], registration, unicef), who
    AgencyConsent.objects.filter(registration=registration, agency=unicef).update(granted=False)
    assert not permissions.can_update_lead(people["presenter"], registration, unicef)


def test_participants_are_seen_by_confirmed_vendors_organisers_and_presenters(people):
    seminar, registration = people["seminar"], people["vendor_registration"]
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.CONFIRMED)
    for who in ("organizer", "presenter", "vendor"):
        assert permissions.can_see_participants(people[who], seminar), who
    for who in ("other_organizer", "stranger", "anonymous"):
        assert not permissions.can_see_participants(people[who], seminar), who
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.WAITING)
    assert not permissions.can_see_participants(people["vendor"], seminar)
