from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from core.visibility import VisibleQuerySet
from utilities.fields import MultiLineTextField, OneLineTextField

from .. import rules
from ..choices import Category, Nature, Status


class CommitmentQuerySet(VisibleQuerySet):
    agreement_path = "agreement__"


class ObligationQuerySet(VisibleQuerySet):
    agreement_path = "commitment__agreement__"


class Commitment(models.Model):
    """One pledge in an agreement. The parties it binds are its obligations.

    ``status`` and ``fulfilled_on`` are derived from the obligations (rules.rollup_status)
    and ``current_deadline`` is the latest revision of the deadline; services keep them
    up to date, nobody types them.
    """

    agreement = models.ForeignKey(
        to="commitments.Agreement",
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    reference = OneLineTextField(
        verbose_name="reference",
        max_length=50,
        help_text='Where it stands in the agreement, e.g. "para 3".',
    )
    title = OneLineTextField(verbose_name="short title", max_length=200)
    text = MultiLineTextField(verbose_name="verbatim text", max_length=20_000)
    category = models.CharField(verbose_name="category", max_length=32, choices=Category.choices)
    nature = models.CharField(verbose_name="nature", max_length=16, choices=Nature.choices)
    condition = MultiLineTextField(
        verbose_name="trigger",
        max_length=2_000,
        blank=True,
        help_text="For a conditional commitment: the event that triggers it, in words.",
    )
    recipients = models.ManyToManyField(
        to="parties.Party",
        related_name="commitments_received",
        blank=True,
        verbose_name="beneficiaries or recipients",
    )
    status = models.CharField(
        verbose_name="status",
        max_length=32,
        choices=Status.choices,
        default=Status.NOT_STARTED,
        editable=False,
    )
    fulfilled_on = models.DateField(verbose_name="fulfilled on", null=True, blank=True, editable=False)
    current_deadline = models.ForeignKey(
        to="commitments.Deadline",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
        verbose_name="deadline",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommitmentQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[recipients])

    class Meta:
        ordering = ["agreement", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "reference"],
                name="%(app_label)s_%(class)s_unique_reference",
                violation_error_message="This agreement already has a commitment with this reference.",
            )
        ]
        # The API pages by updated_at (and partners sync with updated_since).
        indexes = [models.Index(fields=["updated_at", "id"], name="commitments_commitment_upd_idx")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def due_at(self):
        return self.current_deadline.due_at if self.current_deadline else None

    @property
    def due_date(self):
        return self.current_deadline.due_date if self.current_deadline else None

    def due_text(self) -> str:
        """The due moment in the venue's zone and in UTC, as the pages and emails give it;
        for a chained deadline not yet resolved, what it waits for; '' without a deadline."""
        deadline = self.current_deadline
        if deadline is None:
            return ""
        if deadline.due_at is None:
            return f"{deadline.describe()}; not yet due"
        return rules.format_due(deadline.due_at, self.agreement.tzinfo)

    def clean(self) -> None:
        if self.nature == Nature.CONDITIONAL and not self.condition.strip():
            raise ValidationError({"condition": "A conditional commitment needs its trigger in words."})
        if self.nature != Nature.CONDITIONAL and self.condition.strip():
            raise ValidationError({"condition": "Only a conditional commitment has a trigger."})


class Obligation(models.Model):
    """What one commitment asks of one bound party, with that party's own status.

    ``status`` is the status of the latest effective StatusUpdate; ``due_at`` follows the
    commitment's current deadline; ``overdue`` and ``overdue_since`` are set by the
    deadline engine alone.
    """

    commitment = models.ForeignKey(
        to=Commitment,
        on_delete=models.CASCADE,
        related_name="obligations",
    )
    party = models.ForeignKey(
        to="parties.Party",
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    status = models.CharField(
        verbose_name="status",
        max_length=32,
        choices=Status.choices,
        default=Status.NOT_STARTED,
        editable=False,
    )
    status_effective_on = models.DateField(verbose_name="status effective on", null=True, blank=True, editable=False)
    # The commitment's current due moment, copied here so the deadline engine's sweep is a
    # single-table UPDATE (services keep it in step; a per-party extension can set it apart).
    due_at = models.DateTimeField(verbose_name="due moment", null=True, blank=True, editable=False)
    overdue = models.BooleanField(verbose_name="overdue", default=False, editable=False)
    overdue_since = models.DateTimeField(verbose_name="overdue since", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ObligationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment", "party__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "party"],
                name="%(app_label)s_%(class)s_unique_party",
                violation_error_message="This party is already bound by this commitment.",
            )
        ]
        indexes = [
            models.Index(fields=["due_at"], name="commitments_obligation_due_idx"),
            # The overdue ones, oldest first (the dashboard), and any read of overdue=True.
            models.Index(
                fields=["overdue_since", "id"],
                condition=models.Q(overdue=True),
                name="commitments_obligation_ods_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment} — {self.party}"
