"""Writes to seminars and sessions."""

import zoneinfo
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from api import events as api_events
from seminars.models import Seminar, Session, SessionChange
from seminars.signals import session_rescheduled, session_times_set


def session_validate(
    *,
    seminar: Seminar,
    starts_at: datetime,
    ends_at: datetime,
    track: str,
    exclude_pk: int | None = None,
) -> None:
    """Raise ValidationError (by field) for times that cannot be scheduled."""
    errors: dict[str, list[str]] = {}
    if ends_at <= starts_at:
        errors.setdefault("ends_at", []).append(_("The session must end after it starts."))
    zone = seminar.zone
    # A session that ends at midnight ends on the day before (23:00–00:00 on the last day fits).
    last_moment = ends_at - timedelta(microseconds=1) if ends_at > starts_at else ends_at
    first, last = starts_at.astimezone(zone).date(), last_moment.astimezone(zone).date()
    if first < seminar.starts_on or last > seminar.ends_on:
        errors.setdefault("starts_at", []).append(
            _("The session falls outside the seminar's dates (%(first)s to %(last)s, %(zone)s).")
            % {"first": seminar.starts_on, "last": seminar.ends_on, "zone": seminar.time_zone}
        )
    if track and ends_at > starts_at:
        overlapping = Session.objects.filter(seminar=seminar, track=track).filter(
            Q(starts_at__lt=ends_at) & Q(ends_at__gt=starts_at)
        )
        if exclude_pk is not None:
            overlapping = overlapping.exclude(pk=exclude_pk)
        clash = overlapping.first()
        if clash is not None:
            errors.setdefault("track", []).append(
                _("“%(title)s” already uses track “%(track)s” at that time.")
                % {"title": clash.title, "track": track}
            )
    if errors:
        raise ValidationError(errors)


def seminar_dates_validate(*, seminar: Seminar, first, last, zone_name: str) -> None:
    """Raise ValidationError if new dates or zone would strand a saved session outside them."""
    if seminar.pk is None:
        return
    zone = zoneinfo.ZoneInfo(zone_name)
    stranded = [
        session.title
        for session in seminar.sessions.only("title", "starts_at", "ends_at")
        if session.starts_at.astimezone(zone).date() < first
        or (session.ends_at - timedelta(microseconds=1)).astimezone(zone).date() > last
    ]
    if stranded:
        raise ValidationError(
            _(
                "%(count)s session(s) would fall outside the seminar's dates in "
                "%(zone)s: %(titles)s. Move them first."
            ),
            params={"count": len(stranded), "zone": zone_name, "titles": ", ".join(stranded)},
        )


@transaction.atomic
def session_save(*, session: Session) -> Session:
    """Validate and save a session.

    A change to the time or title of a saved session raises its calendar SEQUENCE by one
    and, when the seminar is published, adds an entry to the public changelog, which is also
    a pending notice: nothing is emailed here (organisers send or dismiss pending notices in
    their workspace). A change of time sends ``session_rescheduled`` after commit
    (registration moves its reminders); a new session or a change of time sends
    ``session_times_set`` after commit (polls queues the feedback requests for its end).
    """
    session_validate(
        seminar=session.seminar,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        track=session.track,
        exclude_pk=session.pk,
    )
    if session.pk is None:
        session.save()
        _times_set_after_commit(session.pk)
        return session
    previous = Session.objects.select_for_update().get(pk=session.pk)
    time_changed = (previous.starts_at, previous.ends_at) != (session.starts_at, session.ends_at)
    title_changed = previous.title != session.title
    if time_changed or title_changed:
        session.sequence = previous.sequence + 1
    session.save()
    if session.seminar.status == Seminar.Status.PUBLISHED:
        _record_changes(previous, session, time_changed=time_changed, title_changed=title_changed)
    if time_changed:
        session_id = session.pk
        transaction.on_commit(
            lambda: session_rescheduled.send(sender=Session, session_id=session_id)
        )
        _times_set_after_commit(session_id)
    return session


def _times_set_after_commit(session_id: int) -> None:
    transaction.on_commit(lambda: session_times_set.send(sender=Session, session_id=session_id))


def _record_changes(
    previous: Session, session: Session, *, time_changed: bool, title_changed: bool
) -> None:
    if time_changed:
        change = SessionChange.objects.create(
            seminar=session.seminar,
            session=session,
            session_title=session.title,
            field=SessionChange.Field.TIME,
            old_value=_when(previous, session.seminar),
            new_value=_when(session, session.seminar),
            old_starts_at=previous.starts_at,
            new_starts_at=session.starts_at,
        )
        api_events.session_changed(change)
    if title_changed:
        change = SessionChange.objects.create(
            seminar=session.seminar,
            session=session,
            session_title=session.title,
            field=SessionChange.Field.TITLE,
            old_value=previous.title[:255],
            new_value=session.title[:255],
        )
        api_events.session_changed(change)


def _when(session: Session, seminar: Seminar) -> str:
    """The session's time as the changelog shows it, in the seminar's zone."""
    start, end = (
        session.starts_at.astimezone(seminar.zone),
        session.ends_at.astimezone(seminar.zone),
    )
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M} {seminar.time_zone}"


@transaction.atomic
def session_cancel(*, session: Session) -> Session:
    """Mark a session cancelled (it stays on the agenda, marked). For a published seminar the
    public changelog gains an entry, pending as a notice; nothing is emailed."""
    session = Session.objects.select_for_update().select_related("seminar").get(pk=session.pk)
    if session.cancelled_at is not None:
        return session
    session.cancelled_at = timezone.now()
    session.sequence += 1
    session.save(update_fields=["cancelled_at", "sequence", "updated_at"])
    if session.seminar.status == Seminar.Status.PUBLISHED:
        _record_gone(session, SessionChange.Field.CANCELLED, keeps_session=True)
    return session


@transaction.atomic
def session_delete(*, session: Session) -> None:
    """Delete a session. For a published seminar the public changelog keeps an entry naming it
    and the registrations that had chosen it (pending as a notice); nothing is emailed."""
    session = Session.objects.select_for_update().select_related("seminar").get(pk=session.pk)
    if session.seminar.status == Seminar.Status.PUBLISHED:
        chose = list(session.registrations.values_list("pk", flat=True).order_by("pk"))
        _record_gone(
            session,
            SessionChange.Field.DELETED,
            keeps_session=False,
            affected_registration_ids=chose,
        )
    session.delete()


def _record_gone(session: Session, field: str, *, keeps_session: bool, **extra) -> SessionChange:
    """The changelog entry (and pending notice) of a cancelled or deleted session."""
    change = SessionChange.objects.create(
        seminar=session.seminar,
        session=session if keeps_session else None,
        session_title=session.title,
        field=field,
        old_value=_when(session, session.seminar),
        new_value="",
        old_starts_at=session.starts_at,
        **extra,
    )
    api_events.session_changed(change)
    return change
