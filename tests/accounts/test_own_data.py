"""A vendor's own data: "Download my data" holds every personal field the database keeps
about them (compared with the models themselves), and "Delete my account" cancels, withdraws,
removes leads at once and anonymises like the retention purge."""

import json

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import selectors
from accounts.models import AccountSession, ExternalIdentity
from live.models import Attendance, Question, Vote
from registration.models import (
    AgencyConsent,
    EngagementEvent,
    Lead,
    Person,
    Registration,
    SignInToken,
)
from tests import factories

# Relations that make a row the person's: to their account, vendor record or registrations.
ROOTS = (User, Person, Registration)


@pytest.fixture
def rich_vendor(vendor_registration):
    """The registered vendor, with a row in every kind of table that can hold their data."""
    registration = vendor_registration
    person, user = registration.person, registration.person.user
    session = registration.sessions.first()
    agency = session.agencies.first()
    EngagementEvent.objects.create(registration=registration, agency=agency, kind="contact_me")
    Lead.objects.create(registration=registration, agency=agency, notes="Call back in May")
    question = Question.objects.create(
        session=session, author=user, text="Do you buy solar pumps?", language="en"
    )
    Vote.objects.create(question=question, voter=user)
    Attendance.objects.create(session=session, user=user, first_joined_at=timezone.now())
    ExternalIdentity.objects.create(user=user, provider="agency-idp", subject="sub-123")
    SignInToken.objects.create(
        email=person.email, payload={"phone": "+9779800000000"}, expires_at=timezone.now()
    )
    return registration


def _owner_fields(model) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if f.is_relation
        and f.related_model in ROOTS
        and (model._meta.app_label, model._meta.model_name, f.name) not in selectors.ACTOR_FIELDS
    ]


def _rows_in_database(model, user, person) -> int:
    registrations = Registration.objects.filter(person=person)
    count = 0
    for field in _owner_fields(model):
        target = {User: [user], Person: [person], Registration: registrations}[field.related_model]
        count += model._default_manager.filter(**{f"{field.name}__in": target}).count()
    return count


def test_download_holds_every_personal_field_of_every_model(client, rich_vendor):
    person = rich_vendor.person
    user = person.user
    client.force_login(user)
    response = client.get(reverse("accounts:my_data_json"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)

    # Every model, read from the app registry here (not from the exporter), that holds a row
    # pointing at this person is in the download, with every one of its stored fields.
    checked = set()
    for model in apps.get_models():
        if model in (User, Person) or not _owner_fields(model):
            continue
        if _rows_in_database(model, user, person):
            label = model._meta.label_lower
            assert label in data, label
            fields = {f.name for f in model._meta.concrete_fields}
            fields |= {f.name for f in model._meta.many_to_many}
            for row in data[label]:
                assert set(row) == fields, label
            checked.add(label)
    assert {
        "registration.registration",
        "registration.agencyconsent",
        "registration.consentevent",
        "registration.engagementevent",
        "registration.lead",
        "live.question",
        "live.vote",
        "live.attendance",
        "accounts.accountsession",
        "accounts.externalidentity",
    } <= checked
    for model in (User, Person, type(person.company), SignInToken):
        label = model._meta.label_lower
        assert set(data[label][0]) == {f.name for f in model._meta.concrete_fields} | {
            f.name for f in model._meta.many_to_many
        }
    # The values themselves, from the tables that hold them.
    text = json.dumps(data, ensure_ascii=False)
    for value in (
        person.email,
        person.full_name,
        person.phone,
        person.job_title,
        person.company.legal_name,
        "Call back in May",
        "Do you buy solar pumps?",
        "sub-123",
        "+9779800000000",
    ):
        assert value in text
    # Credentials are not handed out: the session key and the password hash.
    assert data["auth.user"][0]["password"] in ("", "(set)")
    key = AccountSession.objects.get(user=user).session_key
    assert key not in text and user.password not in text


def test_readable_page_shows_the_same_data(client, rich_vendor):
    client.force_login(rich_vendor.person.user)
    page = client.get(reverse("accounts:my_data"))
    assert page.status_code == 200
    body = page.content.decode()
    assert rich_vendor.person.phone in body and "Call back in May" in body
    assert reverse("accounts:my_data_json") in body


def test_my_registration_page_links_to_download_and_delete(client, rich_vendor):
    client.force_login(rich_vendor.person.user)
    page = client.get(reverse("registration:mine", kwargs={"slug": rich_vendor.seminar.slug}))
    body = page.content.decode()
    assert reverse("accounts:my_data") in body and reverse("accounts:delete") in body


@pytest.mark.parametrize("who", ["staff", "organizer", "plain_account", "anonymous"])
def test_only_a_vendor_may_download_or_delete_their_data(client, rich_vendor, who):
    if who != "anonymous":
        if who == "plain_account":
            user = factories.UserFactory()  # no vendor record
        else:
            user = rich_vendor.person.user
            if who == "staff":
                user.is_staff = True
                user.save()
            else:
                factories.RoleFactory(seminar=rich_vendor.seminar, user=user, role="organizer")
        client.force_login(user)
    for name in ("accounts:my_data", "accounts:my_data_json", "accounts:delete"):
        response = client.get(reverse(name))
        if who == "anonymous":
            assert response.status_code == 302
        else:
            assert response.status_code == 403
    assert client.post(reverse("accounts:delete")).status_code in (302, 403)
    assert Person.objects.get(pk=rich_vendor.person.pk).email == "vendor@firm.example"


def test_delete_my_account_removes_the_vendor_from_every_agency_at_once(
    client, rich_vendor, django_capture_on_commit_callbacks
):
    seminar = rich_vendor.seminar
    agency = rich_vendor.sessions.first().agencies.first()
    presenter = factories.RoleFactory(seminar=seminar, role="presenter", agency=agency).user
    officer = Client()
    officer.force_login(presenter)
    leads_url = reverse("registration:leads_json", kwargs={"slug": seminar.slug})
    before = officer.get(leads_url).json()["leads"]
    assert [lead["email"] for lead in before] == ["vendor@firm.example"]

    user = rich_vendor.person.user
    other_device = Client()
    other_device.force_login(user)
    client.force_login(user)
    assert client.get(reverse("accounts:delete")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:delete"))
    assert response.status_code == 302

    assert officer.get(leads_url).json()["leads"] == []
    registration = Registration.objects.get(pk=rich_vendor.pk)
    assert registration.status == Registration.Status.CANCELLED
    assert registration.anonymised_at is not None
    assert not AgencyConsent.objects.filter(registration=registration, granted=True).exists()
    assert not Lead.objects.filter(registration=registration).exists()
    assert not EngagementEvent.objects.filter(registration=registration).exists()
    person = Person.objects.get(pk=rich_vendor.person.pk)
    assert person.email.endswith("@erased.invalid") and person.phone == ""
    user.refresh_from_db()
    assert not user.is_active and user.email == ""
    assert not ExternalIdentity.objects.filter(user=user).exists()
    assert not SignInToken.objects.filter(email="vendor@firm.example").exists()
    for device in (client, other_device):
        assert device.get(reverse("accounts:account")).status_code == 302
