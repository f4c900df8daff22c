"""What joining a room costs (issue 11, item 6): a room-token join and a resume are one
query; attendance is written in batches afterwards; the snapshot of a level is built once
per seq and shared; the per-person limit holds before anything is written."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from live import selectors
from live.consumers import _enter
from live.errors import LiveError
from live.models import Attendance, LiveConnection, LiveProcess, Question, RoomDevice, RoomMute
from live.selectors import room_load
from live.services import question_ask, room_invites_rotate, room_token_issue
from live.services.attendance import attendance_flush, attendance_note_leave
from tests.live.live_helpers import live_room_data


@pytest.fixture
def room_data(transactional_db):
    data = live_room_data()
    data.session.qa_moderated = False
    data.session.save(update_fields=["qa_moderated", "updated_at"])
    return data


def device_token(session, name: str = "a") -> tuple[RoomDevice, str]:
    device = RoomDevice.objects.create(session=session, device_id=f"{name:0>16}")
    return device, room_token_issue(device=device)


def enter(session_id: int, token: str, presence: int | None = 0, **query):
    connection_id = uuid.uuid4()
    room, viewer, state, frame = _enter(
        session_id, None, {"token": token, **query}, connection_id, presence
    )
    return connection_id, viewer, frame


def test_a_room_token_join_is_one_query_and_its_attendance_is_written_later(room_data):
    session = room_data.session
    _warm, first = device_token(session, "w")
    enter(session.pk, first)  # the process's Room of the session is built once
    device, token = device_token(session)
    with CaptureQueriesContext(connection) as queries:
        connection_id, viewer, frame = enter(session.pk, token)
    assert len(queries) == 1
    assert frame["type"] == "snapshot" and frame["seq"] == 0
    assert viewer.device_pk == device.pk
    assert not LiveConnection.objects.filter(pk=connection_id).exists()  # not yet written
    assert attendance_flush() == 2
    stay = Attendance.objects.get(device=device)
    assert stay.present_since is not None and stay.joins == 1
    assert LiveConnection.objects.get(pk=connection_id).attendance_id == stay.pk


def test_many_joins_are_written_with_a_bounded_number_of_queries(room_data):
    session = room_data.session
    tokens = [device_token(session, str(i))[1] for i in range(40)]
    for token in tokens:
        enter(session.pk, token)
    with CaptureQueriesContext(connection) as queries:
        assert attendance_flush() == 40
    # beat check, transaction, known rows, two bulk inserts: not one per join
    assert len(queries) <= 8
    assert Attendance.objects.filter(session=session, present_since__isnull=False).count() == 40
    assert LiveConnection.objects.count() == 40


def test_a_leave_noted_with_its_join_closes_the_stay_in_the_same_batch(room_data):
    session = room_data.session
    device, token = device_token(session)
    connection_id, _viewer, _frame = enter(session.pk, token)
    attendance_note_leave(connection_id=connection_id)
    enter(session.pk, token)  # back at once: a new stay in the same batch
    attendance_flush()
    stay = Attendance.objects.get(device=device)
    assert stay.joins == 2
    assert stay.present_since is not None and stay.last_left_at is not None
    assert LiveConnection.objects.count() == 1


def test_the_limit_counts_sockets_not_yet_written(room_data, settings):
    settings.LIVE_MAX_CONNECTIONS_PER_PERSON = 2
    _device, token = device_token(room_data.session)
    enter(room_data.session.pk, token)
    enter(room_data.session.pk, token)
    with pytest.raises(LiveError) as refused:
        enter(room_data.session.pk, token)
    assert refused.value.close_code == 4429


def test_a_resume_is_one_query_and_none_more_when_nothing_was_missed(room_data):
    session = room_data.session
    _d, asker = device_token(session, "asker")
    _c, viewer, _f = enter(session.pk, asker)
    room = room_load(session_id=session.pk)
    question_ask(room=room, viewer=viewer, text="Which UNGM level is needed?", language="en")
    _device, token = device_token(session)
    with CaptureQueriesContext(connection) as queries:
        _c, _v, frame = enter(session.pk, token, last_seq="1")
    assert len(queries) == 1
    assert frame == {"type": "replay", "from_seq": 1, "seq": 1, "events": []}
    with CaptureQueriesContext(connection) as queries:
        _c, _v, frame = enter(session.pk, token, last_seq="0")
    assert len(queries) == 2  # the join, the missed events
    assert [e["seq"] for e in frame["events"]] == [1]


def test_the_snapshot_of_a_level_is_built_once_per_seq_and_the_own_parts_added(room_data):
    session = room_data.session
    asker_device, asker = device_token(session, "asker")
    _c, asker_viewer, _f = enter(session.pk, asker)
    room = room_load(session_id=session.pk)
    question_ask(room=room, viewer=asker_viewer, text="Do you buy solar pumps?", language="en")
    _d1, first = device_token(session, "1")
    _d2, second = device_token(session, "2")
    enter(session.pk, first)
    with CaptureQueriesContext(connection) as queries:
        _c, _v, frame = enter(session.pk, second)
    assert len(queries) == 1  # the questions came from the level's shared snapshot
    [question] = frame["questions"]
    assert question["mine"] is False and question["voted"] is False
    _c, _v, own = enter(session.pk, asker)
    assert own["questions"][0]["mine"] is True
    assert own["questions"][0]["id"] == question["id"]


def test_a_revoked_room_token_is_refused_by_the_one_query(room_data):
    _device, token = device_token(room_data.session)
    room_invites_rotate(session_id=room_data.session.pk)
    with pytest.raises(LiveError) as refused:
        enter(room_data.session.pk, token)
    assert refused.value.code == "token_expired" and refused.value.close_code == 4401


def test_a_changed_session_is_seen_by_the_next_join(room_data):
    session = room_data.session
    _device, token = device_token(session)
    enter(session.pk, token)
    session.title = "Renamed: selling to UNICEF"
    session.save()
    room, _viewer, _state = selectors.room_join(
        session_id=session.pk, process_id=uuid.uuid4(), token=token
    )
    assert room.title == "Renamed: selling to UNICEF"


def test_a_signed_in_join_costs_its_role_reads_and_one_query(room_data):
    session = room_data.session
    selectors.room_join(session_id=session.pk, process_id=uuid.uuid4(), user=room_data.vendor2)
    with CaptureQueriesContext(connection) as queries:
        _room, viewer, state = selectors.room_join(
            session_id=session.pk, process_id=uuid.uuid4(), user=room_data.vendor
        )
    # the session and its seminar, the seminar roles that decide the level, then the one
    # query of the join (seq, mute, the person's other sockets, votes, own questions)
    assert viewer.level == "attendee" and state["others_open"] == 0
    assert len(queries) <= 4


def test_the_token_join_query_compiled_once_reads_what_the_orm_reads(room_data):
    """live/compiled.py: the query built once and rebound per join gives the row the ORM
    builds for the same arguments, for a device with something of its own in every part."""
    session = room_data.session
    device, token = device_token(session, "mine")
    _c, viewer, _f = enter(session.pk, token)
    attendance_flush()
    room = room_load(session_id=session.pk)
    question_ask(room=room, viewer=viewer, text="Is a bank guarantee needed?", language="en")
    Question.objects.update(state=Question.State.PENDING)  # waits for a moderator: hidden
    RoomMute.objects.create(session=session, person_key=f"d{device.device_id}")
    elsewhere = uuid.uuid4()  # the device's socket counts as another live process's
    LiveProcess.objects.create(
        id=elsewhere, hostname="other", pid=1, started_at=timezone.now(), beat_at=timezone.now()
    )
    LiveConnection.objects.update(process_id=elsewhere)
    args = {
        "session_id": session.pk,
        "device_id": device.device_id,
        "process_id": uuid.uuid4(),
        "now": timezone.now(),
    }
    compiled = selectors._token_entry.first(**args)
    # Compiled once on PostgreSQL (CI); built per call elsewhere (SQLite, the embedded default).
    on_postgresql = connection.vendor == "postgresql"
    assert (selectors._token_entry._template is not None) is on_postgresql
    built = selectors._token_entry_query(**args).first()
    assert compiled == built
    assert compiled["muted"] is True and compiled["own_hidden"] is True
    assert compiled["others_open"] == 1 and compiled["device_pk"] == device.pk
    stranger = selectors._token_entry.first(**{**args, "device_id": "0" * 16})
    assert stranger == selectors._token_entry_query(**{**args, "device_id": "0" * 16}).first()
    assert stranger["device_pk"] is None and stranger["muted"] is False
    assert selectors._token_entry.first(**{**args, "session_id": session.pk + 999}) is None
