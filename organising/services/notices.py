"""Pending agenda-change notices: sent with one explicit action, or dismissed. Never on save."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organising import emails, selectors
from seminars.models import Seminar, SessionChange


def _lock_pending(seminar: Seminar) -> list[SessionChange]:
    changes = list(selectors.pending_changes(seminar).select_for_update())
    if not changes:
        raise ValidationError(_("There are no pending changes: nothing was sent."))
    return changes


@transaction.atomic
def notices_send(*, seminar: Seminar) -> list[int]:
    """Mark every pending change of ``seminar`` as sent and queue one email per affected
    registrant (after commit, on the task worker). A second click finds nothing pending,
    so nobody is told twice. Returns the ids of the changes sent."""
    from organising.tasks import deliver_change_notices

    changes = _lock_pending(seminar)
    ids = [change.pk for change in changes]
    SessionChange.objects.filter(pk__in=ids).update(
        notice=SessionChange.Notice.SENT, notice_decided_at=timezone.now()
    )
    transaction.on_commit(lambda: deliver_change_notices.enqueue(ids))
    return ids


@transaction.atomic
def notices_dismiss(*, seminar: Seminar) -> int:
    """Decide not to tell registrants of the pending changes (they stay in the public
    changelog). Returns how many were dismissed."""
    changes = _lock_pending(seminar)
    return SessionChange.objects.filter(pk__in=[c.pk for c in changes]).update(
        notice=SessionChange.Notice.DISMISSED, notice_decided_at=timezone.now()
    )


def change_notices_deliver(*, change_ids: list[int]) -> int:
    """Email each affected registrant one notice covering all of ``change_ids``, in their
    language and zone. Returns how many were sent. Sends emails."""
    changes = list(SessionChange.objects.filter(pk__in=change_ids).order_by("changed_at", "pk"))
    sent = 0
    for registration in selectors.affected_registrations(changes).prefetch_related("sessions"):
        notice = emails.notice_render(registration=registration, changes=changes, preview=False)
        if notice is not None and emails.notice_send(notice):
            sent += 1
    return sent
