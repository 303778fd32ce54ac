from django.db import models


class AlertKind(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    STATUS_CHANGED = "status_changed", "Status changed"
    INCIDENT_LINKED = "incident_linked", "Incident linked"

    @classmethod
    def deadline_kinds(cls) -> list[str]:
        """Kinds raised by the deadline engine: one per obligation, due moment, lead time."""
        return [cls.DUE_SOON, cls.OVERDUE]


class ResolvedReason(models.TextChoices):
    """Why the system resolved an alert: its cause is gone."""

    FULFILLED = "fulfilled", "Obligation fulfilled"
    SUPERSEDED = "superseded", "Obligation superseded (withdrawn)"
    DEADLINE_MOVED = "deadline_moved", "Deadline moved past now"
    DEADLINE_REVISED = "deadline_revised", "Deadline revised (this alert was for the old one)"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "Immediately"
    DIGEST = "digest", "Daily digest"


class MessageKind(models.TextChoices):
    ALERT = "alert", "Alert"
    DIGEST = "digest", "Digest"
    CONFIRMATION = "confirmation", "Address confirmation"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled (unsubscribed or unconfirmed)"
