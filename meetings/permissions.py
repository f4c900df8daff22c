"""Who may do what with meetings: the one home of these rules (views, exports, selectors).

- Organisers (``seminars.permissions.can_manage_seminar``) configure the programme, see the
  grid, move and cancel any meeting, and export every meeting.
- An officer sees requests and meetings of their own agency only (the agency's other
  officers' too, so a colleague can cover), and acts on those addressed to them.
- A vendor (a confirmed registration) sees and acts on their own requests only.
"""

from django.core.exceptions import PermissionDenied

from meetings.models import Meeting, Officer, Request
from registration.models import Registration
from seminars import permissions as seminar_permissions
from seminars.models import Seminar
from seminars.permissions import AnyUser


def can_organise(user: AnyUser, seminar: Seminar) -> bool:
    return seminar_permissions.can_manage_seminar(user, seminar)


def officer_of(user: AnyUser, seminar: Seminar) -> Officer | None:
    if not user.is_authenticated:
        return None
    return (
        Officer.objects.select_related("agency")
        .filter(seminar=seminar, user=user, active=True)
        .first()
    )


def vendor_registration(user: AnyUser, seminar: Seminar) -> Registration | None:
    """The user's confirmed registration in the seminar: the one way to be a vendor here."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.select_related("person", "company")
        .filter(
            seminar=seminar,
            person__user=user,
            status=Registration.Status.CONFIRMED,
            anonymised_at__isnull=True,
        )
        .first()
    )


def require_vendor(user: AnyUser, seminar: Seminar) -> Registration:
    registration = vendor_registration(user, seminar)
    if registration is None:
        raise PermissionDenied
    return registration


def require_officer(user: AnyUser, seminar: Seminar) -> Officer:
    officer = officer_of(user, seminar)
    if officer is None:
        raise PermissionDenied
    return officer


def require_organiser(user: AnyUser, seminar: Seminar) -> None:
    if not can_organise(user, seminar):
        raise PermissionDenied


def vendor_owns(registration: Registration, request: Request) -> bool:
    return request.registration_id == registration.pk


def officer_answers(officer: Officer, request: Request) -> bool:
    """Only the officer a request is addressed to accepts, proposes or declines it."""
    return request.officer_id == officer.pk


def officer_sees(officer: Officer, meeting: Meeting | Request) -> bool:
    """An officer sees the meetings of their own agency."""
    return meeting.officer.agency_id == officer.agency_id


def can_cancel(user: AnyUser, meeting: Meeting) -> bool:
    """Either side, or an organiser."""
    if can_organise(user, meeting.seminar):
        return True
    if meeting.officer.user_id == user.pk:
        return True
    return bool(user.is_authenticated and meeting.registration.person.user_id == user.pk)
