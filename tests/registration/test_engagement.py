"""Engagement signals from the live room and the media library feed the agency's leads."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from live.models import Attendance, Question, Vote
from registration import services
from registration.models import EngagementEvent
from registration.selectors import lead_rows
from tests import factories


def test_engagement_record_ignores_people_who_are_not_registered(open_seminar, agencies):
    outsider = factories.UserFactory()
    assert (
        services.engagement_record(
            seminar=open_seminar, user=outsider, agency=agencies["UNICEF"], kind="contact_me"
        )
        is None
    )
    assert EngagementEvent.objects.count() == 0
    with pytest.raises(ValidationError):
        services.engagement_record(
            seminar=open_seminar, user=outsider, agency=agencies["UNICEF"], kind="bogus"
        )


def test_live_room_and_media_signals_count_only_for_the_agency_concerned(
    register, open_seminar, agencies
):
    unicef, undp = agencies["UNICEF"], agencies["UNDP"]
    unicef_session, undp_session = agencies["sessions"]
    registration = register(consents={str(unicef.pk): True, str(undp.pk): True})
    user = registration.person.user
    Attendance.objects.create(
        session=unicef_session,
        user=user,
        first_joined_at=unicef_session.starts_at,
        seconds_present=25 * 60,
    )
    Attendance.objects.create(
        session=undp_session, user=user, first_joined_at=undp_session.starts_at, seconds_present=60
    )
    # Asked in UNDP's session but addressed to UNICEF: counts for UNICEF (and UNDP's session).
    asked = Question.objects.create(
        session=undp_session,
        author=user,
        addressed_agency=unicef,
        text="Lead times?",
        language="en",
    )
    other = Question.objects.create(
        session=unicef_session, author=factories.UserFactory(), text="MOQ?", language="en"
    )
    Vote.objects.create(question=other, voter=user)
    services.engagement_record(
        seminar=open_seminar, user=user, agency=unicef, kind="slides_downloaded", amount=2
    )
    services.engagement_record(
        seminar=open_seminar,
        user=user,
        agency=unicef,
        kind="recording_watched_seconds",
        amount=1300,
    )
    registration.checked_in_at = unicef_session.starts_at - timedelta(minutes=5)
    registration.save()
    (row,) = lead_rows(open_seminar, unicef)
    r = row.registration
    assert (r.seconds_present, r.questions_asked, r.questions_voted) == (1500, 1, 1)
    assert (r.slides_downloaded, r.seconds_watched, r.contact_me) == (2, 1300, 0)
    # 1 registered + 3 checked in + 2×1 (25 min) + 2×2 questions + 2×2 slides + 2×1 watched
    # + 3×2 segments (42, 51)
    assert row.score == 1 + 3 + 2 + 4 + 4 + 2 + 6
    (undp_row,) = lead_rows(open_seminar, undp)
    assert (undp_row.registration.seconds_present, undp_row.registration.questions_asked) == (
        60,
        1,
    )
    assert undp_row.registration.questions_voted == 0
    assert asked.pk


def test_session_time_change_requeues_reminders(register, agencies):
    from django_tasks_db.models import DBTaskResult

    session = agencies["sessions"][0]
    register(session_ids=[session.pk])
    session.starts_at -= timedelta(hours=3)
    session.ends_at -= timedelta(hours=3)
    session.save()
    assert services.reminders_reschedule_session(session_id=session.pk) == 2
    instants = set(DBTaskResult.objects.values_list("run_after", flat=True))
    assert session.starts_at - timedelta(hours=1) in instants
    assert session.starts_at - timedelta(hours=24) in instants
