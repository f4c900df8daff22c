"""The meetings pages: who sees what (both ways), the exact accessible names, and query counts."""

import pytest
from django.urls import reverse

from meetings.models import Meeting, Request
from meetings.services import requests as services
from tests import factories


def _url(name, w, *args):
    return reverse(f"meetings:{name}", args=[w.seminar.slug, *args])


def _request(w, vendor=None, officer=None, slot=0):
    return services.request_create(
        registration=vendor or w.vendor,
        officer=officer or w.officer,
        purpose=f"Purpose of {(vendor or w.vendor).pk}",
        slots=[w.slots[slot]],
    )


def test_a_vendor_requests_a_meeting_through_the_form(client, world):
    client.force_login(world.vendor.person.user)
    page = client.get(_url("request", world, world.officer.pk))
    assert "Request a meeting" in page.text
    response = client.post(
        _url("request", world, world.officer.pk),
        {"purpose": "Syringes", "slots": [world.slots[0].isoformat()], "mode": "online"},
    )
    assert response.status_code == 302
    assert Request.objects.get().purpose == "Syringes"


def test_a_too_long_purpose_gets_a_message_and_creates_nothing(client, world):
    client.force_login(world.vendor.person.user)
    response = client.post(
        _url("request", world, world.officer.pk),
        {"purpose": "x" * 501, "slots": [world.slots[0].isoformat()], "mode": "online"},
    )
    assert response.status_code == 400
    assert "at most 500 characters" in response.text
    assert not Request.objects.exists()


def test_a_vendor_never_sees_another_vendors_requests(client, world):
    theirs = _request(world, vendor=world.rival)
    mine = _request(world, officer=world.other)
    client.force_login(world.vendor.person.user)
    page = client.get(_url("mine", world))
    assert mine.purpose in page.text and theirs.purpose not in page.text
    assert client.post(_url("withdraw", world, theirs.pk)).status_code == 404
    meeting = services.request_accept(request=theirs, starts_at=world.slots[0])
    assert client.post(_url("vendor_cancel", world, meeting.pk)).status_code == 404
    assert client.get(_url("inbox", world)).status_code == 403
    assert client.get(reverse("meetings:grid", args=[world.seminar.slug])).status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == "accepted"


def test_an_officer_sees_only_their_agencys_requests_and_answers_only_their_own(client, world):
    to_me = _request(world)
    to_colleague = _request(world, vendor=world.rival, officer=world.colleague, slot=1)
    to_other_agency = _request(
        world, vendor=factories.vendor_registration(world.seminar), officer=world.other
    )
    client.force_login(world.officer.user)
    page = client.get(_url("inbox", world))
    assert to_me.purpose in page.text and to_colleague.purpose in page.text
    assert to_other_agency.purpose not in page.text
    for target in (to_colleague, to_other_agency):
        response = client.post(_url("accept", world, target.pk), {"starts_at": target.slots[0]})
        assert response.status_code in (403, 404)
    assert not Meeting.objects.exists()
    assert client.get(_url("mine", world)).status_code == 403
    assert client.get(reverse("meetings:grid", args=[world.seminar.slug])).status_code == 403


def test_the_officer_accepts_proposes_and_declines_with_the_exact_names(client, world):
    a, b = _request(world), _request(world, vendor=world.rival, slot=1)
    c = _request(world, vendor=factories.vendor_registration(world.seminar), slot=2)
    client.force_login(world.officer.user)
    page = client.get(_url("inbox", world)).text
    for name in ("Accept", "Propose another time", "Decline", "Download my schedule (PDF)"):
        assert f">{name}<" in page
    client.post(_url("accept", world, a.pk), {"starts_at": a.slots[0]})
    client.post(_url("propose", world, b.pk), {"starts_at": world.slots[4].isoformat()})
    client.post(_url("decline", world, c.pk), {"reason": "Not a category we buy"})
    statuses = dict(Request.objects.values_list("pk", "status"))
    assert statuses == {a.pk: "accepted", b.pk: "proposed", c.pk: "declined"}
    assert ">Cancel meeting<" in client.get(_url("inbox", world)).text


def test_only_organisers_see_the_grid_and_may_cancel(client, world):
    meeting = services.request_accept(request=_request(world), starts_at=world.slots[0])
    grid = reverse("meetings:grid", args=[world.seminar.slug])
    cancel = reverse("meetings:grid_cancel", args=[world.seminar.slug, meeting.pk])
    client.force_login(world.vendor.person.user)
    assert client.post(cancel).status_code == 403
    client.force_login(world.organiser)
    assert client.get(grid).status_code == 200
    assert client.post(cancel).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"


