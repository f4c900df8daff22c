from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessKeysConfig(AppConfig):
    name = "accesskeys"
    verbose_name = _("Access keys")
