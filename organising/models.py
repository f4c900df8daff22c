"""What the organiser workspace stores beyond seminars and registrations: invitations."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from seminars.models import Organization, Seminar, SeminarRole


class Invitation(models.Model):
    """An emailed invitation to take a role in a seminar. The link is a single-use token of
    accesskeys (purpose ``organising.invitation``) naming this row."""

    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"), max_length=254)
    role = models.CharField(_("role"), max_length=16, choices=SeminarRole.Role.choices)
    agency = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.role} ({self.seminar_id})"
