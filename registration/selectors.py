"""Reads of the registration app: a vendor's own registration, agencies' leads, reach."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from live.models import Attendance, Question, Vote
from polls.models import PollVote
from registration import constants
from registration.models import (
    AgencyConsent,
    CompanyClaim,
    EngagementEvent,
    ExportLog,
    Lead,
    LeadScoreWeights,
    Registration,
)
from registration.permissions import claims_a_member_may_decide
from seminars.models import Organization, Seminar, Session

Status = Registration.Status


class LeadSignals(TypedDict):
    """What ``leads_for_agency`` annotates on each registration (its engagement signals)."""

    seconds_present: int
    questions_asked: int
    questions_voted: int
    contact_me: int
    slides_downloaded: int
    seconds_watched: int
    polls_answered: int
    meetings_held: int  # active one-on-one meetings with the agency (meetings app)
    agency_leads: list[Lead]  # the agency's follow-up state, prefetched (at most one)


if TYPE_CHECKING:  # django-stubs-ext's generic, for the type checker only
    from django_stubs_ext import WithAnnotations

    LeadRegistration = WithAnnotations[Registration, LeadSignals]


def privacy_notice_version(seminar: Seminar) -> str:
    """The privacy notice version a registrant of ``seminar`` accepts: the seminar's own when
    its organisers set one, else the platform's (setting REGISTRATION_PRIVACY_NOTICE_VERSION)."""
    return seminar.privacy_notice_version or constants.PRIVACY_NOTICE_VERSION


def registration_of_user(seminar: Seminar, user) -> Registration | None:
    """The signed-in vendor's own registration for a seminar (None for anyone else)."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.select_related("person", "company", "seminar")
        .filter(seminar=seminar, person__user=user)
        .first()
    )


def registration_of_seminar_or_404(*, seminar: Seminar, registration_id: int) -> Registration:
    return get_object_or_404(Registration, pk=registration_id, seminar=seminar)


def registrations_pending_approval(seminar: Seminar, *, limit: int = 200) -> list[Registration]:
    """The oldest registrations waiting for an organiser's approval, at most ``limit``."""
    return list(
        Registration.objects.filter(seminar=seminar, status=Status.PENDING_APPROVAL)
        .select_related("person", "company")
        .order_by("created_at", "pk")[:limit]
    )


def registration_counts_by_status(seminar: Seminar) -> dict[str, int]:
    """How many registrations a seminar has in each status (statuses without any left out)."""
    rows = Registration.objects.filter(seminar=seminar).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def registration_for_calendar_or_404(*, registration_id: int, slug: str) -> Registration:
    """The registration a calendar link names, if it is of seminar ``slug`` and not erased."""
    return get_object_or_404(
        Registration.objects.select_related("seminar"),
        pk=registration_id,
        seminar__slug=slug,
        anonymised_at__isnull=True,
    )


def registration_calendar_sessions(registration: Registration) -> list[Session]:
    """The sessions a registration's calendar feed lists: its chosen ones while it is active,
    none once it is cancelled or refused."""
    if registration.status not in Registration.ACTIVE_STATUSES:
        return []
    return list(registration.sessions.all())


def registration_sessions(registration: Registration) -> QuerySet[Session]:
    return registration.sessions.all()


def registration_sessions_to_join(registration: Registration) -> QuerySet[Session]:
    """The chosen sessions with a room (no breaks), in start order: the join page's list."""
    return registration.sessions.exclude(kind=Session.Kind.BREAK).order_by("starts_at")


def seminar_session_ids_to_offer(seminar: Seminar) -> list[int]:
    """Every session of a seminar but the breaks: ticked on a new registration form."""
    return list(seminar.sessions.exclude(kind=Session.Kind.BREAK).values_list("pk", flat=True))


def seminar_session_or_404(*, seminar: Seminar, session_id: int) -> Session:
    return get_object_or_404(Session, pk=session_id, seminar=seminar)


def session_agency_or_404(*, session: Session, agency_id: int) -> Organization:
    """An agency presenting ``session``."""
    return get_object_or_404(Organization, pk=agency_id, presented_sessions=session)


