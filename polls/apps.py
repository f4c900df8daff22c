from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "polls"
    label = "polls"
    verbose_name = _("Polls")

    def ready(self) -> None:
        # The poll commands register themselves with the live room's command table.
        from polls import handlers  # noqa: F401 - imported for its registrations
