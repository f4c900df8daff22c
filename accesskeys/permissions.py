"""Who may be signed in by a link that arrived by email."""

from django.contrib.auth.models import User

from seminars import permissions


def may_sign_in_by_link(user: User | None) -> bool:
    """Only plain vendor accounts. Staff, superusers and anyone holding a role in a seminar
    (organiser, moderator, presenter) reach exports or the admin, so they sign in with their
    password (or single sign-on), never with something a mailbox or a forwarded email holds."""
    if user is None or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return False
    return not permissions.holds_any_role(user)