def test_the_organiser_moves_a_meeting_and_a_taken_time_is_refused(client, world):
    first = services.request_accept(request=_request(world), starts_at=world.slots[0])
    services.request_accept(
        request=_request(world, vendor=world.rival, slot=1), starts_at=world.slots[1]
    )
    client.force_login(world.organiser)
    move = reverse("meetings:move", args=[world.seminar.slug, first.pk])
    client.post(move, {"starts_at": world.slots[1].isoformat()})
    first.refresh_from_db()
    assert first.starts_at == world.slots[0] and first.sequence == 0
    client.post(move, {"starts_at": world.slots[3].isoformat()})
    first.refresh_from_db()
    assert first.starts_at == world.slots[3] and first.sequence == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for name in ("officers", "mine", "inbox"):
        assert client.get(_url(name, world)).status_code == 302


# --- query counts ---


def _officers(w, n):
    for i in range(n):
        factories.officer(w.seminar, unspsc_codes=["42", "4213"] if i % 2 else ["43"])


@pytest.mark.parametrize("extra", [2, 20])
def test_officer_list_queries_do_not_grow_with_officers(
    client, world, django_assert_num_queries, extra
):
    _officers(world, extra)
    client.force_login(world.vendor.person.user)
    with django_assert_num_queries(8):
        assert client.get(_url("officers", world)).status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_vendor_schedule_queries_do_not_grow_with_meetings(
    client, world, django_assert_num_queries, count
):
    world.programme.cap_per_vendor = 5
    world.programme.save()
    officers = [world.officer, world.other, world.colleague]
    for i in range(count):
        services.request_accept(
            request=_request(world, officer=officers[i], slot=i), starts_at=world.slots[i]
        )
    client.force_login(world.vendor.person.user)
    with django_assert_num_queries(8):
        assert client.get(_url("mine", world)).status_code == 200


def _fill_grid(w, officers: int, vendors: int, per_officer: int):
    """``per_officer`` meetings for each of ``officers`` new officers: the k-th at slot k, with
    vendor (officer + officers * k) mod vendors, so nobody is booked twice at one time."""
    from datetime import timedelta

    from meetings.models import Officer

    agency = factories.AgencyFactory()
    users = factories.UserFactory.create_batch(officers)
    staff = Officer.objects.bulk_create(
        Officer(seminar=w.seminar, user=u, agency=agency, display_name=f"O{u.pk}", email=u.email)
        for u in users
    )
    regs = [factories.vendor_registration(w.seminar, n=10_000 + i) for i in range(vendors)]
    pairs = [
        (officer, regs[(o + officers * k) % vendors], w.slots[k])
        for o, officer in enumerate(staff)
        for k in range(per_officer)
    ]
    requests = Request.objects.bulk_create(
        Request(seminar=w.seminar, officer=o, registration=v, purpose="p", status="accepted")
        for o, v, _s in pairs
    )
    length = timedelta(minutes=w.programme.meeting_minutes)
    Meeting.objects.bulk_create(
        Meeting(
            seminar=w.seminar, request=r, officer=o, registration=v, starts_at=s, ends_at=s + length
        )
        for r, (o, v, s) in zip(requests, pairs, strict=True)
    )


GRID_QUERIES = 8


@pytest.mark.parametrize("officers, vendors", [(3, 6), (12, 30)])
def test_grid_queries_are_the_same_at_two_sizes(
    client, world, django_assert_num_queries, officers, vendors
):
    _fill_grid(world, officers, vendors, per_officer=2)
    client.force_login(world.organiser)
    with django_assert_num_queries(GRID_QUERIES):
        response = client.get(reverse("meetings:grid", args=[world.seminar.slug]))
    assert response.text.count(">Cancel meeting<") == officers * 2


@pytest.mark.slow
def test_grid_of_50_officers_300_vendors_and_1200_meetings_has_fixed_queries(
    client, world, django_assert_num_queries
):
    from datetime import time

    from meetings.selectors import slots_of
    from meetings.services.programme import window_add

    window_add(programme=world.programme, day=world.seminar.ends_on, start=time(8), end=time(20))
    world.slots = slots_of(world.programme)
    assert len(world.slots) >= 24
    _fill_grid(world, 50, 300, per_officer=24)
    assert Meeting.objects.filter(seminar=world.seminar).count() == 1200
    client.force_login(world.organiser)
    with django_assert_num_queries(GRID_QUERIES):
        response = client.get(reverse("meetings:grid", args=[world.seminar.slug]))
    assert response.text.count(">Cancel meeting<") == 1200
