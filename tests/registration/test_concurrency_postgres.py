"""300 simultaneous in-room registrations for 100 places on PostgreSQL: never overbooked."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from registration import services
from registration.models import Person, Registration
from registration.services.tokens import sign_in_token_create
from tests import factories
from tests.factories import registration_payload

VENDORS = 300
PLACES = 100
# Each thread opens its own connection; PostgreSQL allows 100 by default and other test runs
# share the server, so at most this many run at once (all 300 are started together).
CONNECTIONS = 24


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_300_simultaneous_in_room_registrations_fill_100_places_and_wait_200():
    seminar = factories.SeminarFactory(
        registration_opens_at=timezone.now() - timedelta(days=1), in_room_capacity=PLACES
    )
    raws = []
    for i in range(VENDORS):
        _token, raw = sign_in_token_create(
            email=f"v{i}@load.example",
            seminar=seminar,
            payload=registration_payload(
                email=f"v{i}@load.example",
                full_name=f"Vendor {i}",
                attendance_mode="in_room",
                company={"legal_name": f"Firm {i}", "national_registration_number": f"N{i}"},
            ),
        )
        raws.append(raw)
    gate = threading.Semaphore(CONNECTIONS)
    start = threading.Barrier(VENDORS)
    errors: list[BaseException] = []

    def worker(raw: str) -> None:
        start.wait()
        with gate:
            try:
                services.link_use(raw_token=raw)
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                connection.close()

    threads = [threading.Thread(target=worker, args=(raw,)) for raw in raws]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    registrations = Registration.objects.filter(seminar=seminar)
    assert registrations.count() == VENDORS
    assert Person.objects.count() == VENDORS
    assert registrations.filter(status="confirmed", attendance_mode="in_room").count() == PLACES
    assert registrations.filter(status="waiting").count() == VENDORS - PLACES
    assert len(set(registrations.values_list("check_in_code", flat=True))) == VENDORS

    first_waiting = registrations.filter(status="waiting").order_by("waiting_since", "pk").first()
    leaving = registrations.filter(status="confirmed").first()
    mail.outbox.clear()
    promoted = services.registration_cancel(registration=leaving)
    assert [r.pk for r in promoted] == [first_waiting.pk]
    first_waiting.refresh_from_db()
    assert first_waiting.status == "confirmed"
    assert registrations.filter(status="confirmed").count() == PLACES
    assert first_waiting.person.email in [m.to[0] for m in mail.outbox]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_links_for_one_email_and_one_firm_make_one_record_each():
    seminar = factories.SeminarFactory(registration_opens_at=timezone.now() - timedelta(days=1))
    # A newer link for one address and seminar replaces the older, so the same person's
    # simultaneous links are for eight seminars.
    seminars = [seminar] + [
        factories.SeminarFactory(registration_opens_at=timezone.now() - timedelta(days=1))
        for _ in range(7)
    ]
    raws = [
        sign_in_token_create(
            email="same@firm.example",
            seminar=seminars[i],
            payload=registration_payload(
                email="same@firm.example",
                full_name=f"Same Person {i}",
                company={"national_registration_number": "ONE-FIRM"},
            ),
        )[1]
        for i in range(8)
    ] + [
        sign_in_token_create(
            email=f"colleague{i}@firm.example",
            seminar=seminar,
            payload=registration_payload(
                email=f"colleague{i}@firm.example",
                company={"national_registration_number": "ONE-FIRM"},
            ),
        )[1]
        for i in range(8)
    ]
    start = threading.Barrier(len(raws))
    errors: list[BaseException] = []

    def worker(raw: str) -> None:
        start.wait()
        try:
            services.link_use(raw_token=raw)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(raw,)) for raw in raws]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Person.objects.filter(email="same@firm.example").count() == 1
    assert Registration.objects.filter(person__email="same@firm.example").count() == 8
    assert Registration.objects.filter(seminar=seminar).count() == 9
    from registration.models import Company, CompanyClaim

    # One company holds the number; whoever came second waits, on their own record, for a
    # member or the organiser to confirm them (registration/services/company.py).
    holder = Company.objects.get(national_registration_number="ONE-FIRM", is_claim=False)
    members = set(holder.people.values_list("email", flat=True))
    claims = CompanyClaim.objects.filter(company=holder)
    assert len(members) == 1 and claims.count() == 8
    assert {c.person.email for c in claims} | members == {"same@firm.example"} | {
        f"colleague{i}@firm.example" for i in range(8)
    }
    assert all(c.claimant_company.is_claim for c in claims)
