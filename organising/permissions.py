"""Who may use the organiser workspace: the one entry point of its views.

A seminar's workspace is open to its organisers and to superusers (the rule itself is
``seminars.permissions.can_manage_seminar``). Anyone else gets 404 for a seminar they cannot
see at all (a draft does not leak its existence) and 403 for a public one.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from organising.models import Invitation
from seminars import permissions as seminar_permissions
from seminars.models import Organization, Seminar, SeminarRole, Session
from seminars.permissions import AnyUser


def can_create_seminars(user: AnyUser) -> bool:
    """Creating seminars is a permission an administrator grants (``seminars.add_seminar``),
    so a vendor's account made by an emailed link cannot start one."""
    return bool(user.is_authenticated and user.is_active and user.has_perm("seminars.add_seminar"))


def can_use_workspace(user: AnyUser) -> bool:
    return can_create_seminars(user) or seminar_permissions.managed_seminars(user).exists()


def organised_seminar(user: AnyUser, slug: str) -> Seminar:
    """The seminar named ``slug`` if ``user`` organises it; Http404 or PermissionDenied."""
    seminar = Seminar.objects.select_related("host").filter(slug=slug).first()
    if seminar is None:
        raise Http404
    if seminar_permissions.can_manage_seminar(user, seminar):
        return seminar
    if seminar_permissions.can_view_seminar(user, seminar):
        raise PermissionDenied
    raise Http404


def agencies_shared_beyond(user: AnyUser, agency_ids) -> set[int]:
    """Of ``agency_ids``, the agencies that present, hold a role or are invited in a seminar
    ``user`` does not organise: one query, whatever the number of agencies."""
    if user.is_authenticated and user.is_superuser:
        return set()
    mine = seminar_permissions.managed_seminars(user).values("pk")
    sessions = Session.agencies.through.objects.filter(organization_id__in=agency_ids).exclude(
        session__seminar__in=mine
    )
    roles = SeminarRole.objects.filter(agency_id__in=agency_ids).exclude(seminar__in=mine)
    invitations = Invitation.objects.filter(agency_id__in=agency_ids).exclude(seminar__in=mine)
    return set(
        sessions.values_list("organization_id", flat=True)
        .union(roles.values_list("agency_id", flat=True))
        .union(invitations.values_list("agency_id", flat=True))
    )


def can_edit_agency(user: AnyUser, agency: Organization) -> bool:
    """Agencies are shared by every seminar, so an organiser may change one only while it
    appears in no seminar they do not organise (superusers always may); any organiser may add
    one."""
    return agency.pk not in agencies_shared_beyond(user, [agency.pk])
