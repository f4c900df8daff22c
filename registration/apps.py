from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Registration")

    def ready(self) -> None:
        from seminars.signals import session_rescheduled

        session_rescheduled.connect(_queue_reminder_reschedule, dispatch_uid="registration")


def _queue_reminder_reschedule(sender, *, session_id: int, **kwargs) -> None:
    """A moved session gets its reminders queued again at the new time, in the background.
    Registrants are not emailed here: the organiser sends the pending notice (issue 13)."""
    from registration.tasks import reschedule_session_reminders

    reschedule_session_reminders.enqueue(session_id)
