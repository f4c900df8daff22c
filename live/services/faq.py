"""Publishing a session's answered questions as an anonymised FAQ."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from live import permissions
from seminars.models import Session
from seminars.permissions import AnyUser


@transaction.atomic
def session_set_faq_published(*, session: Session, user: AnyUser, published: bool) -> Session:
    """Show or hide the session's FAQ page (the room's moderators and organisers only).

    Changes nothing else: the FAQ page reads the answered questions when it is shown.
    """
    if not permissions.can_moderate_room(user, session):
        raise PermissionDenied(_("Only the room's moderators can publish its FAQ."))
    Session.objects.filter(pk=session.pk).update(faq_published=published)
    session.faq_published = published
    return session
