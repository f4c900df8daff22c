"""Who may use the organiser workspace: the one entry point of its views.

A seminar's workspace is open to its organisers and to superusers (the rule itself is
``seminars.permissions.can_manage_seminar``). Anyone else gets 404 for a seminar they cannot
see at all (a draft does not leak its existence) and 403 for a public one.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from seminars import permissions as seminar_permissions
from seminars.models import Seminar
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
