"""live/permissions.py: each rule of the live room, both ways."""

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from live import groups, permissions
from live.rooms import Viewer
from live.selectors import room_load
from seminars.models import Seminar, SeminarRole
from tests import factories
from tests.live.live_helpers import live_room_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def room(db):
    data = live_room_data()
    data.room = room_load(session_id=data.session.pk)
    return data


def _viewer(level: str, user=None, agency_id=None, token=False) -> Viewer:
    key = f"u{user.pk}" if user else "d00112233"
    return Viewer(
        level=level,
        person_key=key,
        name="",
        user_id=user.pk if user else None,
        agency_id=agency_id,
        token=token,
    )


@pytest.mark.parametrize(
    ("level", "command_level", "token", "token_ok", "allowed"),
    [
        ("moderator", "moderator", False, False, True),
        ("agency", "moderator", False, False, False),
        ("attendee", "moderator", False, False, False),
        ("moderator", "agency", False, False, True),
        ("agency", "agency", False, False, True),
        ("attendee", "agency", False, False, False),
        ("attendee", "attendee", False, True, True),
        ("attendee", "attendee", True, True, True),
        ("attendee", "attendee", True, False, False),
    ],
)
def test_command_allowed_by_level_and_room_token(level, command_level, token, token_ok, allowed):
    viewer = Viewer(level=level, person_key="u1", name="", user_id=1, agency_id=1, token=token)
    assert permissions.command_allowed(viewer, level=command_level, token_ok=token_ok) is allowed


@pytest.mark.parametrize(
    ("who", "view", "expected"),
    [
        ("moderator", None, (groups.MODERATOR, None)),
        ("organizer", None, (groups.MODERATOR, None)),
        ("moderator", "attendee", (groups.ATTENDEE, None)),
        ("presenter_a", None, (groups.AGENCY, "agency_a")),
        ("vendor", None, (groups.ATTENDEE, None)),
    ],
)
def test_socket_level_follows_the_seminar_role(room, who, view, expected):
    level, agency = permissions.socket_level(
        getattr(room, who), room.session, room.room, view, None
    )
    assert (level, agency) == (expected[0], getattr(room, expected[1]).pk if expected[1] else None)


def test_presenter_asking_for_another_agency_gets_their_own(room):
    user = room.presenter_a
    asked = permissions.socket_level(user, room.session, room.room, None, room.agency_b.pk)
    assert asked == (groups.AGENCY, room.agency_a.pk)
    own = permissions.socket_level(user, room.session, room.room, None, room.agency_a.pk)
    assert own == (groups.AGENCY, room.agency_a.pk)


def test_can_enter_room_public_seminar_everyone_draft_only_its_team(room):
    assert permissions.can_enter_room(room.vendor, room.seminar)
    room.seminar.status = Seminar.Status.DRAFT
    room.seminar.save()
    fresh = type(room.vendor).objects.get(pk=room.vendor.pk)
    assert not permissions.can_enter_room(fresh, room.seminar)
    team = type(room.moderator).objects.get(pk=room.moderator.pk)
    assert permissions.can_enter_room(team, room.seminar)


def test_can_moderate_room_moderators_organisers_superusers_only(room):
    assert permissions.can_moderate_room(room.moderator, room.session)
    assert permissions.can_moderate_room(room.organizer, room.session)
    assert permissions.can_moderate_room(factories.UserFactory(is_superuser=True), room.session)
    assert not permissions.can_moderate_room(room.presenter_a, room.session)
    assert not permissions.can_moderate_room(room.vendor, room.session)
    assert not permissions.can_moderate_room(AnonymousUser(), room.session)


def test_panel_agencies_for_presenters_not_for_moderators(room):
    ids = room.room.agency_ids
    assert permissions.panel_agency_ids(room.presenter_a, room.session, ids) == [room.agency_a.pk]
    assert permissions.panel_agency_ids(room.moderator, room.session, ids) == []
    assert permissions.panel_agency_ids(room.vendor, room.session, ids) == []


