"""Rules of requests and meetings: what must happen, and what bad input must not create."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings.models import Meeting, Request
from meetings.services import requests as services
from meetings.services.errors import MeetingError
from tests import factories


def _request(w, vendor=None, officer=None, slots=None, **kw):
    return services.request_create(
        registration=vendor or w.vendor,
        officer=officer or w.officer,
        purpose="Medical supplies for the regional office",
        slots=slots or [w.slots[0], w.slots[1]],
        **kw,
    )


def test_the_grid_cuts_windows_into_meetings_and_gaps(world):
    assert len(world.slots) == 6
    assert world.slots[1] - world.slots[0] == timedelta(minutes=30)
    first = world.slots[0].astimezone(world.seminar.zone)
    assert (first.hour, first.minute) == (9, 0)


def test_accepting_a_proposed_time_books_a_meeting_and_closes_the_request(world):
    request = _request(world)
    meeting = services.request_accept(request=request, starts_at=world.slots[1])
    assert meeting.starts_at == world.slots[1]
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=20)
    request.refresh_from_db()
    assert request.status == Request.Status.ACCEPTED


def test_in_person_meetings_get_the_first_free_table(world):
    a = _request(world, mode="in_person")
    b = _request(world, vendor=world.rival, officer=world.other, mode="in_person")
    m1 = services.request_accept(request=a, starts_at=world.slots[0])
    m2 = services.request_accept(request=b, starts_at=world.slots[0])
    assert (m1.table_number, m2.table_number) == (1, 2)
    third_vendor = factories.vendor_registration(world.seminar)
    c = _request(world, vendor=third_vendor, officer=world.colleague, mode="in_person")
    with pytest.raises(MeetingError, match="Every table is taken"):
        services.request_accept(request=c, starts_at=world.slots[0])
    assert Meeting.objects.count() == 2


@pytest.mark.parametrize(
    "purpose, message", [("x" * 501, "limited to 500"), ("   ", "Say briefly")]
)
def test_a_bad_purpose_is_refused_and_creates_nothing(world, purpose, message):
    with pytest.raises(MeetingError, match=message):
        services.request_create(
            registration=world.vendor,
            officer=world.officer,
            purpose=purpose,
            slots=[world.slots[0]],
        )
    assert not Request.objects.exists()


def test_a_purpose_of_exactly_500_characters_is_accepted(world):
    request = services.request_create(
        registration=world.vendor, officer=world.officer, purpose="x" * 500, slots=[world.slots[0]]
    )
    assert len(request.purpose) == 500


def test_times_outside_the_windows_or_more_than_three_are_refused(world):
    with pytest.raises(MeetingError, match="outside the meeting windows"):
        _request(world, slots=[world.slots[0] + timedelta(minutes=7)])
    with pytest.raises(MeetingError, match="one to three"):
        _request(world, slots=world.slots[:4])
    assert not Request.objects.exists()


def test_a_taken_slot_cannot_be_requested(world):
    services.request_accept(request=_request(world), starts_at=world.slots[0])
    with pytest.raises(MeetingError, match="already taken"):
        _request(world, vendor=world.rival, slots=[world.slots[0]])


def test_requests_before_opening_and_after_closing_are_refused(world):
    world.programme.requests_open_at = timezone.now() + timedelta(days=1)
    world.programme.save()
    with pytest.raises(MeetingError, match="not opened yet"):
        _request(world)
    world.programme.requests_open_at = timezone.now() - timedelta(days=2)
    world.programme.requests_close_at = timezone.now() - timedelta(days=1)
    world.programme.save()
    with pytest.raises(MeetingError, match="closed"):
        _request(world)
    assert not Request.objects.exists()


def test_a_request_beyond_the_vendors_cap_is_refused(world):
    world.programme.cap_per_vendor = 1
    world.programme.save()
    _request(world)
    with pytest.raises(MeetingError, match="the most this seminar allows"):
        _request(world, officer=world.other)
    assert Request.objects.count() == 1


def test_the_officers_daily_cap_is_enforced_on_accept(world):
    world.programme.cap_per_officer_per_day = 1
    world.programme.save()
    services.request_accept(request=_request(world), starts_at=world.slots[0])
    second = _request(world, vendor=world.rival, slots=[world.slots[2]])
    with pytest.raises(MeetingError, match="full"):
        services.request_accept(request=second, starts_at=world.slots[2])
    assert Meeting.objects.count() == 1


def test_propose_then_vendor_accepts_the_proposal(world):
    request = services.request_propose(request=_request(world), starts_at=world.slots[4])
    assert request.status == Request.Status.PROPOSED
    meeting = services.proposal_accept(request=request)
    assert meeting.starts_at == world.slots[4]


def test_decline_needs_a_reason_and_withdraw_cancels_an_accepted_meeting(world):
    request = _request(world)
    with pytest.raises(MeetingError, match="reason"):
        services.request_decline(request=request, reason=" ")
    services.request_accept(request=request, starts_at=world.slots[0])
    services.request_withdraw(request=request)
    meeting = Meeting.objects.get()
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.sequence == 1
    # The slot is free again.
    services.request_accept(
        request=_request(world, vendor=world.rival, slots=[world.slots[0]]),
        starts_at=world.slots[0],
    )


def test_the_database_refuses_a_second_meeting_for_the_same_officer_vendor_or_table(world):
    first = services.request_accept(
        request=_request(world, mode="in_person"), starts_at=world.slots[0]
    )
    other_request = _request(world, vendor=world.rival, officer=world.other)
    base = {
        "seminar": world.seminar,
        "request": other_request,
        "starts_at": first.starts_at,
        "ends_at": first.ends_at,
    }
    clashes = [
        {"officer": world.officer, "registration": world.rival},  # officer twice
        {"officer": world.other, "registration": world.vendor},  # vendor twice
        {
            "officer": world.other,
            "registration": world.rival,
            "table_number": 1,
            "mode": "in_person",
        },
    ]
    for clash in clashes:
        with pytest.raises(IntegrityError), transaction.atomic():
            Meeting.objects.create(**base, **clash)
    assert Meeting.objects.count() == 1


@pytest.mark.postgres
def test_on_postgresql_overlaps_off_the_grid_are_refused_too(world):
    first = services.request_accept(request=_request(world), starts_at=world.slots[0])
    other_request = _request(world, vendor=world.rival, officer=world.other)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            seminar=world.seminar,
            request=other_request,
            officer=world.officer,
            registration=world.rival,
            starts_at=first.starts_at + timedelta(minutes=10),
            ends_at=first.ends_at + timedelta(minutes=10),
        )
