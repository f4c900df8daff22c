"""A database made before the live room became its own app keeps every row of live data.

The test takes the test database back to seminars' last migration before the move
(0006_liveprocess: the live models still in the seminars app), fills every live table
through the historical models, migrates forward and reads everything back through the
live app's models. It runs on SQLite and, with DATABASE_URL set, on PostgreSQL.
"""

import datetime
import uuid

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from live.models import (
    Attendance,
    LiveConnection,
    LiveProcess,
    Question,
    RoomDevice,
    RoomEvent,
    RoomMute,
    RoomSequence,
    Vote,
)
from seminars.models import Session

BEFORE_MOVE = [("seminars", "0006_liveprocess")]
LIVE_MODELS = (
    "attendance",
    "liveconnection",
    "liveprocess",
    "question",
    "roomdevice",
    "roomevent",
    "roommute",
    "roomsequence",
    "vote",
)
AT = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _fill_old_layout(apps) -> dict:
    """Every live table gets rows, through the models as they were before the move."""
    user_model = apps.get_model("auth", "User")
    org = apps.get_model("seminars", "Organization")
    seminar_model = apps.get_model("seminars", "Seminar")
    session_model = apps.get_model("seminars", "Session")
    old = {name: apps.get_model("seminars", name) for name in LIVE_MODELS}

    vendor = user_model.objects.create(username="vendor@example.org", first_name="Ana")
    moderator = user_model.objects.create(username="moderator@example.org")
    host = org.objects.create(kind="host", name="Host body")
    agency = org.objects.create(kind="agency", name="UN agency", acronym="UNA")
    seminar = seminar_model.objects.create(
        slug="before-move",
        title="Before the move",
        host=host,
        format="hybrid",
        time_zone="Africa/Nairobi",
        starts_on=AT.date(),
        ends_on=AT.date(),
        languages=["en"],
    )
    session = session_model.objects.create(
        seminar=seminar,
        title="Live Q&A",
        kind="qa",
        starts_at=AT,
        ends_at=AT + datetime.timedelta(hours=1),
    )
    device = old["roomdevice"].objects.create(session=session, device_id="phone1")
    old["roomsequence"].objects.create(session=session, last_seq=3)
    old["roomevent"].objects.create(
        session=session,
        seq=3,
        kind="question.approved",
        agency=agency,
        owner_key=f"u{vendor.pk}",
        payload_full={"text": "Full"},
        payload_public={"text": "Public"},
        payload_owner={"text": "Owner"},
    )
    asked = old["question"].objects.create(
        session=session,
        author=vendor,
        addressed_agency=agency,
        text="How do we register as a supplier?",
        language="en",
        state="answered",
        vote_count=2,
        answer_text="Through the UNGM portal.",
        answered_live=True,
        answered_by=moderator,
        last_seq=3,
    )
    duplicate = old["question"].objects.create(
        session=session,
        author_device=device,
        text="Registration as a supplier?",
        language="en",
        hide_name=True,
        state="approved",
        merged_into=asked,
    )
    old["vote"].objects.create(question=asked, voter=moderator)
    old["vote"].objects.create(question=asked, device=device)
    old["roommute"].objects.create(session=session, person_key="dphone2", muted_by=moderator)
    stay = old["attendance"].objects.create(
        session=session,
        user=vendor,
        first_joined_at=AT,
        present_since=AT,
        seconds_present=90,
        joins=2,
    )
    old["attendance"].objects.create(
        session=session, device=device, first_joined_at=AT, last_left_at=AT, joins=1
    )
    process = uuid.uuid4()
    old["liveprocess"].objects.create(
        id=process, hostname="web1", pid=4242, started_at=AT, beat_at=AT
    )
    connection_id = uuid.uuid4()
    old["liveconnection"].objects.create(id=connection_id, attendance=stay, process_id=process)

    # Content types and the admin log are not part of the move: today's models read them.
    question_type = ContentType.objects.get(app_label="seminars", model="question")
    LogEntry.objects.create(
        user_id=moderator.pk,
        content_type=question_type,
        object_id=str(asked.pk),
        object_repr="How do we register",
        action_flag=CHANGE,
        change_message="[]",
    )
    return {
        "vendor": vendor.pk,
        "moderator": moderator.pk,
        "agency": agency.pk,
        "session": session.pk,
        "device": device.pk,
        "asked": asked.pk,
        "duplicate": duplicate.pk,
        "stay": stay.pk,
        "process": process,
        "connection": connection_id,
        "question_type": question_type.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_live_rows_survive_the_move_to_the_live_app():
    try:
        executor = _migrate(BEFORE_MOVE)
        old_apps = executor.loader.project_state(BEFORE_MOVE).apps
        # Before the move the content types are the seminars app's.
        assert set(
            ContentType.objects.filter(app_label="seminars", model__in=LIVE_MODELS).values_list(
                "model", flat=True
            )
        ) == set(LIVE_MODELS)
        ids = _fill_old_layout(old_apps)
    finally:
        _migrate(_leaves())

    assert Question.objects.count() == 2
    asked = Question.objects.get(pk=ids["asked"])
    assert asked.text == "How do we register as a supplier?"
    assert asked.author_id == ids["vendor"]
    assert asked.addressed_agency_id == ids["agency"]
    assert asked.answered_by_id == ids["moderator"]
    assert (asked.state, asked.answer_text, asked.answered_live, asked.vote_count) == (
        Question.State.ANSWERED,
        "Through the UNGM portal.",
        True,
        2,
    )
    duplicate = Question.objects.get(pk=ids["duplicate"])
    assert duplicate.merged_into_id == asked.pk
    assert duplicate.author_key == "dphone1"
    assert duplicate.hide_name is True

    votes = {(v.voter_id, v.device_id) for v in Vote.objects.filter(question=asked)}
    assert votes == {(None, ids["device"]), (ids["moderator"], None)}
    assert RoomDevice.objects.get(pk=ids["device"]).session_id == ids["session"]
    assert RoomSequence.objects.get(session_id=ids["session"]).last_seq == 3
    event = RoomEvent.objects.get(session_id=ids["session"], seq=3)
    assert (event.kind, event.agency_id, event.owner_key) == (
        "question.approved",
        ids["agency"],
        f"u{ids['vendor']}",
    )
    assert (event.payload_full, event.payload_public, event.payload_owner) == (
        {"text": "Full"},
        {"text": "Public"},
        {"text": "Owner"},
    )
    mute = RoomMute.objects.get(session_id=ids["session"])
    assert (mute.person_key, mute.muted_by_id) == ("dphone2", ids["moderator"])
    stay = Attendance.objects.get(pk=ids["stay"])
    assert (stay.user_id, stay.seconds_present, stay.joins, stay.present_since) == (
        ids["vendor"],
        90,
        2,
        AT,
    )
    assert Attendance.objects.get(device_id=ids["device"]).last_left_at == AT
    process = LiveProcess.objects.get(pk=ids["process"])
    assert (process.hostname, process.pid) == ("web1", 4242)
    assert LiveConnection.objects.get(pk=ids["connection"]).attendance_id == stay.pk

    # Relations from the seminars app's models reach the moved ones.
    session = Session.objects.get(pk=ids["session"])
    assert session.questions.count() == 2
    assert session.attendances.count() == 2
    assert session.room_events.count() == 1

    # Content types moved with the models, keeping their ids: the admin log entry and
    # the permissions point at the live app's models now.
    question_type = ContentType.objects.get_for_model(Question)
    assert (question_type.app_label, question_type.pk) == ("live", ids["question_type"])
    assert not ContentType.objects.filter(app_label="seminars", model__in=LIVE_MODELS).exists()
    entry = LogEntry.objects.get(object_id=str(asked.pk))
    assert entry.get_edited_object() == asked
    assert Permission.objects.filter(
        content_type=question_type, codename="change_question"
    ).exists()

    # The tables take new rows after the move (their id sequences carried on).
    newer = Question.objects.create(session=session, text="And after?", language="en")
    assert newer.pk > ids["duplicate"]
