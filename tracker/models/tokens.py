import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored: the key is shown once, when
    issued. It may be read-only, expires, and can be revoked."""

    user = models.ForeignKey(to=settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(verbose_name="name", max_length=100, blank=True)
    prefix = models.CharField(verbose_name="prefix", max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(verbose_name="read-only", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(verbose_name="expires at", null=True, blank=True)
    revoked_at = models.DateTimeField(verbose_name="revoked at", null=True, blank=True)
    last_used_at = models.DateTimeField(verbose_name="last used at", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, read_only: bool = True, expires_in_days: int | None = None, name: str = ""):
        """Create a token; return (token, key). The key is not stored and not shown again."""
        key = secrets.token_urlsafe(32)
        expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
        token = cls.objects.create(
            user=user, name=name, prefix=key[:8], key_hash=cls.hash(key), read_only=read_only, expires_at=expires_at
        )
        return token, key

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
