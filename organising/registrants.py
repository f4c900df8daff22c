"""Reads of the registrant pages: the filtered list, the waiting order, one registrant.

(A module of its own beside ``selectors.py``, which holds the seminar and agenda reads.)
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django_countries import countries

from live.models import Attendance
from registration.models import AgencyConsent, ConsentEvent, Registration
from seminars.models import Seminar

COUNTRY_GROUPS = {
    "ldc": Q(is_ldc=True),
    "lldc": Q(is_lldc=True),
    "sids": Q(is_sids=True),
    "eit": Q(is_eit=True),
    "income_L": Q(income_group="L"),
    "income_LM": Q(income_group="LM"),
    "income_UM": Q(income_group="UM"),
    "income_H": Q(income_group="H"),
}


@dataclass(frozen=True)
class RegistrantFilters:
    q: str = ""
    mode: str = ""
    status: str = ""
    group: str = ""
    checked_in: str = ""  # "yes", "no" or ""
    consent_agency: int | None = None


def _search(q: str) -> Q:
    codes = [code for code, name in countries if q.lower() in str(name).lower()]
    return (
        Q(person__full_name__icontains=q)
        | Q(person__email__icontains=q)
        | Q(company__legal_name__icontains=q)
        | Q(country__iexact=q)
        | Q(country__in=codes)
    )


def _waiting_position():
    """Place in the waiting list of the registration's mode (1 = next to get a place)."""
    ahead = (
        Registration.objects.filter(
            seminar=OuterRef("seminar"),
            attendance_mode=OuterRef("attendance_mode"),
            status=Registration.Status.WAITING,
        )
        .filter(
            Q(waiting_since__lt=OuterRef("waiting_since"))
            | Q(waiting_since=OuterRef("waiting_since"), pk__lte=OuterRef("pk"))
        )
        .order_by()
        .values("seminar")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(ahead, output_field=IntegerField())


def registrants(seminar: Seminar, filters: RegistrantFilters) -> QuerySet[Registration]:
    """The seminar's registrations matching ``filters``, with their person and company and,
    for those waiting, their place in the queue. The waiting list reads in queue order."""
    rows = Registration.objects.filter(seminar=seminar).select_related("person", "company")
    if filters.q:
        rows = rows.filter(_search(filters.q))
    if filters.mode:
        rows = rows.filter(attendance_mode=filters.mode)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.group in COUNTRY_GROUPS:
        rows = rows.filter(COUNTRY_GROUPS[filters.group])
    if filters.checked_in:
        rows = rows.filter(checked_in_at__isnull=filters.checked_in != "yes")
    if filters.consent_agency:
        granted = AgencyConsent.objects.filter(
            registration=OuterRef("pk"), agency_id=filters.consent_agency, granted=True
        )
        rows = rows.filter(Exists(granted))
    rows = rows.annotate(
        waiting_position=_waiting_position(),
    )
    if filters.status == Registration.Status.WAITING:
        return rows.order_by("attendance_mode", "waiting_since", "pk")
    return rows.order_by("created_at", "pk")


def registrant_detail(seminar: Seminar, pk: int) -> Registration | None:
    return (
        Registration.objects.filter(seminar=seminar, pk=pk)
        .select_related("person", "company", "checked_in_by")
        .prefetch_related("sessions")
        .annotate(waiting_position=_waiting_position())
        .first()
    )


def consent_history(registration: Registration):
    return ConsentEvent.objects.filter(registration=registration).select_related("agency")


def attendance(registration: Registration):
    if registration.person.user_id is None:
        return Attendance.objects.none()
    return Attendance.objects.filter(
        user_id=registration.person.user_id, session__seminar_id=registration.seminar_id
    ).select_related("session")


def chosen(seminar: Seminar, ids: list[int]) -> list[Registration]:
    """The seminar's registrations among ``ids`` (a bulk action's choice), with their people."""
    return list(seminar.registrations.filter(pk__in=ids).select_related("person", "seminar"))
