"""Every admin page an organiser can open shows only what they may see.

The class of leak: list filters, dropdowns and autocompletes built from a whole table instead
of the organiser's rows (the registration list's seminar filter once listed every seminar,
other organisers' drafts included). Each registered admin's changelist, its filters and its
add form are walked for an organiser of one seminar while another organiser's draft seminar
has one row of every kind; none of that seminar's names may appear.
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from registration.models import (
    Company,
    CountryGroupOverride,
    ExportLog,
    LeadScoreWeights,
    Person,
    Registration,
)
from seminars.models import Seminar, SessionChange
from tests import factories

SECRETS = ("Zeta Confidential Draft", "Zeta Closed Briefing", "Zeta Hiddenperson")


def _seminar_with_one_of_everything(
    tag: str, *, title: str, session: str, person: str, organizer=None, **kw
):
    seminar = factories.SeminarFactory(title=title, **kw)
    organizer = factories.RoleFactory(
        seminar=seminar, role="organizer", **({"user": organizer} if organizer else {})
    ).user
    organizer.is_staff = True
    organizer.save()
    talk = factories.SessionFactory(seminar=seminar, title=session)
    company = Company.objects.create(legal_name=f"{person} Ltd", country="KE", size_band="small")
    registrant = Person.objects.create(
        email=f"{tag}@example.org", full_name=person, time_zone="UTC", company=company
    )
    Registration.objects.create(
        seminar=seminar,
        person=registrant,
        company=company,
        status=Registration.Status.CONFIRMED,
        attendance_mode="online",
        list_visibility="hidden",
        calendar_token=f"token-{tag}",
        check_in_code=f"code-{tag}",
        privacy_notice_version="1",
    )
    CountryGroupOverride.objects.create(country="KE", seminar=seminar, note=f"{tag} note")
    LeadScoreWeights.objects.create(seminar=seminar)
    ExportLog.objects.create(seminar=seminar, user=organizer, kind="attendees", file_format="csv")
    SessionChange.objects.create(
        seminar=talk.seminar, session=talk, field="time", old_value="a", new_value="b"
    )
    return seminar, organizer


@pytest.fixture
def two_organisers(db):
    mine, me = _seminar_with_one_of_everything(
        "mine", title="Nairobi Open Seminar", session="Selling to UNICEF", person="Amina Okoro"
    )
    _theirs, _them = _seminar_with_one_of_everything(
        "theirs",
        title=SECRETS[0],
        session=SECRETS[1],
        person=SECRETS[2],
        status=Seminar.Status.DRAFT,
    )
    return mine, me


def _organiser_admins(user):
    request = RequestFactory().get("/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        if model_admin.has_module_permission(request) and model_admin.has_view_permission(request):
            yield model, model_admin, request


def _assert_nothing_secret(page: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in page, f"{secret!r} shown on {where}"


def test_no_admin_page_an_organiser_opens_names_another_organisers_seminar(client, two_organisers):
    mine, me = two_organisers
    client.force_login(me)
    walked = 0
    for model, model_admin, request in _organiser_admins(me):
        info = (model._meta.app_label, model._meta.model_name)
        changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, info
        _assert_nothing_secret(changelist.content.decode(), f"{info} changelist")
        for spec in changelist.context["cl"].filter_specs:
            for choice in spec.choices(changelist.context["cl"]):
                filtered = client.get(
                    reverse("admin:{}_{}_changelist".format(*info)) + (choice["query_string"])
                )
                assert filtered.status_code == 200, (info, choice["query_string"])
                _assert_nothing_secret(filtered.content.decode(), f"{info} {choice['display']}")
                walked += 1
        if model_admin.has_add_permission(request):
            add = client.get(reverse("admin:{}_{}_add".format(*info)))
            _assert_nothing_secret(add.content.decode(), f"{info} add form")
    assert walked > 10  # the filters were really walked, not skipped


@pytest.mark.parametrize(
    "changelist", ["registration_registration", "registration_countrygroupoverride"]
)
def test_the_seminar_filter_lists_the_organisers_own_seminar(client, two_organisers, changelist):
    mine, me = two_organisers
    # With a single choice Django hides a filter: the organiser runs a second seminar.
    _seminar_with_one_of_everything(
        "second", title="Dakar Open Seminar", session="UNDP", person="Moussa Diop", organizer=me
    )
    client.force_login(me)
    response = client.get(reverse(f"admin:{changelist}_changelist"))
    seminar_filter = next(
        spec for spec in response.context["cl"].filter_specs if spec.field_path == "seminar"
    )
    titles = [choice["display"] for choice in seminar_filter.choices(response.context["cl"])]
    assert mine.title in titles and "Dakar Open Seminar" in titles
    assert SECRETS[0] not in titles


def test_a_superuser_still_sees_every_seminar_in_the_filter(client, two_organisers):
    boss = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(boss)
    response = client.get(reverse("admin:registration_registration_changelist"))
    page = response.content.decode()
    assert SECRETS[0] in page and "Nairobi Open Seminar" in page
