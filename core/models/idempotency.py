from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class IdempotencyKey(models.Model):
    """A key a client sent with a write (the API's Idempotency-Key header, or the one-time
    token of a page form) and the response of that write, kept for 24 hours.

    The row is inserted in the transaction of the write it guards, and the unique
    constraints make a second request with the same key wait for the first to finish
    (PostgreSQL) and then find its row: a retried or doubled request never writes twice.
    Keys are scoped per user and per API token (session requests have no token)."""

    user = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique constraints' indexes start with the user
    )
    token = models.ForeignKey(
        to="core.ApiToken",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="API token",
    )
    key = models.CharField(verbose_name="key", max_length=255)
    request_hash = models.CharField(
        verbose_name="request hash",
        max_length=64,
        help_text="SHA-256 of the method, path and body of the request that used the key first.",
    )
    response_status = models.PositiveSmallIntegerField(verbose_name="response status", null=True, blank=True)
    response_body = models.JSONField(verbose_name="response body", encoder=DjangoJSONEncoder, null=True, blank=True)
    created_at = models.DateTimeField(verbose_name="created at", db_index=True)

    class Meta:
        db_table = "tracker_idempotencykey"  # created by tracker's migrations; moved in state only
        verbose_name = "idempotency key"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "token", "key"],
                condition=models.Q(token__isnull=False),
                name="tracker_idempotencykey_unique_per_token",  # the existing constraint's name,
            ),
            # NULLs are distinct in a unique index: session keys need a constraint of their own.
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=models.Q(token__isnull=True),
                name="tracker_idempotencykey_unique_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.user_id})"