def seminar_agencies(seminar: Seminar) -> QuerySet[Organization]:
    """The agencies presenting in a seminar: the ones a vendor may share details with."""
    return Organization.objects.filter(
        presented_sessions__seminar=seminar, kind=Organization.Kind.AGENCY
    ).distinct()


def seminar_agencies_by_acronym(seminar: Seminar) -> QuerySet[Organization]:
    return seminar_agencies(seminar).order_by("acronym")


def agencies_by_ids(agency_ids: Iterable[int]) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=agency_ids)


def agency(agency_id: int) -> Organization:
    return Organization.objects.get(pk=agency_id)


def consented_agency_ids(registration: Registration) -> set[int]:
    """The agencies a registration currently shares its details with."""
    return set(registration.consents.filter(granted=True).values_list("agency_id", flat=True))


def registration_consents_to(registration: Registration, agency: Organization) -> bool:
    return registration.consents.filter(agency=agency, granted=True).exists()


def company_claim_or_404(*, claim_id: int) -> CompanyClaim:
    return get_object_or_404(CompanyClaim.objects.select_related("seminar"), pk=claim_id)


def company_claims_pending(seminar: Seminar) -> QuerySet[CompanyClaim]:
    """Claims made in ``seminar`` that wait for verification (its organisers decide)."""
    return (
        CompanyClaim.objects.filter(seminar=seminar, status=CompanyClaim.Status.PENDING)
        .select_related("person", "company", "claimant_company")
        .order_by("created_at", "pk")
    )


def company_claims_for_member(user) -> QuerySet[CompanyClaim]:
    """Pending claims on the company the signed-in vendor belongs to (theirs to decide)."""
    return (
        claims_a_member_may_decide(user)
        .filter(status=CompanyClaim.Status.PENDING)
        .select_related("person", "company", "claimant_company")
        .order_by("created_at", "pk")
    )


def company_claims_of_person(person_id: int) -> QuerySet[CompanyClaim]:
    """A vendor's own claims that are not (yet) approved."""
    return (
        CompanyClaim.objects.filter(person_id=person_id)
        .exclude(status=CompanyClaim.Status.APPROVED)
        .select_related("company")
        .order_by("created_at", "pk")
    )


def lead_weights(seminar: Seminar) -> dict[str, int]:
    row = LeadScoreWeights.objects.filter(seminar=seminar).first()
    if row is None:
        return dict(constants.DEFAULT_LEAD_WEIGHTS)
    defaults = constants.DEFAULT_LEAD_WEIGHTS
    return {name: getattr(row, name, default) for name, default in defaults.items()}


def _count(queryset, group: str) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.values(group).annotate(n=Count("pk", distinct=True)).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _sum(queryset, group: str, column: str) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.values(group).annotate(n=Sum(column)).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def consenting_registrations(seminar: Seminar, agency: Organization) -> QuerySet[Registration]:
    """Registrations whose vendor currently consents to ``agency``: the only ones it may see."""
    return Registration.objects.filter(
        seminar=seminar,
        consents__agency=agency,
        consents__granted=True,
        anonymised_at__isnull=True,
    ).exclude(status=Status.REJECTED)


