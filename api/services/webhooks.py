"""Webhook subscriptions, their deliveries and attempts (Standard Webhooks signatures).

A delivery is POSTed by the task worker after the commit that caused it, retried with the
delays in settings.WEBHOOK_RETRY_DELAYS (about a day in all), and logged attempt by attempt.
A subscription that fails settings.WEBHOOK_DISABLE_AFTER_FAILURES attempts in a row is
disabled and its owner emailed.
"""

import ipaddress
import json
import logging
import socket
import time
import uuid
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api import signing
from api.models import EVENT_TYPES, WebhookAttempt, WebhookDelivery, WebhookSubscription
from ops import mail
from registration.permissions import can_manage_registrations
from seminars.models import Seminar

logger = logging.getLogger(__name__)
ROTATION_OVERLAP = timedelta(hours=24)
Status = WebhookDelivery.Status


TEST_EVENT = "webhook.test"
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
Reason = WebhookSubscription.DisabledReason


def _validate(url: str, events: list[str]) -> None:
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError as error:
        raise ValidationError("The URL must be an http(s) URL.") from error
    if not events or not set(events) <= set(EVENT_TYPES):
        raise ValidationError("Name one or more of: " + ", ".join(EVENT_TYPES) + ".")


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def webhook_url_require_https(url: str) -> None:
    """ValidationError (on ``url``) unless the URL is https; plain http only to a loopback
    host, and only where DEBUG or WEBHOOK_ALLOW_PRIVATE_URLS is on (development, tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    may_loopback = settings.DEBUG or settings.WEBHOOK_ALLOW_PRIVATE_URLS
    if parts.scheme == "http" and may_loopback and _is_loopback(parts.hostname or ""):
        return
    raise ValidationError(
        {"url": _("Use an https:// address: events carry registration data.")}, code="https"
    )


@transaction.atomic
def webhook_subscription_create(
    *, seminar: Seminar, owner: User, url: str, events: list[str], https_only: bool = False
) -> WebhookSubscription:
    """A new subscription with a fresh ``whsec_`` secret. ``https_only`` (the workspace page)
    applies ``webhook_url_require_https``; API v1 keeps accepting http, since tightening its
    validation would break its compatibility promise (docs/api.md, "Versions and changes")."""
    _validate(url, events)
    if https_only:
        webhook_url_require_https(url)
    return WebhookSubscription.objects.create(
        seminar=seminar,
        owner=owner,
        url=url,
        events=sorted(set(events)),
        secret=signing.new_secret(),
    )


@transaction.atomic
def webhook_secret_rotate(*, subscription: WebhookSubscription) -> WebhookSubscription:
    """A new secret; the old one keeps signing beside it for ROTATION_OVERLAP."""
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_expires_at = timezone.now() + ROTATION_OVERLAP
    subscription.secret = signing.new_secret()
    subscription.save()
    return subscription


@transaction.atomic
def webhook_subscription_enable(*, subscription: WebhookSubscription) -> WebhookSubscription:
    subscription.is_active = True
    subscription.disabled_at = None
    subscription.disabled_reason = ""
    subscription.consecutive_failures = 0
    subscription.save()
    return subscription


@transaction.atomic
def webhook_subscription_disable(*, subscription: WebhookSubscription) -> WebhookSubscription:
    """An organiser stops a subscription; pending deliveries are then skipped (not failed)."""
    _disable(subscription, reason=Reason.ORGANISER, notify=False)
    subscription.refresh_from_db()
    return subscription


@transaction.atomic
def webhook_test_send(*, subscription: WebhookSubscription) -> WebhookDelivery:
    """Queue one ``webhook.test`` delivery to this subscription alone, whatever events it
    chose (signed and logged as any other); refused while it is disabled. Queued after
    commit."""
    if not subscription.is_active:
        raise ValidationError(_("Enable the webhook before sending a test event."))
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        message_id=f"msg_{uuid.uuid4().hex}",
        event_type=TEST_EVENT,
        payload={
            "type": TEST_EVENT,
            "timestamp": now.isoformat(),
            "data": {"webhook_id": subscription.pk, "seminar_id": subscription.seminar_id},
        },
        next_attempt_at=now,
    )
    _enqueue(delivery.pk)
    return delivery


@transaction.atomic
def webhook_subscription_delete(*, subscription: WebhookSubscription) -> None:
    subscription.delete()


def _enqueue(delivery_id: int, *, delay: float = 0) -> None:
    """Queue the delivery's next attempt once the current transaction commits."""
    from api.tasks import deliver_webhook

    run_after = timezone.now() + timedelta(seconds=delay)
    task = deliver_webhook.using(run_after=run_after)
    transaction.on_commit(partial(task.enqueue, delivery_id))


