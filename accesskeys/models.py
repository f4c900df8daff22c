"""What the signed links cannot carry themselves: which were spent, which were replaced.

Neither table holds personal data: subjects are stored as a hash.
"""

from django.db import models


class SpentKey(models.Model):
    """A single-use link that has been used. The unique constraint makes two requests racing
    with one link spend it once: the second insert fails."""

    purpose = models.CharField(max_length=64)
    nonce = models.CharField(max_length=32)
    spent_at = models.DateTimeField(auto_now_add=True)
    # After this the link is refused as expired anyway, so the row may be purged.
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["purpose", "nonce"], name="spend_a_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.nonce}"


class KeyVersion(models.Model):
    """The current version of one subject's links of one kind. Every link carries the version
    it was issued under; raising it revokes every older link at once."""

    scope = models.CharField(max_length=64, unique=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.scope[:12]} v{self.version}"
