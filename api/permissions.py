"""Who may do what through the API: the token's scopes and reach, then the same rules as the
pages (seminars.permissions, registration.permissions), asked for the token's owner.

A token never widens what its owner may do: it only narrows it, to one seminar or one agency
and to its scopes. Every endpoint asks one function here, nothing else.
"""

from django.contrib.auth.models import User

from api.models import AGENCY_SCOPES, ORGANISER_SCOPES, ApiToken
from registration import permissions as registration_permissions
from seminars import permissions as seminar_permissions
from seminars.models import Organization, Seminar, Session
from seminars.permissions import AnyUser


def token_reaches_seminar(token: ApiToken | None, seminar: Seminar) -> bool:
    return token is None or token.seminar_id is None or token.seminar_id == seminar.pk


def _has(token: ApiToken | None, scope: str) -> bool:
    return token is not None and scope in token.scopes


def can_view_seminar(user: AnyUser, token: ApiToken | None, seminar: Seminar) -> bool:
    """Public seminars for everyone; a draft only with ``agenda:read`` for someone with a role
    in it (the agenda page's rule)."""
    if seminar.is_public:
        return True
    if not _has(token, "agenda:read") or not token_reaches_seminar(token, seminar):
        return False
    return seminar_permissions.can_view_seminar(user, seminar)


def can_organise(user: AnyUser, token: ApiToken | None, seminar: Seminar, scope: str) -> bool:
    """Registrations, attendance, reach, check-in, webhooks: an organiser's seminar token
    (never an agency's token) with ``scope``; the owner must still organise the seminar."""
    if not _has(token, scope) or token is None or token.agency_id is not None:
        return False
    if not token_reaches_seminar(token, seminar):
        return False
    return registration_permissions.can_manage_registrations(user, seminar)


def can_read_leads(user: AnyUser, token: ApiToken | None, seminar: Seminar, agency_id: int) -> bool:
    """An agency token for ``agency_id`` with ``leads:read``, whose owner presents for that
    agency in the seminar (the exports page's rule; organisers do not see leads)."""
    if not _has(token, "leads:read") or token is None or token.agency_id != agency_id:
        return False
    if not token_reaches_seminar(token, seminar):
        return False
    return agency_id in registration_permissions.lead_agency_ids(user, seminar)


def can_read_questions(user: AnyUser, token: ApiToken | None, session: Session) -> bool:
    """Moderators and organisers of the session's seminar, or an agency token of an agency
    presenting the session (the moderation view's audience)."""
    if not _has(token, "questions:read") or token is None:
        return False
    if not token_reaches_seminar(token, session.seminar):
        return False
    if token.agency_id is not None:
        if not seminar_permissions.can_present_for(user, session.seminar, token.agency_id):
            return False
        return session.agencies.filter(pk=token.agency_id).exists()
    return seminar_permissions.can_moderate_session(user, session)


def token_seminars(user: User) -> list[Seminar]:
    """Seminars an organiser may make a seminar token for."""
    return list(seminar_permissions.managed_seminars(user).order_by("-starts_on"))


def token_agencies(user: User) -> list[Organization]:
    """Agencies a presenter may make an agency token for (any seminar they present in)."""
    if not user.is_authenticated:
        return []
    return list(
        Organization.objects.filter(
            presenter_roles__user=user, kind=Organization.Kind.AGENCY
        ).distinct()
    )


def may_create_token(
    user: User, *, seminar: Seminar | None, agency: Organization | None, scopes: list[str]
) -> bool:
    """Exactly one target the user may act for, and only the scopes that target offers."""
    if (seminar is None) == (agency is None):
        return False
    if seminar is not None:
        allowed = set(ORGANISER_SCOPES)
        reachable = seminar in token_seminars(user)
    else:
        allowed = set(AGENCY_SCOPES)
        reachable = agency in token_agencies(user)
    return reachable and bool(scopes) and set(scopes) <= allowed


def may_use_token_pages(user: AnyUser) -> bool:
    """Organisers and agency presenters (anyone else has nothing a token could reach)."""
    if not user.is_authenticated:
        return False
    return bool(token_seminars(user) or token_agencies(user))
