"""Every endpoint and scope, both ways: who gets an answer and who gets 401, 403 or 404."""

import pytest

from api.models import ORGANISER_SCOPES
from api.services.tokens import api_token_create
from tests import factories

pytestmark = pytest.mark.django_db

CASES = [
    # (method, path template, who, expected status)
    ("get", "/seminars/{slug}/registrations", "organiser", 200),
    ("get", "/seminars/{slug}/registrations", "unicef", 403),
    ("get", "/seminars/{slug}/registrations", "anonymous", 401),
    ("get", "/seminars/{slug}/registrations", "organiser_agenda_only", 403),
    ("get", "/seminars/{slug}/registrations", "other_seminar_organiser", 403),
    ("get", "/seminars/{slug}/registrations/{reg}", "organiser", 200),
    ("get", "/seminars/{slug}/registrations/{reg}", "undp", 403),
    ("get", "/seminars/{slug}/registrations/{reg}", "organiser_agenda_only", 403),
    ("post", "/seminars/{slug}/registrations/{reg}/decision", "organiser", 400),
    ("post", "/seminars/{slug}/registrations/{reg}/decision", "organiser_read_only", 403),
    ("post", "/seminars/{slug}/registrations/{reg}/decision", "unicef", 403),
    ("post", "/seminars/{slug}/check-ins", "organiser", 200),
    ("post", "/seminars/{slug}/check-ins", "organiser_read_only", 403),
    ("post", "/seminars/{slug}/check-ins", "unicef", 403),
    ("post", "/seminars/{slug}/check-ins", "anonymous", 401),
    ("get", "/seminars/{slug}/attendance", "organiser", 200),
    ("get", "/seminars/{slug}/attendance", "unicef", 403),
    ("get", "/seminars/{slug}/attendance", "organiser_agenda_only", 403),
    ("get", "/seminars/{slug}/reach", "organiser", 200),
    ("get", "/seminars/{slug}/reach", "undp", 403),
    ("get", "/seminars/{slug}/reach", "anonymous", 401),
    ("get", "/seminars/{slug}/sessions/{s1}/questions", "organiser", 200),
    ("get", "/seminars/{slug}/sessions/{s1}/questions", "unicef", 200),
    ("get", "/seminars/{slug}/sessions/{s1}/questions", "undp", 403),
    ("get", "/seminars/{slug}/sessions/{s2}/questions", "undp", 200),
    ("get", "/seminars/{slug}/sessions/{s1}/questions", "organiser_read_only", 403),
    ("get", "/seminars/{slug}/sessions/{s1}/questions", "anonymous", 401),
    ("get", "/seminars/{slug}/agencies/{unicef}/leads", "unicef", 200),
    ("get", "/seminars/{slug}/agencies/{undp}/leads", "unicef", 403),
    ("get", "/seminars/{slug}/agencies/{unicef}/leads", "organiser", 403),
    ("get", "/seminars/{slug}/agencies/{unicef}/leads", "undp", 403),
    ("get", "/seminars/{slug}/agencies/{unicef}/leads", "unicef_without_leads", 403),
    ("get", "/seminars/{slug}/agencies/{unicef}/leads", "anonymous", 401),
    ("get", "/seminars/{slug}/me", "anonymous", 401),
    ("get", "/seminars/{slug}/me", "organiser", 401),
    ("get", "/seminars", "anonymous", 200),
    ("get", "/seminars/{slug}", "anonymous", 200),
    ("get", "/seminars/{slug}/sessions", "unicef", 200),
    ("get", "/seminars/{slug}/agencies", "anonymous", 200),
    ("get", "/seminars/{slug}", "bogus", 401),
]

BODIES = {"decision": {"approve": True}, "check-ins": {"code": "NOPE"}}


@pytest.fixture
def principals(world):
    seminar = world["seminar"]
    organiser = world["organiser"]
    other = factories.RoleFactory(role="organizer").user
    made = dict(world["tokens"])
    made["anonymous"] = None
    made["bogus"] = "oips_deadbeef_not-a-token"
    made["organiser_agenda_only"] = api_token_create(
        user=organiser, name="agenda", scopes=["agenda:read"], days=1, seminar=seminar
    )[1]
    made["organiser_read_only"] = api_token_create(
        user=organiser, name="ro", scopes=["registrations:read"], days=1, seminar=seminar
    )[1]
    made["other_seminar_organiser"] = api_token_create(
        user=other,
        name="x",
        scopes=list(ORGANISER_SCOPES),
        days=1,
        seminar=other.seminar_roles.get().seminar,
    )[1]
    made["unicef_without_leads"] = api_token_create(
        user=world["unicef_staff"],
        name="q",
        scopes=["questions:read"],
        days=1,
        agency=world["unicef"],
    )[1]
    return made


@pytest.mark.parametrize(("method", "template", "who", "status"), CASES)
def test_endpoint_answers_only_whom_the_pages_answer(
    world, principals, call, method, template, who, status
):
    path = template.format(
        slug=world["seminar"].slug,
        reg=world["vendors"]["to_unicef"].pk,
        s1=world["sessions"][0].pk,
        s2=world["sessions"][1].pk,
        unicef=world["unicef"].pk,
        undp=world["undp"].pk,
    )
    body = next((b for key, b in BODIES.items() if path.endswith(key)), None)
    response = call(method, path, principals[who], body)
    assert response.status_code == status, response.content
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == status and problem["type"].startswith("https://")
    if status == 401:
        assert "Bearer" in response["WWW-Authenticate"]


def test_a_draft_seminar_is_404_without_a_role_and_visible_with_agenda_read(world, call):
    seminar = world["seminar"]
    seminar.status = "draft"
    seminar.save()
    assert call("get", f"/seminars/{seminar.slug}").status_code == 404
    assert call("get", f"/seminars/{seminar.slug}", world["tokens"]["organiser"]).status_code == 200
    assert all(s["slug"] != seminar.slug for s in call("get", "/seminars").json())


def test_a_token_never_outlives_its_owners_role(world, call):
    """The token narrows its owner's rights: a revoked role closes the API at once."""
    world["organiser"].seminar_roles.all().delete()
    response = call(
        "get", f"/seminars/{world['seminar'].slug}/registrations", world["tokens"]["organiser"]
    )
    assert response.status_code == 403


def test_an_agency_token_cannot_be_created_with_organiser_scopes(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        api_token_create(
            user=world["unicef_staff"],
            name="x",
            scopes=["registrations:read"],
            days=1,
            agency=world["unicef"],
        )
    with pytest.raises(PermissionDenied):
        api_token_create(
            user=world["unicef_staff"],
            name="x",
            scopes=["leads:read"],
            days=1,
            agency=world["undp"],
        )
    with pytest.raises(PermissionDenied):
        api_token_create(
            user=world["unicef_staff"],
            name="x",
            scopes=["agenda:read"],
            days=1,
            seminar=world["seminar"],
        )
