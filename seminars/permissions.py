"""Who may do what. Every view, consumer and export asks these functions, nothing else.

Roles are per seminar (``SeminarRole``); superusers may do everything.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from seminars.models import Seminar, SeminarRole, Session

AnyUser = User | AnonymousUser


def _roles(user: AnyUser, seminar: Seminar) -> set[str]:
    """The role names a user holds in a seminar, cached on the user object per request."""
    if not user.is_authenticated:
        return set()
    cache = user.__dict__.setdefault("_openips_roles", {})
    if seminar.pk not in cache:
        cache[seminar.pk] = set(
            SeminarRole.objects.filter(user=user, seminar=seminar).values_list("role", flat=True)
        )
    return cache[seminar.pk]


def managed_seminars(user: AnyUser) -> QuerySet[Seminar]:
    """Seminars the user organises (all of them for a superuser)."""
    if not user.is_authenticated:
        return Seminar.objects.none()
    if user.is_superuser:
        return Seminar.objects.all()
    return Seminar.objects.filter(
        roles__user=user, roles__role=SeminarRole.Role.ORGANIZER
    ).distinct()


def holds_any_role(user: AnyUser) -> bool:
    """Whether the user organises, moderates or presents in any seminar at all."""
    if not user.is_authenticated:
        return False
    return SeminarRole.objects.filter(user=user).exists()


def can_manage_seminar(user: AnyUser, seminar: Seminar) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    return SeminarRole.Role.ORGANIZER in _roles(user, seminar)


def can_view_seminar(user: AnyUser, seminar: Seminar) -> bool:
    """Public seminars are open to everyone; drafts only to those with a role in them."""
    if seminar.is_public:
        return True
    if user.is_authenticated and user.is_superuser:
        return True
    return bool(_roles(user, seminar))


def can_moderate_session(user: AnyUser, session: Session) -> bool:
    if can_manage_seminar(user, session.seminar):
        return True
    return SeminarRole.Role.MODERATOR in _roles(user, session.seminar)


def presenter_agency_ids(user: AnyUser, seminar: Seminar) -> set[int]:
    """The agencies a user presents for in a seminar (empty for everyone else)."""
    if not user.is_authenticated:
        return set()
    cache = user.__dict__.setdefault("_openips_agencies", {})
    if seminar.pk not in cache:
        cache[seminar.pk] = set(
            SeminarRole.objects.filter(
                user=user, seminar=seminar, role=SeminarRole.Role.PRESENTER
            ).values_list("agency_id", flat=True)
        )
    return cache[seminar.pk]


def can_present_for(user: AnyUser, seminar: Seminar, agency_id: int) -> bool:
    return agency_id in presenter_agency_ids(user, seminar)


def can_present_in_session(user: AnyUser, session: Session) -> bool:
    """A presenter of one of the session's agencies (organisers count too)."""
    if can_manage_seminar(user, session.seminar):
        return True
    agencies = presenter_agency_ids(user, session.seminar)
    if not agencies:
        return False
    return session.agencies.filter(pk__in=agencies).exists()
