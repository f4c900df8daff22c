"""Who owns a company: a registration never changes a company other people belong to; a second
person giving its number joins only when a member or the seminar's organiser approves."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from registration import services
from registration.models import Company, CompanyClaim, Lead, Person, Registration
from registration.permissions import can_decide_company_claim
from registration.services.company import company_claim_decide
from tests import factories
from tests.factories import registration_payload

REAL = {
    "legal_name": "Nairobi Solar Pumps Ltd",
    "country": "KE",
    "national_registration_number": "PVT-2019-123",
    "city": "Nairobi",
    "website": "https://pumps.example",
    "size_band": "medium",
    "women_owned": True,
    "ungm_number": "UNGM-1",
    "unspsc_segments": ["40"],
    "unspsc_codes": ["40151500"],
}
ATTACKER = {
    **REAL,
    "legal_name": "Evil Imports",
    "city": "Elsewhere",
    "website": "https://evil.example",
    "size_band": "micro",
    "women_owned": False,
    "ungm_number": "UNGM-666",
    "unspsc_segments": ["42"],
    "unspsc_codes": ["42131600"],
}


def _company_state(company: Company) -> dict:
    company.refresh_from_db()
    state = model_to_dict(company)
    state["updated_at"] = company.updated_at
    return state


@pytest.fixture
def other_seminar(agencies):
    """A second seminar where the real vendor registered too, with an agency lead."""
    seminar = factories.SeminarFactory()
    session = factories.SessionFactory(seminar=seminar)
    session.agencies.set([agencies["UNDP"]])
    return seminar


@pytest.fixture
def real(register, other_seminar, agencies):
    """The real vendor, registered in two seminars, with an agency's lead on each."""
    here = register(email="ceo@pumps.example", full_name="Wanjiru Kamau", company=REAL)
    there = register(
        seminar=other_seminar,
        email="ceo@pumps.example",
        full_name="Wanjiru Kamau",
        company=REAL,
        session_ids=[],
        consents={agencies["UNDP"].pk: True},
    )
    Lead.objects.create(registration=there, agency=agencies["UNDP"], notes="call back")
    return here.company, here, there


@pytest.fixture
def attacker(register, real):
    return register(email="x@evil.example", full_name="Mallory", company=ATTACKER)


def test_second_registration_with_a_number_changes_nothing_of_that_company(
    register, real, agencies, other_seminar
):
    company, here, there = real
    before = _company_state(company)
    members = set(company.people.values_list("pk", flat=True))
    registrations = list(Registration.objects.filter(company=company).values())
    leads = list(Lead.objects.values())
    claim_reg = register(email="x@evil.example", full_name="Mallory", company=ATTACKER)

    assert _company_state(company) == before  # every field, updated_at included
    assert set(company.people.values_list("pk", flat=True)) == members
    assert list(Registration.objects.filter(company=company).values()) == registrations
    assert list(Lead.objects.values()) == leads
    # The attacker's registration keeps their own details, on a separate, unverified record.
    own = claim_reg.company
    assert own.pk != company.pk and own.is_claim
    assert (own.legal_name, own.website) == ("Evil Imports", "https://evil.example")
    claim = CompanyClaim.objects.get()
    assert (claim.company, claim.claimant_company, claim.status) == (
        company,
        own,
        CompanyClaim.Status.PENDING,
    )
    assert claim.person.company == own


def test_a_claim_made_again_or_elsewhere_still_changes_nothing(
    register, real, other_seminar, agencies
):
    company, _here, there = real
    before = _company_state(company)
    register(email="x@evil.example", full_name="Mallory", company=ATTACKER)
    again = register(
        seminar=other_seminar,
        email="x@evil.example",
        full_name="Mallory",
        company={**ATTACKER, "legal_name": "Evil Imports 2"},
        session_ids=[],
    )
    assert _company_state(company) == before
    assert CompanyClaim.objects.count() == 1
    assert again.company.legal_name == "Evil Imports 2" and again.company.is_claim
    there.refresh_from_db()
    assert there.company_id == company.pk


def test_the_only_member_still_updates_their_own_company(register, real):
    company, _here, _there = real
    register(
        email="ceo@pumps.example",
        full_name="Wanjiru Kamau",
        company={**REAL, "website": "https://new.pumps.example"},
    )
    company.refresh_from_db()
    assert company.website == "https://new.pumps.example"
    assert CompanyClaim.objects.count() == 0


def test_a_shared_company_is_not_changed_by_any_members_registration(register, real, attacker):
    company, _here, _there = real
    claim = CompanyClaim.objects.get()
    company_claim_decide(claim=claim, approve=True, by_user=factories.UserFactory())
    before = _company_state(company)
    register(email="ceo@pumps.example", full_name="Wanjiru Kamau", company=ATTACKER)
    register(email="x@evil.example", full_name="Mallory", company=ATTACKER)
    assert _company_state(company) == before


def test_exports_show_each_registrations_own_company_details(client, real, attacker, open_seminar):
    organizer = factories.RoleFactory(seminar=open_seminar, role="organizer").user
    client.force_login(organizer)
    url = reverse("registration:export_attendees", kwargs={"slug": open_seminar.slug, "fmt": "csv"})
    response = client.get(url, {"columns": ["email", "company", "website"]})
    body = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert body[1:] == [
        "ceo@pumps.example,Nairobi Solar Pumps Ltd,https://pumps.example",
        "x@evil.example,Evil Imports,https://evil.example",
    ]