def webhook_deliveries_create(*, seminar_id: int, event_type: str, payload: dict) -> int:
    """One delivery per active subscription of the seminar to ``event_type``; each is queued
    after commit. Runs inside the caller's transaction."""
    count = 0
    subscriptions = WebhookSubscription.objects.filter(seminar_id=seminar_id, is_active=True)
    # Filtered here, not with a JSON lookup: SQLite has no JSON containment.
    for subscription in [s for s in subscriptions if event_type in s.events]:
        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            message_id=f"msg_{uuid.uuid4().hex}",
            event_type=event_type,
            payload=payload,
            next_attempt_at=timezone.now(),
        )
        _enqueue(delivery.pk)
        count += 1
    return count


@transaction.atomic
def webhook_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now (its log keeps every earlier attempt)."""
    delivery.status = Status.PENDING
    delivery.finished_at = None
    delivery.next_attempt_at = timezone.now()
    delivery.save()
    _enqueue(delivery.pk)
    return delivery


def _refused_address(url: str) -> str:
    """Why the URL's host may not be posted to ('' if it may): no loopback, private or
    link-local targets unless settings allow them (server-side request forgery)."""
    if settings.WEBHOOK_ALLOW_PRIVATE_URLS:
        return ""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return "host not found"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return "private address refused"
    return ""


def _post(subscription: WebhookSubscription, delivery: WebhookDelivery) -> tuple[int | None, str]:
    refused = _refused_address(subscription.url)
    if refused:
        return None, refused
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    keys = [subscription.secret]
    expires = subscription.previous_secret_expires_at
    if subscription.previous_secret and expires and expires > timezone.now():
        keys.append(subscription.previous_secret)
    headers = signing.headers(keys, delivery.message_id, int(time.time()), body)
    try:
        response = requests.post(
            subscription.url,
            data=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        return None, type(error).__name__
    return response.status_code, ""


def webhook_delivery_attempt(*, delivery_id: int) -> str:
    """POST a pending delivery once and log it; schedule the next try or give up. The
    request is made outside any transaction (no row stays locked while a receiver thinks)."""
    delivery = (
        WebhookDelivery.objects.select_related("subscription__seminar", "subscription__owner")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status != Status.PENDING:
        return "skipped"
    subscription = delivery.subscription
    if not subscription.is_active:
        return "inactive"
    owner = subscription.owner
    if owner is None or not can_manage_registrations(owner, subscription.seminar):
        # The subscription speaks for its owner: without their role it stops at once.
        _disable(subscription, reason=Reason.OWNER_LOST, notify=False)
        return "owner-lost"
    status_code, error = _post(subscription, delivery)
    return _record(delivery.pk, status_code, error)


@transaction.atomic
def _record(delivery_id: int, status_code: int | None, error: str) -> str:
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
    subscription = WebhookSubscription.objects.select_for_update().get(pk=delivery.subscription_id)
    WebhookAttempt.objects.create(delivery=delivery, response_status=status_code, error=error)
    delivery.attempts += 1
    now = timezone.now()
    if status_code is not None and 200 <= status_code < 300:
        delivery.status, delivery.finished_at = Status.SUCCEEDED, now
        delivery.next_attempt_at = None
        subscription.consecutive_failures = 0
        subscription.save(update_fields=["consecutive_failures"])
        delivery.save()
        return "succeeded"
    delays = settings.WEBHOOK_RETRY_DELAYS
    if delivery.attempts <= len(delays):
        delay = delays[delivery.attempts - 1]
        delivery.next_attempt_at = now + timedelta(seconds=delay)
        _enqueue(delivery.pk, delay=delay)
    else:
        delivery.status, delivery.finished_at = Status.FAILED, now
        delivery.next_attempt_at = None
    delivery.save()
    subscription.consecutive_failures += 1
    subscription.save(update_fields=["consecutive_failures"])
    if subscription.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES:
        _disable(subscription, reason=Reason.FAILURES, notify=True)
    return "failed"


def _disable(subscription: WebhookSubscription, *, reason: str, notify: bool) -> None:
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        is_active=False, disabled_at=timezone.now(), disabled_reason=reason
    )
    if notify and subscription.owner and subscription.owner.email:
        transaction.on_commit(partial(_email_disabled, subscription.pk))


def _email_disabled(subscription_id: int) -> None:
    subscription = WebhookSubscription.objects.select_related("owner", "seminar").get(
        pk=subscription_id
    )
    owner = subscription.owner
    if owner is None:
        return
    mail.message_build(
        subject=_("Webhook disabled: %(seminar)s") % {"seminar": subscription.seminar.title},
        body=_(
            "Your webhook to %(url)s failed %(count)d times in a row and has been disabled. "
            "Fix the receiver, then enable it again on the seminar's Webhooks page of the "
            "organiser workspace or through the API; the delivery log lists each attempt's "
            "response code."
        )
        % {"url": subscription.url, "count": subscription.consecutive_failures},
        to=[owner.email],
    ).send()
