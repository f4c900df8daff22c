from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and sign-in")

    def ready(self) -> None:
        # Django's own extension point for "a session began", whichever way (emailed link,
        # password, single sign-on, the admin's form): each is recorded so that "sign out
        # everywhere" can end it (accounts/services.py).
        from django.contrib.auth.signals import user_logged_in

        from accounts import services

        user_logged_in.connect(services.on_user_logged_in, dispatch_uid="accounts.session")
