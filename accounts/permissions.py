"""Who may do what with accounts. Emailed links: accesskeys.permissions.may_sign_in_by_link."""

from django.contrib.auth.models import User

from registration.models import Person
from seminars import permissions


def vendor_person(user: User) -> Person | None:
    """The vendor record of a signed-in account, or None (staff, organisers, presenters and
    single sign-on accounts have none)."""
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).select_related("company").first()


def may_manage_own_data(user: User) -> bool:
    """Download and delete one's own vendor data: a signed-in vendor, never staff (their
    accounts are managed by an administrator; deleting one could orphan a seminar)."""
    return (
        user.is_authenticated
        and not user.is_staff
        and not user.is_superuser
        and not permissions.holds_any_role(user)
        and vendor_person(user) is not None
    )
