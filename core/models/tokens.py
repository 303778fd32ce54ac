import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..choices import TokenKind


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored: the key is shown once, when
    issued. It may be read-only, expires, and can be revoked.

    A calendar feed key (kind ``feed``) is always read-only and opens the deadlines feed
    only, given in its URL; an API token (kind ``api``) works in the Authorization header
    on every endpoint and never in a URL."""

    user = models.ForeignKey(to=settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(verbose_name="name", max_length=100, blank=True)
    prefix = models.CharField(verbose_name="prefix", max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    kind = models.CharField(verbose_name="kind", max_length=4, choices=TokenKind.choices, default=TokenKind.API)
    read_only = models.BooleanField(verbose_name="read-only", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(verbose_name="expires at", null=True, blank=True)
    revoked_at = models.DateTimeField(verbose_name="revoked at", null=True, blank=True)
    last_used_at = models.DateTimeField(verbose_name="last used at", null=True, blank=True, editable=False)

    class Meta:
        db_table = "tracker_apitoken"  # created by tracker's migrations; moved in state only
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def new_key(self) -> str:
        """Give this (unsaved) token a new key; return the key, which is not stored."""
        key = secrets.token_urlsafe(32)
        self.prefix, self.key_hash = key[:8], self.hash(key)
        if self.kind == TokenKind.FEED:
            self.read_only = True
        return key

    @classmethod
    def issue(
        cls,
        *,
        user,
        read_only: bool = True,
        expires_in_days: int | None = None,
        name: str = "",
        kind: str = TokenKind.API,
    ):
        """Create a token; return (token, key). The key is not stored and not shown again."""
        expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
        token = cls(user=user, name=name, kind=kind, read_only=read_only, expires_at=expires_at)
        key = token.new_key()
        token.save()
        return token, key

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
