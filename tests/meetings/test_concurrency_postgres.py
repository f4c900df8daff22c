"""On PostgreSQL, simultaneous writes never double-book or exceed a cap (issue 17)."""

import threading

import pytest
from django.db import connection

from meetings.models import Meeting, Request
from meetings.services import requests as services
from meetings.services.errors import MeetingError
from tests import factories

N = 100
# PostgreSQL allows 100 connections and other runs share the server: at most this many at once
# (all 100 threads start together at the barrier and queue at the gate).
CONNECTIONS = 24


def _race(jobs) -> tuple[int, list[BaseException]]:
    gate = threading.Semaphore(CONNECTIONS)
    start = threading.Barrier(len(jobs))
    refused: list[int] = []
    errors: list[BaseException] = []

    def worker(job):
        start.wait()
        with gate:
            try:
                job()
            except MeetingError:
                refused.append(1)
            except BaseException as error:  # noqa: BLE001 - reported by the assertion
                errors.append(error)
            finally:
                connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(refused), errors


@pytest.fixture
def busy(world):
    world.programme.cap_per_officer_per_day = N
    world.programme.save()
    return world


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_100_simultaneous_accepts_of_the_same_slot_make_exactly_one_meeting(busy):
    w = busy
    requests = [
        services.request_create(
            registration=factories.vendor_registration(w.seminar, n=1000 + i),
            officer=w.officer,
            purpose="Vaccines cold chain",
            slots=[w.slots[0]],
        )
        for i in range(N)
    ]
    jobs = [lambda r=r: services.request_accept(request=r, starts_at=w.slots[0]) for r in requests]
    refused, errors = _race(jobs)
    assert errors == []
    assert Meeting.objects.filter(officer=w.officer, status="active").count() == 1
    assert refused == N - 1
    assert Request.objects.filter(status="accepted").count() == 1


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_100_simultaneous_requests_by_one_vendor_stop_at_the_cap(busy):
    w = busy
    cap = w.programme.cap_per_vendor
    officers = [factories.officer(w.seminar) for _ in range(N)]
    jobs = [
        lambda o=o: services.request_create(
            registration=w.vendor, officer=o, purpose="Water pumps", slots=[w.slots[0]]
        )
        for o in officers
    ]
    refused, errors = _race(jobs)
    assert errors == []
    assert Request.objects.filter(registration=w.vendor).count() == cap == 3
    assert refused == N - cap
