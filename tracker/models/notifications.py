from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from commitments.choices import Category
from commitments.rules import validate_time_zone

from ..access import readable_alerts
from ..choices import AlertKind, Delivery, MessageKind, OutboxStatus


class Recipient(models.Model):
    """An email address that receives alerts: a user's, or a partner focal point's with no
    login. Nothing but the confirmation is sent before the address is confirmed (double
    opt-in), and nothing at all once SMTP has rejected it permanently."""

    email = models.EmailField(verbose_name="email address", unique=True)
    user = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="alert_recipients",
        null=True,
        blank=True,
    )
    confirmed_at = models.DateTimeField(verbose_name="confirmed at", null=True, blank=True)
    bounced_at = models.DateTimeField(verbose_name="rejected by SMTP at", null=True, blank=True)
    bounce_reason = models.TextField(verbose_name="rejection", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def deliverable(self) -> bool:
        return self.confirmed_at is not None and self.bounced_at is None

    def readable_alerts(self, *, include_unverified: bool = False) -> Q:
        """The alerts this address may be told about (its user's role; no login: published
        agreements and incidents only, reports still unverified only if asked for: see
        access.readable_alerts). Applied when a message is queued and again when it is sent."""
        return readable_alerts(self.user, include_unverified=include_unverified)


class Subscription(models.Model):
    """Which alerts a recipient wants, and how: immediately or in a daily digest at a local
    hour. An empty filter matches everything."""

    recipient = models.ForeignKey(
        to=Recipient,
        on_delete=models.PROTECT,
        related_name="subscriptions",
    )
    agreement = models.ForeignKey(
        to="commitments.Agreement",
        on_delete=models.PROTECT,
        related_name="subscriptions",
        null=True,
        blank=True,
    )
    party = models.ForeignKey(
        to="parties.Party",
        on_delete=models.PROTECT,
        related_name="subscriptions",
        null=True,
        blank=True,
    )
    # "Watch" on a commitment's page: alerts about this commitment only.
    commitment = models.ForeignKey(
        to="commitments.Commitment",
        on_delete=models.PROTECT,
        related_name="subscriptions",
        null=True,
        blank=True,
    )
    category = models.CharField(verbose_name="category", max_length=32, choices=Category.choices, blank=True)
    on_due_soon = models.BooleanField(verbose_name="due soon", default=True)
    on_overdue = models.BooleanField(verbose_name="overdue", default=True)
    on_status_changed = models.BooleanField(verbose_name="status changed", default=True)
    on_incident_linked = models.BooleanField(verbose_name="incident linked", default=True)
    include_unverified = models.BooleanField(
        verbose_name="include unverified incidents",
        default=False,
        help_text="Also tell of incidents still only reported (not yet corroborated or verified).",
    )
    delivery = models.CharField(
        verbose_name="delivery", max_length=16, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    digest_hour = models.PositiveSmallIntegerField(
        verbose_name="digest hour",
        default=8,
        validators=[MaxValueValidator(23, "The hour is 0-23.")],
        help_text="Local hour (0-23) at which the daily digest is sent.",
    )
    timezone = models.CharField(verbose_name="time zone", max_length=64, default="UTC", validators=[validate_time_zone])
    last_digest_at = models.DateTimeField(verbose_name="last digest up to", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    unsubscribed_at = models.DateTimeField(verbose_name="unsubscribed at", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["recipient", "-created_at"]

    def __str__(self) -> str:
        scope = ", ".join(
            str(x)
            for x in (self.agreement, self.commitment, self.party, self.get_category_display() if self.category else "")
            if x
        )
        return f"{self.recipient}: {scope or 'everything'} ({self.get_delivery_display().lower()})"

    @property
    def active(self) -> bool:
        return self.unsubscribed_at is None

    def kinds(self) -> list[str]:
        wanted = {
            AlertKind.DUE_SOON: self.on_due_soon,
            AlertKind.OVERDUE: self.on_overdue,
            AlertKind.STATUS_CHANGED: self.on_status_changed,
            AlertKind.INCIDENT_LINKED: self.on_incident_linked,
        }
        return [kind for kind, on in wanted.items() if on]

    def alert_filter(self) -> Q:
        """The alerts this subscription asks for: the one place of the matching rule. What
        its recipient may read is applied on top (Recipient.readable_alerts)."""
        q = Q(kind__in=self.kinds())
        if self.agreement_id:
            q &= Q(obligation__commitment__agreement_id=self.agreement_id)
        if self.commitment_id:
            q &= Q(obligation__commitment_id=self.commitment_id)
        if self.party_id:
            q &= Q(party_id=self.party_id)
        if self.category:
            q &= Q(obligation__commitment__category=self.category)
        return q

    def readable_alerts(self) -> Q:
        """What its recipient may be told of, with this subscription's choice about
        unverified incidents: the rule for queueing, digests and the check at sending."""
        return self.recipient.readable_alerts(include_unverified=self.include_unverified)

    def clean(self) -> None:
        if not self.kinds():
            raise ValidationError({"on_overdue": "Choose at least one kind of alert."})


class OutboundEmail(models.Model):
    """The outbox: one row per message to send, written in the transaction that caused it,
    then sent by the sender task. Unique per (alert, subscription), per (subscription,
    digest day) and per recipient's confirmation, so nothing is queued twice; a row is
    sent at most once except in the window documented in docs/email.md."""

    kind = models.CharField(verbose_name="kind", max_length=16, choices=MessageKind.choices)
    recipient = models.ForeignKey(to=Recipient, on_delete=models.PROTECT, related_name="messages")
    subscription = models.ForeignKey(
        to=Subscription, on_delete=models.PROTECT, related_name="messages", null=True, blank=True
    )
    alert = models.ForeignKey(
        to="tracker.Alert", on_delete=models.PROTECT, related_name="messages", null=True, blank=True
    )
    digest_date = models.DateField(verbose_name="digest day", null=True, blank=True)
    digest_alert_ids = models.JSONField(verbose_name="alerts in the digest", null=True, blank=True)
    status = models.CharField(
        verbose_name="status", max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(verbose_name="attempts", default=0)
    next_attempt_at = models.DateTimeField(verbose_name="next attempt at")
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(verbose_name="sent at", null=True, blank=True)
    subject = models.CharField(verbose_name="subject", max_length=300, blank=True, db_default="")
    last_error = models.TextField(verbose_name="last error", blank=True, db_default="")
    created_at = models.DateTimeField(verbose_name="queued at")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outbound email"
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "subscription"],
                condition=Q(kind=MessageKind.ALERT),
                name="%(app_label)s_%(class)s_unique_alert",
            ),
            models.UniqueConstraint(
                fields=["subscription", "digest_date"],
                condition=Q(kind=MessageKind.DIGEST),
                name="%(app_label)s_%(class)s_unique_digest",
            ),
            models.UniqueConstraint(
                fields=["recipient"],
                condition=Q(kind=MessageKind.CONFIRMATION),
                name="%(app_label)s_%(class)s_unique_confirmation",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="tracker_outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} ({self.get_status_display().lower()})"

    def readable_alerts(self) -> Q:
        """What this message's recipient may be told of now, with its subscription's
        choice about unverified incidents (the recipient and subscription as loaded with
        the message: no query of its own)."""
        include = self.subscription.include_unverified if self.subscription_id else False
        return self.recipient.readable_alerts(include_unverified=include)
