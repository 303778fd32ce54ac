from datetime import timedelta

from django.conf import settings
from django.db import models

from core.visibility import VisibleQuerySet

from ..access import readable_alerts
from ..choices import AlertKind, ResolvedReason


class AlertQuerySet(VisibleQuerySet):
    def visible_to(self, user, *, include_unverified: bool = True):
        """The alerts ``user`` may be told of (tracker.access.readable_alerts)."""
        return self.filter(readable_alerts(user, include_unverified=include_unverified))


class Alert(models.Model):
    """An event about one obligation: due soon (``lead_time`` before the due moment),
    overdue, its status changed (``status_update``), or an analyst linked an incident to
    it (``incident_link``).

    The deadline engine raises each deadline alert once: the unique constraint on
    (obligation, kind, due moment, lead time) holds however often and however concurrently
    the sweep runs. A revised deadline is a new due moment, so it can raise new alerts.
    A status update raises one status-changed alert."""

    kind = models.CharField(verbose_name="kind", max_length=16, choices=AlertKind.choices)
    # No index of their own: the unique constraint's index starts with the obligation, and
    # every index slows the sweep's bulk INSERT (see benchmarks/sweep.py).
    obligation = models.ForeignKey(
        to="commitments.Obligation",
        on_delete=models.PROTECT,
        related_name="alerts",
        db_index=False,
    )
    party = models.ForeignKey(
        to="parties.Party",
        on_delete=models.PROTECT,
        related_name="alerts",
        db_index=False,
    )
    due_at = models.DateTimeField(verbose_name="due moment", null=True, blank=True)
    # Indexed only where set, by the partial unique constraint below: a full index would
    # slow the sweep's bulk inserts, where it is always empty.
    status_update = models.ForeignKey(
        to="commitments.StatusUpdate",
        on_delete=models.PROTECT,
        related_name="alerts",
        null=True,
        blank=True,
        db_index=False,
    )
    # For an incident-linked alert: the analyst's link of an incident to this obligation.
    incident_link = models.ForeignKey(
        to="commitments.IncidentLink",
        on_delete=models.PROTECT,
        related_name="alerts",
        null=True,
        blank=True,
        db_index=False,
    )
    lead_time = models.DurationField(
        verbose_name="lead time",
        default=timedelta(0),
        help_text="For a due-soon alert: how long before the due moment it was raised.",
    )
    raised_at = models.DateTimeField(verbose_name="raised at")
    acknowledged_at = models.DateTimeField(verbose_name="acknowledged at", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,  # no list filters on it, and the sweep inserts stay lean
        verbose_name="acknowledged by",
    )

    # Set by the system when the alert's cause is gone (tracker.services.alerts_resolve):
    # a resolved alert leaves the unacknowledged list, and messages still queued for it
    # are not sent.
    resolved_at = models.DateTimeField(verbose_name="resolved at", null=True, blank=True)
    resolved_reason = models.CharField(
        verbose_name="resolved because", max_length=32, choices=ResolvedReason.choices, blank=True, db_default=""
    )

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            # The dashboard's newest waiting alerts: read in order, not sorted out of all.
            models.Index(
                fields=["-raised_at", "-id"],
                condition=models.Q(acknowledged_at__isnull=True, resolved_at__isnull=True),
                name="tracker_alert_waiting_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "kind", "due_at", "lead_time"],
                condition=models.Q(kind__in=AlertKind.deadline_kinds()),
                name="%(app_label)s_%(class)s_unique_moment",
            ),
            models.UniqueConstraint(
                fields=["status_update"],
                condition=models.Q(kind=AlertKind.STATUS_CHANGED),
                name="%(app_label)s_%(class)s_unique_status_update",
            ),
            models.UniqueConstraint(
                fields=["incident_link"],
                condition=models.Q(kind=AlertKind.INCIDENT_LINKED),
                name="%(app_label)s_%(class)s_unique_incident_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.obligation}"

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None

    @property
    def acknowledgeable(self) -> bool:
        """Waiting for a person: nobody acknowledged it and its cause is not gone."""
        return self.acknowledged_at is None and self.resolved_at is None

    @property
    def due_text(self) -> str:
        """The due moment, short enough for a table cell: the due day in the agreement's zone
        (a due moment is the end of that day there)."""
        from commitments.rules import due_day

        if self.due_at is None:
            return "no deadline"
        zone = self.obligation.commitment.agreement.tzinfo
        return f"end of {due_day(self.due_at, zone):%-d %b %Y} ({zone.key})"
