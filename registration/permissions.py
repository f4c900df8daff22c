"""Who may do what with vendors' records: the registration app's one home of "who may",
built on seminars.permissions (roles per seminar). Views, services and selectors of the app
ask these functions, nothing else (e.g. every view that decides a company claim asks
``can_decide_company_claim``).
"""

from django.db.models import QuerySet

from registration.models import CompanyClaim, Registration
from seminars import permissions
from seminars.models import Organization, Seminar
from seminars.permissions import AnyUser


def claims_a_member_may_decide(user: AnyUser) -> QuerySet[CompanyClaim]:
    """Claims on a company the user already belongs to, other than the user's own: the one
    home of the "member of the claimed company" rule."""
    if not user.is_authenticated:
        return CompanyClaim.objects.none()
    return CompanyClaim.objects.filter(company__people__user=user).exclude(person__user=user)


def can_decide_company_claim(user: AnyUser, claim: CompanyClaim) -> bool:
    """The organisers of the seminar where the claim was made, and the people who already
    belong to the claimed company (not the claimant). Nobody else: not another seminar's
    organiser, not an agency, not another vendor."""
    if not user.is_authenticated:
        return False
    if permissions.can_manage_seminar(user, claim.seminar):
        return True
    return claims_a_member_may_decide(user).filter(pk=claim.pk).exists()


def can_manage_registrations(user: AnyUser, seminar: Seminar) -> bool:
    """Approvals, check-in, attendee exports, the reach report and the export log: the
    seminar's organisers."""
    return permissions.can_manage_seminar(user, seminar)


def lead_agency_ids(user: AnyUser, seminar: Seminar) -> set[int]:
    """The agencies whose leads the user works in a seminar: those they present for (empty for
    everyone else, organisers included: leads are the agencies' own)."""
    return permissions.presenter_agency_ids(user, seminar)


def can_use_exports(user: AnyUser, seminar: Seminar) -> bool:
    """The exports page: organisers (attendees) and agencies' presenters (their leads)."""
    return can_manage_registrations(user, seminar) or bool(lead_agency_ids(user, seminar))


def can_update_lead(user: AnyUser, registration: Registration, agency: Organization) -> bool:
    """A presenter for ``agency``, and only for a vendor who currently consents to it."""
    if not permissions.can_present_for(user, registration.seminar, agency.pk):
        return False
    return registration.consents.filter(agency=agency, granted=True).exists()


def can_see_participants(user: AnyUser, seminar: Seminar) -> bool:
    """Participants with a confirmed place see each other; organisers and presenters see
    everyone who opted in."""
    if permissions.can_manage_seminar(user, seminar):
        return True
    if permissions.presenter_agency_ids(user, seminar):
        return True
    if not user.is_authenticated:
        return False
    return Registration.objects.filter(
        seminar=seminar, person__user=user, status=Registration.Status.CONFIRMED
    ).exists()
