from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Registration")

    def ready(self) -> None:
        from seminars.signals import session_rescheduled

        session_rescheduled.connect(_queue_reminder_reschedule, dispatch_uid="registration")


def _queue_reminder_reschedule(sender, *, session_id: int, **kwargs) -> None:
    """A moved session gets its reminders queued again at the new time, and its registrants
    an email with the new time, in the background."""
    from registration.tasks import notify_session_moved, reschedule_session_reminders

    reschedule_session_reminders.enqueue(session_id)
    notify_session_moved.enqueue(session_id)
