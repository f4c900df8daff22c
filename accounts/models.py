"""What sign-in needs beyond Django's users and sessions.

``AccountSession`` lists the sessions of each person, whatever the session store, so that
"sign out everywhere" can end them. ``ExternalIdentity`` links an account to an identity
provider's subject (single sign-on matches by subject, never by email alone).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountSession(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_sessions"
    )
    session_key = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.user_id} {self.started_at:%Y-%m-%d %H:%M}"


class ExternalIdentity(models.Model):
    """An account at an identity provider (OpenID Connect), named by the provider's issuer-
    stable ``subject``. An account may have one per provider."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    provider = models.CharField(_("identity provider"), max_length=64)
    subject = models.CharField(_("subject"), max_length=255)
    organization = models.ForeignKey(
        "seminars.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The agency or host organisation the provider's claims mapped to."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="one_account_per_subject"),
            models.UniqueConstraint(fields=["provider", "user"], name="one_subject_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"
