import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# A share link is sent by email and forwarded: it expires, and the analyst can revoke it.
SHARE_DAYS = 30
# 32 random bytes: a link cannot be guessed, however many guesses are made.
KEY_BYTES = 32


class ReportShare(models.Model):
    """A read-only link to the compliance report of a published agreement or of a party,
    opened without a login (/reports/shared/<key>/). Only the key's SHA-256 is stored (as
    for API tokens): the link is shown once, when created. Opening it checks, every time,
    that it is not expired or revoked and that the agreement is still published."""

    agreement = models.ForeignKey(
        to="commitments.Agreement", on_delete=models.CASCADE, related_name="report_shares", null=True, blank=True
    )
    party = models.ForeignKey(
        to="parties.Party", on_delete=models.CASCADE, related_name="report_shares", null=True, blank=True
    )
    prefix = models.CharField(verbose_name="prefix", max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(to=settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(verbose_name="expires at")
    revoked_at = models.DateTimeField(verbose_name="revoked at", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agreement__isnull=False, party__isnull=True)
                | Q(agreement__isnull=True, party__isnull=False),
                name="%(app_label)s_%(class)s_one_subject",
                violation_error_message="A share link is for one agreement or one party.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.agreement or self.party})"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new(cls, *, user, agreement=None, party=None, days: int = SHARE_DAYS) -> tuple["ReportShare", str]:
        """An unsaved share and its key (which is not stored)."""
        key = secrets.token_urlsafe(KEY_BYTES)
        share = cls(
            agreement=agreement,
            party=party,
            created_by=user,
            prefix=key[:8],
            key_hash=cls.hash(key),
            expires_at=timezone.now() + timedelta(days=days),
        )
        return share, key

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
