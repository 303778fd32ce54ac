from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from utilities.fields import MultiLineTextField, OneLineTextField
from utilities.validators import validate_web_url

from .. import rules


class Deadline(models.Model):
    """One revision of a commitment's deadline. Revisions are appended, never edited: the
    first is the original, each later one an extension (or correction) with its reason
    and source. The commitment points at its current revision.

    A deadline is a date (``due_on``) or "within N days" (``within_days``) of the
    agreement's date or, when ``after_commitment`` is set, of that commitment's
    fulfilment (chained). It resolves to ``due_date``, the local due day, and ``due_at``,
    the instant that day ends in the agreement's time zone. A chained deadline has neither
    until what it hangs on is fulfilled.
    """

    commitment = models.ForeignKey(
        to="commitments.Commitment",
        on_delete=models.CASCADE,
        related_name="deadlines",
    )
    revision = models.PositiveIntegerField(verbose_name="revision", editable=False)
    due_on = models.DateField(verbose_name="due on", null=True, blank=True)
    within_days = models.PositiveIntegerField(
        verbose_name="within days",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, "The number of days must be at least 1."),
            MaxValueValidator(
                rules.LONGEST_DEADLINE_DAYS, f"The number of days must be at most {rules.LONGEST_DEADLINE_DAYS:,}."
            ),
        ],
    )
    after_commitment = models.ForeignKey(
        to="commitments.Commitment",
        on_delete=models.PROTECT,
        related_name="dependent_deadlines",
        null=True,
        blank=True,
        verbose_name="after fulfilment of",
        help_text="Leave empty to count the days from the agreement's date.",
    )
    due_date = models.DateField(verbose_name="due date", null=True, blank=True, editable=False)
    due_at = models.DateTimeField(verbose_name="due moment", null=True, blank=True, editable=False)
    reason = MultiLineTextField(verbose_name="reason", max_length=2_000, blank=True)
    source_url = models.URLField(verbose_name="source URL", max_length=500, blank=True, validators=[validate_web_url])
    source_publisher = OneLineTextField(verbose_name="source publisher", max_length=200, blank=True)
    source_published_on = models.DateField(
        verbose_name="source publication date", null=True, blank=True, validators=[rules.validate_date_window]
    )
    recorded_by = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "revision"],
                name="%(app_label)s_%(class)s_unique_revision",
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=False, within_days__isnull=True, after_commitment__isnull=True)
                | Q(due_on__isnull=True, within_days__gte=1),
                name="%(app_label)s_%(class)s_date_xor_days",
                violation_error_message="Give a date, or a number of days (at least 1), not both.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.describe()} (revision {self.revision})"

    @property
    def is_chained(self) -> bool:
        return self.after_commitment_id is not None

    def describe(self) -> str:
        if self.due_on:
            return f"by {self.due_on:%d %b %Y}"
        anchor = f"fulfilment of {self.after_commitment}" if self.is_chained else "the agreement's date"
        return f"within {self.within_days} days of {anchor}"

    def resolve(self) -> None:
        """Set ``due_date`` and ``due_at`` from the rule and what it hangs on."""
        agreement = self.commitment.agreement
        if self.due_on:
            self.due_date = self.due_on
        elif not self.is_chained:
            self.due_date = rules.due_date_after(agreement.signed_on, self.within_days)
        elif self.after_commitment.fulfilled_on:
            self.due_date = rules.due_date_after(self.after_commitment.fulfilled_on, self.within_days)
        else:
            self.due_date = None
        self.due_at = rules.end_of_day(self.due_date, agreement.tzinfo) if self.due_date else None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.due_on and self.within_days is not None:
            msg = "Give either a date or a number of days, not both."
            errors.update(due_on=msg, within_days=msg)
        elif not self.due_on and self.within_days is None:
            msg = "Give a date or a number of days."
            errors.update(due_on=msg, within_days=msg)
        if self.due_on and self.after_commitment_id:
            errors["after_commitment"] = "A dated deadline does not hang on another commitment."
        if self.revision and self.revision > 1 and not self.reason.strip():
            errors["reason"] = "Say why the deadline changes."
        if self.revision and self.revision > 1 and not (self.source_url or self.source_publisher):
            errors["source_publisher"] = "Name the source of the change (a publisher or a URL)."
        commitment = self._commitment_or_none()
        if commitment is not None:
            agreement = commitment.agreement
            if self.due_on and self.due_on < agreement.signed_on:
                errors["due_on"] = (
                    f"The deadline {self.due_on:%d %b %Y} is before the agreement's date "
                    f"{agreement.signed_on:%d %b %Y}."
                )
            elif self.due_on and (self.due_on - agreement.signed_on).days > rules.LONGEST_DEADLINE_DAYS:
                errors["due_on"] = (
                    f"The deadline {self.due_on:%d %b %Y} is more than {rules.LONGEST_DEADLINE_DAYS:,} days "
                    f"after the agreement's date {agreement.signed_on:%d %b %Y}."
                )
            if self.after_commitment_id and commitment.pk:
                cycle = self.find_cycle()
                if cycle:
                    errors["after_commitment"] = cycle
        if errors:
            raise ValidationError(errors)

    def _commitment_or_none(self):
        # A deadline is validated before a new commitment is saved: use it if assigned.
        if self.commitment_id or Deadline.commitment.is_cached(self):
            return self.commitment
        return None

    def find_cycle(self) -> str:
        """Follow the chain of current deadlines from ``after_commitment``; return a message
        when it leads back to this commitment, else ''."""
        if self.after_commitment_id == self.commitment_id:
            return "A deadline cannot hang on the fulfilment of its own commitment."
        path = [self.commitment, self.after_commitment]
        seen = {self.commitment_id}
        node = self.after_commitment
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            deadline = node.current_deadline
            node = deadline.after_commitment if deadline else None
            if node is not None:
                path.append(node)
        if node is not None and node.pk == self.commitment_id:
            chain = " → ".join(c.reference for c in path)
            return f"This chain of deadlines makes a cycle: {chain}."
        return ""