def leads_for_agency(seminar: Seminar, agency: Organization) -> "QuerySet[LeadRegistration]":
    """An agency's leads with their engagement signals annotated (a fixed number of queries)."""
    user = OuterRef("person__user")
    in_agency = Q(session__seminar=seminar) & Q(session__agencies=agency)
    questions = Question.objects.filter(author=user, session__seminar=seminar).filter(
        Q(addressed_agency=agency) | Q(session__agencies=agency)
    )
    votes = Vote.objects.filter(voter=user, question__session__seminar=seminar).filter(
        Q(question__addressed_agency=agency) | Q(question__session__agencies=agency)
    )
    poll_votes = PollVote.objects.filter(voter=user, poll__session__seminar=seminar).filter(
        Q(poll__agency=agency) | Q(poll__session__agencies=agency)
    )
    events = EngagementEvent.objects.filter(registration=OuterRef("pk"), agency=agency)
    from meetings.models import Meeting  # meetings builds on registration, not the reverse

    meetings = Meeting.objects.filter(
        registration=OuterRef("pk"), officer__agency=agency, status=Meeting.Status.ACTIVE
    )
    return (
        consenting_registrations(seminar, agency)
        .select_related("person", "company")
        .annotate(
            seconds_present=_sum(
                Attendance.objects.filter(in_agency, user=user), "user", "seconds_present"
            ),
            questions_asked=_count(questions, "author"),
            questions_voted=_count(votes, "voter"),
            polls_answered=_count(poll_votes, "voter"),
            contact_me=_count(events.filter(kind=EngagementEvent.Kind.CONTACT_ME), "registration"),
            slides_downloaded=_sum(
                events.filter(kind=EngagementEvent.Kind.SLIDES_DOWNLOADED), "registration", "amount"
            ),
            seconds_watched=_sum(
                events.filter(kind=EngagementEvent.Kind.RECORDING_WATCHED_SECONDS),
                "registration",
                "amount",
            ),
            meetings_held=_count(meetings, "registration"),
        )
        .prefetch_related(
            Prefetch("leads", queryset=Lead.objects.filter(agency=agency), to_attr="agency_leads")
        )
        .order_by("created_at", "pk")
    )


# The two reads below return plain values keyed by registration id, for exports that attach
# them a chunk at a time. A reverse prefetch_related would cache each consent's or lead's
# registration on it: a reference cycle per row, which only the cyclic garbage collector
# frees, so an export's finished chunks stayed in memory until its next full collection.


def shared_with_by_registration(registration_ids: Iterable[int]) -> dict[int, list[str]]:
    """Per registration, the acronym (or name) of each agency it currently consents to."""
    labels: dict[int, list[str]] = defaultdict(list)
    consents = AgencyConsent.objects.filter(granted=True, registration_id__in=registration_ids)
    for registration_id, acronym, name in consents.values_list(
        "registration_id", "agency__acronym", "agency__name"
    ):
        labels[registration_id].append(acronym or name)
    return labels


def agency_lead_by_registration(
    agency: Organization, registration_ids: Iterable[int]
) -> dict[int, Lead]:
    """The agency's follow-up state (at most one, see Lead's constraint) per registration."""
    leads = Lead.objects.filter(agency=agency, registration_id__in=registration_ids)
    return {lead.registration_id: lead for lead in leads}


@dataclass
class LeadRow:
    registration: Registration
    score: int
    matching_segments: list[str]
    status: str
    status_label: str
    notes: str


