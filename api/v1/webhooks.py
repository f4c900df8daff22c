"""Webhook subscriptions of a seminar (``webhooks:manage``, its organisers): create, list,
rotate the secret, enable, delete; the delivery log and redelivery."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Path, Router, Schema, Status
from pydantic import Field

from api import permissions, selectors
from api.auth import token_auth, token_of
from api.models import WebhookDelivery
from api.problems import forbidden, not_found
from api.services import webhooks as services
from api.v1.common import ID_MAX, visible_seminar

router = Router(tags=["webhooks"], auth=token_auth)

EventType = Literal[
    "registration.created",
    "registration.updated",
    "registration.cancelled",
    "consent.granted",
    "consent.withdrawn",
    "session.changed",
    "question.answered",
    "meeting.requested",
    "meeting.accepted",
    "meeting.changed",
    "meeting.cancelled",
]


class WebhookIn(Schema):
    url: str = Field(max_length=500, description="http(s) URL that receives the POSTs.")
    events: list[EventType] = Field(min_length=1, max_length=11)


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    is_active: bool
    consecutive_failures: int
    disabled_at: datetime | None
    created_at: datetime


class WebhookSecretOut(WebhookOut):
    secret: str = Field(description="whsec_…: verify signatures with it (Standard Webhooks).")


class AttemptOut(Schema):
    at: datetime
    response_status: int | None
    error: str


class DeliveryOut(Schema):
    id: int
    message_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    finished_at: datetime | None
    payload: dict
    log: list[AttemptOut]


def _seminar(request: HttpRequest, slug: str):
    seminar = visible_seminar(request, slug)
    if not permissions.can_organise(request.user, token_of(request), seminar, "webhooks:manage"):
        raise forbidden()
    return seminar


def _subscription(request: HttpRequest, slug: str, webhook_id: int):
    subscription = selectors.webhook_of(_seminar(request, slug), webhook_id)
    if subscription is None:
        raise not_found("No such webhook.")
    return subscription


def _out(subscription, *, secret: bool = False) -> dict:
    data = {
        "id": subscription.pk,
        "url": subscription.url,
        "events": subscription.events,
        "is_active": subscription.is_active,
        "consecutive_failures": subscription.consecutive_failures,
        "disabled_at": subscription.disabled_at,
        "created_at": subscription.created_at,
    }
    if secret:
        data["secret"] = subscription.secret
    return data


def _delivery(delivery: WebhookDelivery) -> dict:
    return {
        "id": delivery.pk,
        "message_id": delivery.message_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "created_at": delivery.created_at,
        "finished_at": delivery.finished_at,
        "payload": delivery.payload,
        "log": [
            {"at": a.at, "response_status": a.response_status, "error": a.error}
            for a in delivery.log.all()
        ],
    }


Slug = Path(max_length=50)
WebhookId = Path(ge=1, le=ID_MAX)


@router.get("/seminars/{slug}/webhooks", response=list[WebhookOut], operation_id="webhooks_list")
def webhooks_list(request: HttpRequest, slug: str = Slug):
    return [_out(s) for s in selectors.webhooks_of(_seminar(request, slug))]


@router.post(
    "/seminars/{slug}/webhooks",
    response={201: WebhookSecretOut},
    operation_id="webhook_create",
)
def webhook_create(request: HttpRequest, body: WebhookIn, slug: str = Slug):
    """Subscribe a URL to events; the answer carries the signing secret."""
    subscription = services.webhook_subscription_create(
        seminar=_seminar(request, slug),
        owner=request.user,  # type: ignore[arg-type]
        url=body.url,
        events=list(body.events),
    )
    return Status(201, _out(subscription, secret=True))


@router.get(
    "/seminars/{slug}/webhooks/{webhook_id}",
    response=WebhookSecretOut,
    operation_id="webhook_get",
)
def webhook_get(request: HttpRequest, slug: str = Slug, webhook_id: int = WebhookId):
    return _out(_subscription(request, slug, webhook_id), secret=True)


@router.delete(
    "/seminars/{slug}/webhooks/{webhook_id}", response={204: None}, operation_id="webhook_delete"
)
def webhook_delete(request: HttpRequest, slug: str = Slug, webhook_id: int = WebhookId):
    services.webhook_subscription_delete(subscription=_subscription(request, slug, webhook_id))
    return Status(204, None)


@router.post(
    "/seminars/{slug}/webhooks/{webhook_id}/rotate-secret",
    response=WebhookSecretOut,
    operation_id="webhook_rotate_secret",
)
def webhook_rotate_secret(request: HttpRequest, slug: str = Slug, webhook_id: int = WebhookId):
    """A new secret; the previous one keeps signing beside it for 24 hours."""
    subscription = services.webhook_secret_rotate(
        subscription=_subscription(request, slug, webhook_id)
    )
    return _out(subscription, secret=True)


@router.post(
    "/seminars/{slug}/webhooks/{webhook_id}/enable",
    response=WebhookOut,
    operation_id="webhook_enable",
)
def webhook_enable(request: HttpRequest, slug: str = Slug, webhook_id: int = WebhookId):
    """Turn a subscription disabled after repeated failures back on."""
    subscription = services.webhook_subscription_enable(
        subscription=_subscription(request, slug, webhook_id)
    )
    return _out(subscription)


@router.get(
    "/seminars/{slug}/webhooks/{webhook_id}/deliveries",
    response=list[DeliveryOut],
    operation_id="webhook_deliveries",
)
def webhook_deliveries(request: HttpRequest, slug: str = Slug, webhook_id: int = WebhookId):
    """The latest 100 deliveries with every attempt's response code."""
    subscription = _subscription(request, slug, webhook_id)
    return [_delivery(d) for d in selectors.deliveries_of(subscription)]


@router.post(
    "/seminars/{slug}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    response={202: DeliveryOut},
    operation_id="webhook_redeliver",
)
def webhook_redeliver(
    request: HttpRequest,
    slug: str = Slug,
    webhook_id: int = WebhookId,
    delivery_id: int = Path(ge=1, le=ID_MAX),
):
    subscription = _subscription(request, slug, webhook_id)
    delivery = selectors.delivery_of(subscription, delivery_id)
    if delivery is None:
        raise not_found("No such delivery.")
    return Status(202, _delivery(services.webhook_redeliver(delivery=delivery)))
