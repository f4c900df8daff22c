"""What other apps call when something a webhook subscriber may hear of happens.

Payloads are thin on purpose: ids, states and instants, never a name, email or company. A
subscriber fetches details through the API with its own token, where the same permission
rules as the pages apply; so a consent event tells nobody anything they may not see.
"""

from django.utils import timezone

from api.models import EVENT_TYPES


def emit(*, seminar_id: int, event_type: str, data: dict) -> int:
    """Queue ``event_type`` for the seminar's active subscriptions to it (tasks run after
    commit). Returns how many deliveries were queued."""
    assert event_type in EVENT_TYPES, event_type
    from api.services.webhooks import webhook_deliveries_create

    return webhook_deliveries_create(
        seminar_id=seminar_id,
        event_type=event_type,
        payload={"type": event_type, "timestamp": timezone.now().isoformat(), "data": data},
    )


def registration_changed(registration, event_type: str) -> int:
    return emit(
        seminar_id=registration.seminar_id,
        event_type=event_type,
        data={
            "registration_id": registration.pk,
            "status": registration.status,
            "attendance_mode": registration.attendance_mode,
        },
    )


def consent_changed(*, registration, agency_id: int, granted: bool, at) -> int:
    return emit(
        seminar_id=registration.seminar_id,
        event_type="consent.granted" if granted else "consent.withdrawn",
        data={"registration_id": registration.pk, "agency_id": agency_id, "at": at.isoformat()},
    )


def session_changed(change) -> int:
    return emit(
        seminar_id=change.seminar_id,
        event_type="session.changed",
        data={
            "session_id": change.session_id,
            "field": change.field,
            "old_starts_at": change.old_starts_at.isoformat() if change.old_starts_at else None,
            "new_starts_at": change.new_starts_at.isoformat() if change.new_starts_at else None,
        },
    )


def question_answered(question, seminar_id: int) -> int:
    return emit(
        seminar_id=seminar_id,
        event_type="question.answered",
        data={
            "question_id": question.pk,
            "session_id": question.session_id,
            "answered_live": question.answered_live,
        },
    )


def meeting_changed(request, event_type: str, meeting=None) -> int:
    """A one-on-one meeting request or meeting: ``meeting.requested`` (no meeting yet),
    ``.accepted``, ``.changed`` (moved, or another time proposed) or ``.cancelled`` (the
    request's ``status`` tells declined, withdrawn and cancelled apart). The vendor is its
    registration id, the officer only their agency; no purpose, reason, name or email."""

    def iso(moment):
        return moment.isoformat() if moment else None

    return emit(
        seminar_id=request.seminar_id,
        event_type=event_type,
        data={
            "request_id": request.pk,
            "meeting_id": meeting.pk if meeting else None,
            "seminar": request.seminar.slug,
            "status": request.status,
            "mode": meeting.mode if meeting else request.mode,
            "table_number": meeting.table_number if meeting else None,
            "starts_at": iso(meeting.starts_at) if meeting else None,
            "ends_at": iso(meeting.ends_at) if meeting else None,
            "proposed_starts_at": iso(request.proposed_starts_at),
            "slots": list(request.slots),
            "agency_id": request.officer.agency_id,
            "registration_id": request.registration_id,
        },
    )
