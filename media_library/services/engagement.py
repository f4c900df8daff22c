"""Lead signals handed to the registration app (slides downloaded, recording watched)."""

from django.db import transaction

from media_library.models import Presentation

_KINDS = {"slides": "slides_downloaded", "watched": "recording_watched_seconds"}


def engagement_report(*, user, presentation: Presentation, kind: str, amount: int = 1) -> None:
    """Record a vendor's engagement with the presenting agency after commit.

    Side effects: one registration EngagementEvent (registration ignores non-vendors).
    """
    from registration.services import engagement_record

    session = presentation.session

    def record() -> None:
        engagement_record(
            seminar=session.seminar,
            user=user,
            agency=presentation.agency,
            kind=_KINDS[kind],
            amount=amount,
            session=session,
        )

    transaction.on_commit(record)