def test_approval_moves_the_claimant_into_the_company_and_drops_their_record(real, attacker):
    company, _here, _there = real
    own = attacker.company
    claim = CompanyClaim.objects.get()
    company_claim_decide(claim=claim, approve=True, by_user=factories.UserFactory())
    attacker.refresh_from_db()
    assert attacker.company_id == company.pk
    assert Person.objects.get(email="x@evil.example").company_id == company.pk
    assert not Company.objects.filter(pk=own.pk).exists()
    assert company.legal_name == "Nairobi Solar Pumps Ltd"


def test_rejection_keeps_the_claimants_own_record_and_decides_once(real, attacker):
    company, _here, _there = real
    claim = CompanyClaim.objects.get()
    company_claim_decide(claim=claim, approve=False, by_user=factories.UserFactory())
    attacker.refresh_from_db()
    assert attacker.company.is_claim and attacker.company_id != company.pk
    with pytest.raises(Exception, match="already been decided"):
        company_claim_decide(claim=claim, approve=True, by_user=factories.UserFactory())
    assert CompanyClaim.objects.get().status == CompanyClaim.Status.REJECTED


def _decide(client, user, seminar, claim, decision="approve"):
    client.force_login(user)
    url = reverse("registration:claim_decide", kwargs={"slug": seminar.slug, "pk": claim.pk})
    return client.post(url, {"decision": decision})


def test_the_seminars_organiser_may_approve(client, open_seminar, real, attacker):
    organizer = factories.RoleFactory(seminar=open_seminar, role="organizer").user
    client.force_login(organizer)
    page = client.get(reverse("registration:registrations", kwargs={"slug": open_seminar.slug}))
    assert "Evil Imports" in page.content.decode() and "PVT-2019-123" in page.content.decode()
    response = _decide(client, organizer, open_seminar, CompanyClaim.objects.get())
    assert response.status_code == 302
    claim = CompanyClaim.objects.get()
    assert (claim.status, claim.decided_by) == (CompanyClaim.Status.APPROVED, organizer)
    attacker.refresh_from_db()
    assert attacker.company_id == real[0].pk


def test_a_member_of_the_company_may_approve_from_their_page(client, open_seminar, real, attacker):
    member = real[1].person.user
    client.force_login(member)
    page = client.get(reverse("registration:mine", kwargs={"slug": open_seminar.slug}))
    assert "Mallory" in page.content.decode()
    # Members see who claims, never the claimant's address: whoever registered a number first
    # is not verified, and must not collect the real firm's staff contacts.
    assert CompanyClaim.objects.get().person.email not in page.content.decode()
    response = _decide(client, member, open_seminar, CompanyClaim.objects.get(), "reject")
    assert response.status_code == 302
    assert CompanyClaim.objects.get().status == CompanyClaim.Status.REJECTED


@pytest.mark.parametrize("who", ["other_organizer", "agency", "vendor", "claimant"])
def test_others_may_not_decide(client, open_seminar, other_seminar, real, attacker, agencies, who):
    users = {
        "other_organizer": factories.RoleFactory(seminar=other_seminar, role="organizer").user,
        "agency": factories.RoleFactory(
            seminar=open_seminar, role="presenter", agency=agencies["UNICEF"]
        ).user,
        "vendor": services.registration_apply(
            seminar=open_seminar,
            payload=registration_payload(email="bystander@x.example", session_ids=[]),
        ).person.user,
        "claimant": attacker.person.user,
    }
    claim = CompanyClaim.objects.get()
    assert not can_decide_company_claim(users[who], claim)
    for seminar in (open_seminar, other_seminar):
        assert _decide(client, users[who], seminar, claim).status_code == 403
    claim.refresh_from_db()
    assert claim.status == CompanyClaim.Status.PENDING
    attacker.refresh_from_db()
    assert attacker.company.is_claim


def test_anonymous_visitors_may_not_decide(client, open_seminar, real, attacker):
    claim = CompanyClaim.objects.get()
    url = reverse("registration:claim_decide", kwargs={"slug": open_seminar.slug, "pk": claim.pk})
    assert client.post(url, {"decision": "approve"}).status_code == 302  # to sign in
    assert CompanyClaim.objects.get().status == CompanyClaim.Status.PENDING


def test_exports_flag_a_registration_whose_company_is_not_confirmed(
    client, real, attacker, open_seminar
):
    organizer = factories.RoleFactory(seminar=open_seminar, role="organizer").user
    client.force_login(organizer)
    url = reverse("registration:export_attendees", kwargs={"slug": open_seminar.slug, "fmt": "csv"})
    response = client.get(url, {"columns": ["email", "company_unconfirmed"]})
    body = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert body == [
        "Email,Company number not confirmed",
        "ceo@pumps.example,no",
        "x@evil.example,yes",
    ]


def test_erasing_a_claimant_withdraws_their_pending_claim(real, attacker):
    services.person_erase(person=attacker.person)
    assert CompanyClaim.objects.count() == 0
    assert real[0].legal_name == "Nairobi Solar Pumps Ltd"


@pytest.mark.parametrize("decision", ["", "yes", "APPROVE"])
def test_a_decision_that_is_neither_button_is_refused_and_changes_nothing(
    client, open_seminar, real, attacker, decision
):
    organizer = factories.RoleFactory(seminar=open_seminar, role="organizer").user
    claim = CompanyClaim.objects.get()
    response = _decide(client, organizer, open_seminar, claim, decision)
    assert response.status_code == 400
    assert "Choose to confirm or to refuse." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == CompanyClaim.Status.PENDING
