"""Role changes reach open live sockets: whoever changes a person's seminar roles or account
(the admin, the organiser workspace, an invitation accepted, a script), that person's open
room sockets in every server process are closed with 4010 after the change commits, and the
client reconnects at the level the server now gives it.

These receivers are the extension point the brief of issue 11 item 5 asks for: a rule kept
in one place instead of a call every writer of ``SeminarRole`` must remember. They only
publish (``live/transport/control.py``); the level itself is decided by
``live/permissions.py`` when the socket reconnects. Bulk ``QuerySet.update()`` sends no
signal: code that changes roles that way calls ``people_relevel`` itself.
"""

from collections.abc import Iterable
from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from live.transport import persons_close
from seminars.models import SeminarRole

# Account fields that decide a live level: an inactive account is signed out, a superuser
# moderates every room. (``is_staff`` opens the admin, not a room: it decides no level.)
ACCOUNT_FIELDS = ("is_active", "is_superuser")


def people_relevel(*, user_ids: Iterable[int]) -> None:
    """After the current transaction commits, close these people's live sockets with 4010 in
    every process, so that they reconnect at their new level."""
    keys = sorted({f"u{user_id}" for user_id in user_ids})
    if keys:
        transaction.on_commit(partial(persons_close, person_keys=keys))


def _role_changed(sender, instance: SeminarRole, **kwargs) -> None:
    people_relevel(user_ids=[instance.user_id])


def _account_before(sender, instance, update_fields=None, **kwargs) -> None:
    if instance.pk is None or instance._state.adding:
        return
    if update_fields is not None and not set(update_fields) & set(ACCOUNT_FIELDS):
        return  # a last_login update on every sign-in, say: no query
    before = sender.objects.filter(pk=instance.pk).values(*ACCOUNT_FIELDS).first()
    instance._live_account_before = before


def _account_after(sender, instance, created=False, **kwargs) -> None:
    before = instance.__dict__.pop("_live_account_before", None)
    if created or before is None:
        return
    if any(before[name] != getattr(instance, name) for name in ACCOUNT_FIELDS):
        people_relevel(user_ids=[instance.pk])


def _account_deleted(sender, instance, **kwargs) -> None:
    people_relevel(user_ids=[instance.pk])


def connect() -> None:
    """Connected once, from ``LiveConfig.ready``."""
    user_model = get_user_model()
    post_save.connect(_role_changed, sender=SeminarRole, dispatch_uid="live-role-saved")
    post_delete.connect(_role_changed, sender=SeminarRole, dispatch_uid="live-role-deleted")
    pre_save.connect(_account_before, sender=user_model, dispatch_uid="live-account-before")
    post_save.connect(_account_after, sender=user_model, dispatch_uid="live-account-after")
    post_delete.connect(_account_deleted, sender=user_model, dispatch_uid="live-account-deleted")
