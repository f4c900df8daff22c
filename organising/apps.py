from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisingConfig(AppConfig):
    name = "organising"
    verbose_name = _("Organiser workspace")
