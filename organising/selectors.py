"""Reads of the organiser workspace."""

from datetime import datetime, time, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from organising.models import Announcement, AnnouncementDelivery, AnnouncementText, Invitation
from registration.models import Registration
from seminars import permissions as seminar_permissions
from seminars.models import Organization, Seminar, SeminarRole, Session, SessionChange


def my_seminars(user) -> QuerySet[Seminar]:
    """The seminars ``user`` organises, newest first, with their session counts."""
    return (
        seminar_permissions.managed_seminars(user)
        .select_related("host")
        .annotate(session_count=Count("sessions", distinct=True))
        .order_by("-starts_on", "title")
    )


def confirmed_counts(seminar: Seminar) -> dict[str, int]:
    rows = (
        Registration.objects.filter(seminar=seminar, status=Registration.Status.CONFIRMED)
        .values("attendance_mode")
        .annotate(n=Count("pk"))
    )
    return {row["attendance_mode"]: row["n"] for row in rows}


def _window_problem(seminar: Seminar) -> str:
    opens, closes = seminar.registration_opens_at, seminar.registration_closes_at
    end = datetime.combine(seminar.ends_on + timedelta(days=1), time(0), seminar.zone)
    if opens and closes and closes <= opens:
        return _("Registration closes before it opens.")
    if (opens and opens >= end) or (closes and closes > end):
        return _("The registration window reaches past the seminar's last day.")
    return ""


def publish_checklist(seminar: Seminar) -> list[str]:
    """What is missing before ``seminar`` may be published; empty when it is ready."""
    missing = []
    sessions = list(
        seminar.sessions.exclude(kind=Session.Kind.BREAK)
        .annotate(agency_count=Count("agencies"))
        .values_list("title", "agency_count")
    )
    if not seminar.sessions.exists():
        missing.append(_("The agenda has no sessions yet."))
    without = [title for title, agency_count in sessions if agency_count == 0]
    if without:
        missing.append(
            _("These sessions have no presenting agency: %(titles)s.")
            % {"titles": ", ".join(without)}
        )
    if not seminar.privacy_notice_version:
        missing.append(_("No privacy notice version is set."))
    if not seminar.languages:
        missing.append(_("No language is chosen."))
    problem = _window_problem(seminar)
    if problem:
        missing.append(problem)
    return missing


def agenda_sessions(seminar: Seminar) -> QuerySet[Session]:
    """The seminar's sessions with their agencies, in time order (two queries at any size)."""
    return (
        seminar.sessions.prefetch_related(
            Prefetch("agencies", queryset=Organization.objects.order_by("acronym", "name"))
        )
        .select_related("seminar")
        .order_by("starts_at", "track", "pk")
    )


def agencies() -> QuerySet[Organization]:
    return Organization.objects.filter(kind=Organization.Kind.AGENCY).order_by("acronym", "name")


def agencies_for(seminar: Seminar) -> QuerySet[Organization]:
    """Every agency, with how many of ``seminar``'s sessions it presents in."""
    return agencies().annotate(
        sessions_here=Count(
            "presented_sessions", filter=Q(presented_sessions__seminar=seminar), distinct=True
        )
    )


def pending_changes(seminar: Seminar) -> QuerySet[SessionChange]:
    return SessionChange.objects.filter(
        seminar=seminar, notice=SessionChange.Notice.PENDING
    ).order_by("changed_at", "pk")


def affected_registrations(changes) -> QuerySet[Registration]:
    """Confirmed, not anonymised registrations that chose a session named by ``changes``."""
    session_ids = [c.session_id for c in changes if c.session_id]
    deleted_for = [pk for c in changes for pk in c.affected_registration_ids]
    return (
        Registration.objects.filter(
            Q(sessions__in=session_ids) | Q(pk__in=deleted_for),
            status=Registration.Status.CONFIRMED,
            anonymised_at__isnull=True,
        )
        .distinct()
        .select_related("person", "seminar")
        .order_by("pk")
    )


def roles(seminar: Seminar) -> QuerySet[SeminarRole]:
    return seminar.roles.select_related("user", "agency", "granted_by").order_by("role", "pk")


def open_invitations(seminar: Seminar) -> QuerySet[Invitation]:
    """Invitations neither accepted nor withdrawn, newest first."""
    return (
        Invitation.objects.filter(
            seminar=seminar, accepted_at__isnull=True, withdrawn_at__isnull=True
        )
        .select_related("agency", "invited_by")
        .order_by("-created_at", "-pk")
    )


def agency_or_404(pk: int) -> Organization:
    return get_object_or_404(Organization, pk=pk, kind=Organization.Kind.AGENCY)


def pending_change_count(seminar: Seminar) -> int:
    return pending_changes(seminar).count()


def role_or_404(seminar: Seminar, pk: int) -> SeminarRole:
    return get_object_or_404(seminar.roles, pk=pk)


def announcements(seminar: Seminar) -> QuerySet[Announcement]:
    return seminar.announcements.all()


def announcement_or_404(seminar: Seminar, pk: int) -> Announcement:
    return get_object_or_404(seminar.announcements, pk=pk)


def announcement_texts(announcement: Announcement) -> dict[str, AnnouncementText]:
    """The announcement's text per language code."""
    return {text.language: text for text in announcement.texts.all()}


def announcement_deliveries(announcement: Announcement) -> QuerySet[AnnouncementDelivery]:
    return announcement.deliveries.all()


def announcement_failed_count(announcement: Announcement) -> int:
    return announcement.deliveries.filter(outcome="failed").count()


def announcement_recipient_count(announcement: Announcement) -> int:
    """How many people a draft would reach now; a sent announcement keeps its count."""
    if announcement.status != Announcement.Status.DRAFT:
        return announcement.recipients
    from organising.services.announcements import recipients

    return recipients(announcement).count()


def seminar_session_or_404(seminar: Seminar, pk: int) -> Session:
    return get_object_or_404(seminar.sessions, pk=pk)


def affected_registrations_with_sessions(changes) -> QuerySet[Registration]:
    return affected_registrations(changes).prefetch_related("sessions")
