"""Webhooks end to end: events queued after commit, POSTed by the task worker to a real
receiver on loopback, signed per Standard Webhooks, retried, logged, disabled."""

import base64
import hashlib
import hmac
import json

import pytest
from django.core import mail
from django.core.management import call_command

from api import signing
from api.models import WebhookDelivery, WebhookSubscription
from api.services import webhooks as services
from registration import services as registration_services
from tests.api.receiver import receiver
from tests.factories import registration_payload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _loopback(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOK_RETRY_DELAYS = (0, 0, 0)


def _run_worker() -> None:
    call_command("db_worker", batch=True, queue_name="default", verbosity=0)


def _published_verify(secret: str, headers: dict, body: bytes) -> bool:
    """The algorithm as Standard Webhooks publishes it, written out independently."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.{body.decode()}"
    expected = base64.b64encode(hmac.new(key, signed.encode(), hashlib.sha256).digest()).decode()
    return any(
        part.split(",", 1)[1] == expected for part in headers["webhook-signature"].split(" ")
    )


def _register(world, email="new@vendor.example", consents=None):
    payload = registration_payload(email=email, consents=consents or {})
    return registration_services.registration_apply(seminar=world["seminar"], payload=payload)


def test_receiver_failing_twice_then_succeeding_gets_one_success_after_three_attempts(world):
    with receiver([500, 503, 200]) as (url, got):
        subscription = services.webhook_subscription_create(
            seminar=world["seminar"],
            owner=world["organiser"],
            url=url,
            events=["registration.created"],
        )
        registration = _register(world)
        _run_worker()
    assert [r["status"] for r in got] == [500, 503, 200]
    successes = [r for r in got if r["status"] == 200]
    assert len(successes) == 1
    assert len({r["headers"]["webhook-id"] for r in got}) == 1
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.status == "succeeded" and delivery.attempts == 3
    assert [a.response_status for a in delivery.log.all()] == [500, 503, 200]
    headers = {k.lower(): v for k, v in successes[0]["headers"].items()}
    body = successes[0]["body"]
    assert _published_verify(subscription.secret, headers, body)
    signing.verify(subscription.secret, headers, body)
    event = json.loads(body)
    assert event["type"] == "registration.created"
    assert event["data"]["registration_id"] == registration.pk
    tampered = body.replace(b"registration.created", b"registration.updated")
    assert not _published_verify(subscription.secret, headers, tampered)
    with pytest.raises(signing.SignatureError):
        signing.verify(subscription.secret, headers, tampered)


def test_consent_events_carry_no_personal_data(world):
    with receiver([200, 200]) as (url, got):
        services.webhook_subscription_create(
            seminar=world["seminar"],
            owner=world["organiser"],
            url=url,
            events=["consent.granted", "consent.withdrawn"],
        )
        registration = _register(world, consents={world["unicef"].pk: True})
        registration_services.consent_update(
            registration=registration, answers={world["unicef"].pk: False}
        )
        _run_worker()
    events = [json.loads(r["body"]) for r in got]
    assert sorted(e["type"] for e in events) == ["consent.granted", "consent.withdrawn"]
    raw = b" ".join(r["body"] for r in got)
    for personal in (b"new@vendor.example", b"Sita", b"Kathmandu", b"+977"):
        assert personal not in raw
    assert {e["data"]["agency_id"] for e in events} == {world["unicef"].pk}


def test_repeated_failure_disables_the_subscription_and_emails_its_owner(world, settings):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    with receiver([500] * 10) as (url, got):
        subscription = services.webhook_subscription_create(
            seminar=world["seminar"],
            owner=world["organiser"],
            url=url,
            events=["registration.created"],
        )
        _register(world)
        _run_worker()
    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.disabled_at is not None
    assert len(got) == 3
    assert [m.to for m in mail.outbox if "Webhook disabled" in m.subject] == [
        [world["organiser"].email]
    ]


def test_redeliver_and_rotated_secrets_through_the_api(world, call):
    token = world["tokens"]["organiser"]
    slug = world["seminar"].slug
    with receiver([200, 200]) as (url, got):
        created = call(
            "post",
            f"/seminars/{slug}/webhooks",
            token,
            {"url": url, "events": ["registration.created"]},
        )
        assert created.status_code == 201, created.content
        hook = created.json()
        old_secret = hook["secret"]
        assert old_secret.startswith("whsec_")
        _register(world)
        _run_worker()
        rotated = call("post", f"/seminars/{slug}/webhooks/{hook['id']}/rotate-secret", token)
        new_secret = rotated.json()["secret"]
        deliveries = call("get", f"/seminars/{slug}/webhooks/{hook['id']}/deliveries", token)
        delivery = deliveries.json()[0]
        assert delivery["log"][0]["response_status"] == 200
        again = call(
            "post",
            f"/seminars/{slug}/webhooks/{hook['id']}/deliveries/{delivery['id']}/redeliver",
            token,
        )
        assert again.status_code == 202
        _run_worker()
    assert len(got) == 2 and got[0]["body"] == got[1]["body"]
    headers = {k.lower(): v for k, v in got[1]["headers"].items()}
    signing.verify(new_secret, headers, got[1]["body"])
    signing.verify(old_secret, headers, got[1]["body"])
    log = WebhookDelivery.objects.get(pk=delivery["id"]).log.all()
    assert [a.response_status for a in log] == [200, 200]


@pytest.mark.parametrize("who", ["unicef", "organiser_read_only"])
def test_only_an_organiser_token_with_webhooks_manage_may_manage_webhooks(world, call, who):
    from api.services.tokens import api_token_create

    tokens = dict(world["tokens"])
    tokens["organiser_read_only"] = api_token_create(
        user=world["organiser"],
        name="ro",
        scopes=["registrations:read"],
        days=1,
        seminar=world["seminar"],
    )[1]
    slug = world["seminar"].slug
    body = {"url": "https://example.org/hook", "events": ["consent.granted"]}
    assert call("post", f"/seminars/{slug}/webhooks", tokens[who], body).status_code == 403
    assert call("get", f"/seminars/{slug}/webhooks", tokens[who]).status_code == 403
    assert not WebhookSubscription.objects.exists()
    assert call("get", f"/seminars/{slug}/webhooks", tokens["organiser"]).status_code == 200


def test_private_addresses_are_refused_unless_allowed(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    with receiver([200]) as (url, got):
        subscription = services.webhook_subscription_create(
            seminar=world["seminar"],
            owner=world["organiser"],
            url=url,
            events=["registration.created"],
        )
        _register(world)
        _run_worker()
    assert got == []
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.log.first().error == "private address refused"


def _meetings(world):
    """A meetings programme (in person, two tables) and a UNICEF officer for the world."""
    from tests import factories

    programme = factories.meetings_programme(world["seminar"], in_person=True, tables=2)
    officer = factories.officer(
        world["seminar"], agency=world["unicef"], display_name="Officer Amara"
    )
    return programme, officer


def test_a_subscription_hears_a_meeting_requested_then_cancelled_without_personal_data(world):
    from meetings.selectors import slots_of
    from meetings.services import requests as meetings

    programme, officer = _meetings(world)
    slots = slots_of(programme)
    vendor = world["vendors"]["to_unicef"]
    with receiver([200, 200]) as (url, got):
        services.webhook_subscription_create(
            seminar=world["seminar"],
            owner=world["organiser"],
            url=url,
            events=["meeting.requested", "meeting.cancelled"],
        )
        request = meetings.request_create(
            registration=vendor,
            officer=officer,
            purpose="Cold chain equipment",
            slots=[slots[0], slots[2]],
            mode="in_person",
        )
        meeting = meetings.request_accept(request=request, starts_at=slots[2])
        meetings.meeting_cancel(meeting=meeting, reason="Flight cancelled")
        _run_worker()
    events = sorted((json.loads(r["body"]) for r in got), key=lambda e: e["timestamp"])
    assert [e["type"] for e in events] == ["meeting.requested", "meeting.cancelled"]
    requested, cancelled = (e["data"] for e in events)
    assert requested == {
        "request_id": request.pk,
        "meeting_id": None,
        "seminar": world["seminar"].slug,
        "status": "pending",
        "mode": "in_person",
        "table_number": None,
        "starts_at": None,
        "ends_at": None,
        "proposed_starts_at": None,
        "slots": [slots[0].isoformat(), slots[2].isoformat()],
        "agency_id": world["unicef"].pk,
        "registration_id": vendor.pk,
    }
    assert cancelled["meeting_id"] == meeting.pk and cancelled["status"] == "cancelled"
    assert cancelled["table_number"] == 1
    assert cancelled["starts_at"] == slots[2].isoformat()
    assert cancelled["ends_at"] == meeting.ends_at.isoformat()
    assert cancelled["starts_at"].endswith("+00:00")
    raw = b" ".join(r["body"] for r in got)
    for private in (
        b"a@vendor.example",
        b"Vendor to_unicef",
        b"Firm to_unicef",
        b"Officer Amara",
        officer.email.encode(),
        b"Cold chain",
        b"Flight cancelled",
    ):
        assert private not in raw


def test_meeting_events_follow_accept_move_propose_decline_and_withdraw(world):
    from meetings.selectors import slots_of
    from meetings.services import requests as meetings

    programme, officer = _meetings(world)
    slots = slots_of(programme)
    services.webhook_subscription_create(
        seminar=world["seminar"],
        owner=world["organiser"],
        url="https://crm.example/hook",
        events=["meeting.accepted", "meeting.changed", "meeting.cancelled"],
    )
    a, b, c = (world["vendors"][k] for k in ("to_unicef", "to_undp", "to_nobody"))

    def ask(vendor, slot):
        return meetings.request_create(
            registration=vendor, officer=officer, purpose="Tents", slots=[slot]
        )

    first = ask(a, slots[0])
    meeting = meetings.request_accept(request=first, starts_at=slots[0])
    meetings.meeting_move(meeting=meeting, starts_at=slots[3])
    second = meetings.request_propose(request=ask(b, slots[1]), starts_at=slots[4])
    meetings.request_decline(request=second, reason="No budget this year")
    third = meetings.request_withdraw(request=ask(c, slots[2]))
    seen = [
        (d.event_type, d.payload["data"]["request_id"], d.payload["data"]["status"])
        for d in WebhookDelivery.objects.order_by("pk")
    ]
    assert seen == [
        ("meeting.accepted", first.pk, "accepted"),
        ("meeting.changed", first.pk, "accepted"),
        ("meeting.changed", second.pk, "proposed"),
        ("meeting.cancelled", second.pk, "declined"),
        ("meeting.cancelled", third.pk, "withdrawn"),
    ]
    moved, proposed = WebhookDelivery.objects.filter(event_type="meeting.changed").order_by("pk")
    assert moved.payload["data"]["starts_at"] == slots[3].isoformat()
    assert moved.payload["data"]["mode"] == "online"
    assert proposed.payload["data"]["proposed_starts_at"] == slots[4].isoformat()


def test_the_openapi_event_enum_names_every_event_type():
    from typing import get_args

    from api.models import EVENT_TYPES
    from api.v1.webhooks import EventType

    assert get_args(EventType) == EVENT_TYPES