def test_export_scope_everything_own_agency_or_nothing(room):
    assert permissions.export_agency_ids(room.moderator, room.session) == set()
    assert permissions.export_agency_ids(room.presenter_a, room.session) == {room.agency_a.pk}
    assert permissions.export_agency_ids(room.vendor, room.session) is None
    elsewhere = factories.AgencyFactory()
    outsider = factories.RoleFactory(seminar=room.seminar, role="presenter", agency=elsewhere)
    assert permissions.export_agency_ids(outsider.user, room.session) is None


def test_may_answer_moderator_any_agency_its_own_phone_never(room):
    a, b = room.agency_a.pk, room.agency_b.pk
    moderator = _viewer(groups.MODERATOR, room.moderator)
    presenter = _viewer(groups.AGENCY, room.presenter_a, agency_id=a)
    assert permissions.may_answer(moderator, None) and permissions.may_answer(moderator, b)
    assert permissions.may_answer(presenter, a)
    assert not permissions.may_answer(presenter, b)
    assert not permissions.may_answer(presenter, None)
    assert not permissions.may_answer(_viewer(groups.ATTENDEE, room.vendor), a)
    assert not permissions.may_answer(_viewer(groups.ATTENDEE, token=True), None)


def test_room_moderator_is_the_moderator_level_only(room):
    assert permissions.is_room_moderator(_viewer(groups.MODERATOR, room.moderator))
    assert not permissions.is_room_moderator(_viewer(groups.AGENCY, room.presenter_a, 1))
    assert not permissions.is_room_moderator(_viewer(groups.ATTENDEE, room.vendor))


def test_level_held_now_follows_the_roles_in_the_database(room):
    moderator = _viewer(groups.MODERATOR, room.moderator)
    presenter = _viewer(groups.AGENCY, room.presenter_a, agency_id=room.agency_a.pk)
    assert permissions.level_held_now(room.room, moderator)
    assert permissions.level_held_now(room.room, presenter)
    SeminarRole.objects.filter(user=room.moderator).delete()
    room.session.agencies.remove(room.agency_a)
    assert not permissions.level_held_now(room.room, moderator)
    assert not permissions.level_held_now(room.room, presenter)


def test_level_held_now_refuses_an_inactive_account(room):
    room.organizer.is_active = False
    room.organizer.save()
    assert not permissions.level_held_now(room.room, _viewer(groups.MODERATOR, room.organizer))


def test_command_allowed_now_checks_the_database_above_attendee_only(
    room, django_assert_num_queries
):
    vendor = _viewer(groups.ATTENDEE, room.vendor)
    with django_assert_num_queries(0):
        assert permissions.command_allowed_now(
            room.room, vendor, level=groups.ATTENDEE, token_ok=True
        )
    moderator = _viewer(groups.MODERATOR, room.moderator)
    assert permissions.command_allowed_now(
        room.room, moderator, level=groups.MODERATOR, token_ok=False
    )
    SeminarRole.objects.filter(user=room.moderator).delete()
    assert not permissions.command_allowed_now(
        room.room, moderator, level=groups.MODERATOR, token_ok=False
    )


def _orm_lines(source: str) -> list[int]:
    """Lines of a module that reach the ORM directly (a manager, or get_object_or_404)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if (isinstance(node, ast.Attribute) and node.attr == "objects")
        or (isinstance(node, ast.Name) and node.id in {"get_object_or_404", "get_list_or_404"})
    ]


def test_live_views_read_and_write_through_selectors_and_services_only():
    found = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "live" / "views").glob("*.py"))
        if (lines := _orm_lines(path.read_text()))
    }
    assert found == {}


def test_the_view_check_catches_a_view_that_queries_the_orm():
    assert _orm_lines("from seminars.models import Session\nS = Session.objects.all()\n") == [2]
    assert _orm_lines("x = get_object_or_404(Session, pk=1)\n") == [1]
    assert _orm_lines("x = selectors.session_of_seminar(seminar=s, session_id=1)\n") == []
