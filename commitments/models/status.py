from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.visibility import VisibleQuerySet
from utilities.fields import MultiLineTextField

from ..choices import Confidence, Nature, Status
from ..rules import validate_date_window
from .sources import SourceFields


class StatusUpdateQuerySet(VisibleQuerySet):
    agreement_path = "obligation__commitment__agreement__"


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete a recorded status update."""


class StatusUpdate(models.Model):
    """One assessment of one obligation: append-only. The obligation's current status is
    that of its latest effective update (effective date, then time recorded); a back-dated
    update joins the log without overwriting a later one."""

    obligation = models.ForeignKey(
        to="commitments.Obligation",
        on_delete=models.PROTECT,
        related_name="status_updates",
    )
    status = models.CharField(verbose_name="status", max_length=32, choices=Status.choices)
    effective_on = models.DateField(verbose_name="effective date", validators=[validate_date_window])
    summary = MultiLineTextField(verbose_name="public summary", max_length=5_000)
    confidence = models.CharField(
        verbose_name="confidence",
        max_length=8,
        choices=Confidence.choices,
        default=Confidence.MEDIUM,
    )
    internal_note = MultiLineTextField(
        verbose_name="internal note",
        max_length=5_000,
        blank=True,
        help_text="For analysts only: never shown to partners or in emails.",
    )
    recorded_by = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="status_updates",
        verbose_name="analyst",
    )
    recorded_at = models.DateTimeField(verbose_name="recorded at", default=timezone.now, editable=False)
    # Set with the update and never changed (choices.NON_FULFILMENT_STATUSES only).
    reasons = models.ManyToManyField(
        to="commitments.NonFulfilmentReason",
        related_name="status_updates",
        blank=True,
        verbose_name="reasons for non-fulfilment",
    )
    incidents = models.ManyToManyField(
        to="commitments.Incident",
        related_name="cited_by",
        blank=True,
        verbose_name="incidents cited as evidence",
    )

    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_on", "-recorded_at", "-id"]
        get_latest_by = ["effective_on", "recorded_at", "id"]
        indexes = [
            models.Index(
                fields=["obligation", "-effective_on", "-recorded_at", "-id"],
                name="commitments_su_latest_idx",
            ),
            models.Index(fields=["-recorded_at"], name="commitments_su_recorded_idx"),  # the dashboard's recent
        ]

    def __str__(self) -> str:
        return f"{self.obligation}: {self.get_status_display()} from {self.effective_on:%d %b %Y}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("A status update is never changed; record a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("A status update is never deleted; record a new one.")

    def clean(self) -> None:
        if not self.obligation_id:
            return
        commitment = self.obligation.commitment
        if self.status == Status.VIOLATED and commitment.nature == Nature.ONE_OFF:
            raise ValidationError(
                {"status": "A one-off commitment is fulfilled or not; 'violated' is for ongoing ones."}
            )
        agreement = commitment.agreement
        if self.effective_on and self.effective_on < agreement.signed_on:
            raise ValidationError(
                {"effective_on": f"The effective date is before the agreement's date {agreement.signed_on:%d %b %Y}."}
            )
        # A day ahead of UTC is still "today" somewhere on Earth (UTC+14).
        if self.effective_on and self.effective_on > timezone.now().date() + timedelta(days=1):
            raise ValidationError({"effective_on": "The effective date is in the future."})


class StatusUpdateSource(SourceFields):
    """A source cited by a status update."""

    status_update = models.ForeignKey(
        to=StatusUpdate,
        on_delete=models.CASCADE,
        related_name="sources",
    )

    class Meta:
        ordering = ["published_on"]