def lead_score(registration: "LeadRegistration", weights: dict[str, int], matching: int) -> int:
    r = registration
    return (
        weights["registered"]
        + weights["checked_in"] * (r.checked_in_at is not None)
        + weights["minutes_present"] * (r.seconds_present // 600)
        + weights["questions"] * (r.questions_asked + r.questions_voted)
        + weights["contact_me"] * min(r.contact_me, 1)
        + weights["slides_downloaded"] * r.slides_downloaded
        + weights["recording_watched"] * (r.seconds_watched // 600)
        + weights["segment_match"] * matching
        + weights.get("polls_answered", 0) * r.polls_answered
        # A one-on-one meeting with the agency weighs like asking to be contacted, each.
        + weights["contact_me"] * r.meetings_held
    )


def lead_rows(
    seminar: Seminar, agency: Organization, queryset: "Iterable[LeadRegistration] | None" = None
) -> list[LeadRow]:
    weights = lead_weights(seminar)
    bought = set(agency.procurement_segments or [])
    rows = []
    for registration in queryset if queryset is not None else leads_for_agency(seminar, agency):
        segments = registration.company.unspsc_segments if registration.company else None
        matching = sorted(set(segments or []) & bought)
        lead = registration.agency_leads[0] if registration.agency_leads else None
        status = lead.status if lead else Lead.Status.NEW
        rows.append(
            LeadRow(
                registration,
                lead_score(registration, weights, len(matching)),
                matching,
                status,
                str(Lead.Status(status).label),
                lead.notes if lead else "",
            )
        )
    return rows


def export_log(seminar: Seminar) -> QuerySet[ExportLog]:
    return ExportLog.objects.filter(seminar=seminar).select_related("user", "agency")


def last_export_at(*, seminar: Seminar, user, kind: str, agency: Organization | None):
    """When ``user`` last exported ``kind`` (for ``agency``) in a seminar; None if never."""
    last = ExportLog.objects.filter(seminar=seminar, user=user, kind=kind, agency=agency).first()
    return last.created_at if last else None


def consenting_registration_or_404(
    *, seminar: Seminar, agency: Organization, registration_id: int
) -> Registration:
    """One of ``agency``'s leads: a registration that currently consents to it."""
    return get_object_or_404(consenting_registrations(seminar, agency), pk=registration_id)


def arrivals(seminar: Seminar) -> dict[str, int]:
    in_room = Registration.objects.filter(
        seminar=seminar,
        status=Status.CONFIRMED,
        attendance_mode=Registration.AttendanceMode.IN_ROOM,
    )
    return {
        "arrived": in_room.filter(checked_in_at__isnull=False).count(),
        "expected": in_room.count(),
    }


@dataclass
class Reach:
    total: int = 0
    by_region: list[tuple[str, int]] = field(default_factory=list)
    by_country: list[tuple[str, int]] = field(default_factory=list)
    shares: list[tuple[str, int, int]] = field(default_factory=list)  # label, count, percent
    over_time: list[tuple[str, int]] = field(default_factory=list)


SHARE_LABELS = {
    "ldc": _("Least developed countries"),
    "lldc": _("Landlocked developing countries"),
    "sids": _("Small island developing states"),
    "eit": _("Economies in transition"),
    "women": _("Women-owned (51%+)"),
    "sme": _("SMEs"),
    "disability": _("Disability-inclusive"),
    "first_time": _("First-time"),
    "returning": _("Returning"),
    "online": _("Online"),
    "in_room": _("In the room"),
}


def reach_report(seminar: Seminar) -> Reach:
    """Counts and shares without personal data (active registrations only)."""
    active = Registration.objects.filter(seminar=seminar, status__in=Registration.ACTIVE_STATUSES)
    flags = active.aggregate(
        total=Count("pk"),
        ldc=Count("pk", filter=Q(is_ldc=True)),
        lldc=Count("pk", filter=Q(is_lldc=True)),
        sids=Count("pk", filter=Q(is_sids=True)),
        eit=Count("pk", filter=Q(is_eit=True)),
        women=Count("pk", filter=Q(company__women_owned=True)),
        sme=Count("pk", filter=Q(company__size_band__in=["micro", "small", "medium"])),
        disability=Count("pk", filter=Q(company__disability_inclusive=True)),
        returning=Count("pk", filter=Q(is_returning=True)),
        first_time=Count("pk", filter=Q(is_returning=False)),
        online=Count("pk", filter=Q(attendance_mode="online")),
        in_room=Count("pk", filter=Q(attendance_mode="in_room")),
    )
    total = flags.pop("total")
    shares = [
        (str(label), flags[k], round(100 * flags[k] / total) if total else 0)
        for k, label in SHARE_LABELS.items()
    ]
    regions = Counter(dict(active.values_list("region").annotate(n=Count("pk"))))
    countries = active.values_list("country").annotate(n=Count("pk")).order_by("-n", "country")
    days = (
        active.annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    return Reach(
        total=total,
        by_region=sorted(((r or "?", n) for r, n in regions.items()), key=lambda x: -x[1]),
        by_country=[(c or "?", n) for c, n in countries],
        shares=shares,
        over_time=[(d.isoformat(), n) for d, n in days],
    )


def participant_list(seminar: Seminar) -> QuerySet[Registration]:
    """Registrations that chose to appear in the participant list, as much as they chose."""
    return (
        Registration.objects.filter(
            seminar=seminar,
            status__in=(Status.CONFIRMED, Status.WAITING),
            anonymised_at__isnull=True,
        )
        .exclude(list_visibility=Registration.ListVisibility.HIDDEN)
        .select_related("person", "company")
        .order_by("company__legal_name", "pk")
    )
