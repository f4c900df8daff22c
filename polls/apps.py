from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "polls"
    label = "polls"
    verbose_name = _("Polls")

    def ready(self) -> None:
        # The poll commands register themselves with the live room's command table.
        from polls import handlers  # noqa: F401 - imported for its registrations
        from seminars.signals import session_times_set

        session_times_set.connect(_queue_feedback_requests, dispatch_uid="polls")


def _queue_feedback_requests(sender, *, session_id: int, **kwargs) -> None:
    """A new or moved session: its feedback requests go out from the task worker after it
    ends (the task queued for an earlier end finds the session moved and does nothing)."""
    from polls.feedback import feedback_requests_schedule

    feedback_requests_schedule(session_id=session_id)
