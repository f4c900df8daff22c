"""Reads of the API app. Registrations and leads come from registration's selectors and
exports' filters, so the API lists exactly what the pages and exports list."""

import base64
import binascii
import json
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from api.models import ApiToken, WebhookDelivery, WebhookSubscription
from live.models import Attendance, Question
from registration import exports
from registration import selectors as registration_selectors
from registration.models import ConsentEvent, Registration
from seminars.models import Organization, Seminar, Session


class CursorError(ValueError):
    pass


def cursor_encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def cursor_decode(cursor: str, length: int) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise CursorError("The cursor is not one this API returned.") from error
    if not isinstance(values, list) or len(values) != length:
        raise CursorError("The cursor is not one this API returned.")
    return values


def public_seminars() -> QuerySet[Seminar]:
    return (
        Seminar.objects.filter(status__in=Seminar.PUBLIC_STATUSES)
        .select_related("host")
        .order_by("starts_on", "pk")
    )


def seminar_by_slug(slug: str) -> Seminar | None:
    return Seminar.objects.select_related("host").filter(slug=slug).first()


def seminar_sessions(seminar: Seminar) -> list[Session]:
    return list(seminar.sessions.prefetch_related("agencies").order_by("starts_at", "track", "pk"))


def session_of(seminar: Seminar, session_id: int) -> Session | None:
    return Session.objects.filter(seminar=seminar, pk=session_id).first()


def seminar_agencies(seminar: Seminar) -> QuerySet[Organization]:
    return registration_selectors.seminar_agencies_by_acronym(seminar)


def registrations_page(
    seminar: Seminar,
    *,
    filters: dict,
    updated_since: datetime | None,
    after: list | None,
    limit: int,
) -> tuple[list[Registration], list | None]:
    """One page of the attendee export's rows, oldest change first; and the next cursor."""
    queryset = exports.apply_filters(
        Registration.objects.filter(seminar=seminar, anonymised_at__isnull=True), filters
    )
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if updated_since is not None:
        queryset = queryset.filter(updated_at__gt=updated_since)
    if after is not None:
        moment = datetime.fromisoformat(after[0])
        queryset = queryset.filter(
            Q(updated_at__gt=moment) | Q(updated_at=moment, pk__gt=int(after[1]))
        )
    rows = list(
        queryset.select_related("person", "company")
        .prefetch_related("sessions")
        .order_by("updated_at", "pk")[: limit + 1]
    )
    shared = registration_selectors.shared_with_by_registration([r.pk for r in rows[:limit]])
    consents = _consented_ids([r.pk for r in rows[:limit]])
    for row in rows[:limit]:
        row.shared_with = shared.get(row.pk, [])
        row.consented_agency_ids = consents.get(row.pk, [])
    if len(rows) > limit:
        last = rows[limit - 1]
        return rows[:limit], [last.updated_at.isoformat(), last.pk]
    return rows, None


def _consented_ids(registration_ids: list[int]) -> dict[int, list[int]]:
    from registration.models import AgencyConsent

    found: dict[int, list[int]] = {}
    for reg_id, agency_id in AgencyConsent.objects.filter(
        registration_id__in=registration_ids, granted=True
    ).values_list("registration_id", "agency_id"):
        found.setdefault(reg_id, []).append(agency_id)
    return found


def registration_of(seminar: Seminar, registration_id: int) -> Registration | None:
    return (
        Registration.objects.select_related("person", "company")
        .filter(seminar=seminar, pk=registration_id, anonymised_at__isnull=True)
        .first()
    )


def attendance_figures(seminar: Seminar) -> dict:
    sessions = (
        Attendance.objects.filter(session__seminar=seminar)
        .values("session_id")
        .annotate(people=Count("pk"), seconds=Sum("seconds_present"))
        .order_by("session_id")
    )
    return {
        **registration_selectors.arrivals(seminar),
        "sessions": [
            {"session_id": s["session_id"], "people": s["people"], "seconds_present": s["seconds"]}
            for s in sessions
        ],
    }


def leads_page(
    seminar: Seminar, agency: Organization, *, after: int | None, limit: int
) -> tuple[list, int | None]:
    """One page of an agency's leads (consenting vendors only), with their consent history
    towards that agency and nothing about other agencies."""
    queryset = registration_selectors.leads_for_agency(seminar, agency).order_by("pk")
    if after is not None:
        queryset = queryset.filter(pk__gt=after)
    registrations = list(queryset[: limit + 1])
    rows = registration_selectors.lead_rows(seminar, agency, registrations[:limit])
    history: dict[int, list[ConsentEvent]] = {}
    for event in ConsentEvent.objects.filter(
        agency=agency, registration_id__in=[r.registration.pk for r in rows]
    ):
        history.setdefault(event.registration_id, []).append(event)
    for row in rows:
        row.consent_history = history.get(row.registration.pk, [])  # type: ignore[attr-defined]
    next_after = rows[-1].registration.pk if len(registrations) > limit else None
    return rows, next_after


def session_questions(session: Session, *, agency_id: int | None) -> list[Question]:
    """Questions of a session without their authors: all of them for moderators; for an
    agency, the public ones and those addressed to it."""
    questions = Question.objects.filter(session=session, merged_into__isnull=True)
    if agency_id is not None:
        questions = questions.filter(
            Q(state__in=Question.PUBLIC_STATES) | Q(addressed_agency_id=agency_id)
        )
    return list(questions.order_by("created_at", "pk"))


def consents_of(registration: Registration) -> tuple[list, list[ConsentEvent]]:
    agencies = list(registration_selectors.seminar_agencies_by_acronym(registration.seminar))
    granted = registration_selectors.consented_agency_ids(registration)
    history = list(registration.consent_events.all())
    return [(a, a.pk in granted) for a in agencies], history


def tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("seminar", "agency")


def webhooks_of(seminar: Seminar) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(seminar=seminar)


RECENT_DELIVERIES = 5


def webhooks_with_recent_deliveries(seminar: Seminar) -> QuerySet[WebhookSubscription]:
    """The seminar's subscriptions, each with ``recent``: its latest deliveries (newest
    first), each with ``attempt_log``. Three queries, whatever the number of subscriptions or
    deliveries."""
    attempts = Prefetch("log", to_attr="attempt_log")  # a list: the template takes its last
    recent = WebhookDelivery.objects.prefetch_related(attempts).order_by("-created_at", "-pk")
    recent = recent[:RECENT_DELIVERIES]
    return WebhookSubscription.objects.filter(seminar=seminar).prefetch_related(
        Prefetch("deliveries", queryset=recent, to_attr="recent")
    )


def webhook_of(seminar: Seminar, webhook_id: int) -> WebhookSubscription | None:
    return WebhookSubscription.objects.filter(seminar=seminar, pk=webhook_id).first()


def deliveries_of(subscription: WebhookSubscription, *, limit: int = 100) -> list[WebhookDelivery]:
    return list(subscription.deliveries.prefetch_related("log")[:limit])


def delivery_of(subscription: WebhookSubscription, delivery_id: int) -> WebhookDelivery | None:
    return subscription.deliveries.filter(pk=delivery_id).first()
