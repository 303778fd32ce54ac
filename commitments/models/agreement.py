from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from core.roles import readable_agreements
from core.visibility import VisibleQuerySet
from utilities.fields import MultiLineTextField, OneLineTextField

from ..choices import RELATION_INVERSE_LABELS, AgreementKind, ParticipantRole, RelationKind
from ..rules import validate_date_window, validate_time_zone
from .sources import SourceFields


class AgreementQuerySet(VisibleQuerySet):
    agreement_path = ""


class ParticipantQuerySet(VisibleQuerySet):
    agreement_path = "agreement__"


class RelationQuerySet(VisibleQuerySet):
    """A relation is read when both its agreements are (a partner never learns of a
    draft from the published agreement it implements or supersedes)."""

    agreement_path = "agreement__"

    def visible_to(self, user):
        return super().visible_to(user).filter(readable_agreements(user, "related_agreement__"))


class Agreement(models.Model):
    """A ceasefire agreement, joint statement, protocol or unilateral declaration."""

    title = OneLineTextField(verbose_name="title", max_length=300)
    kind = models.CharField(verbose_name="kind", max_length=32, choices=AgreementKind.choices)
    signed_on = models.DateField(
        verbose_name="date",
        help_text="The day it was signed or issued; relative deadlines count from here.",
        validators=[validate_date_window],
    )
    venue = OneLineTextField(verbose_name="venue", max_length=200, blank=True)
    timezone = models.CharField(
        verbose_name="venue time zone",
        max_length=64,
        default="UTC",
        help_text="IANA name, e.g. Europe/Zurich. Deadlines end at midnight in this zone.",
        validators=[validate_time_zone],
    )
    summary = MultiLineTextField(verbose_name="summary", max_length=10_000, blank=True)
    published = models.BooleanField(
        verbose_name="published",
        default=False,
        help_text="Partners see an agreement and its commitments only once it is published.",
    )
    published_at = models.DateTimeField(verbose_name="published at", null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
        verbose_name="published by",
    )
    parties = models.ManyToManyField(
        to="parties.Party",
        through="AgreementParticipant",
        related_name="agreements",
        blank=True,
    )
    related_agreements = models.ManyToManyField(
        to="self",
        through="AgreementRelation",
        symmetrical=False,
        related_name="related_from",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-signed_on", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "signed_on"],
                name="%(app_label)s_%(class)s_unique_title_date",
                violation_error_message="An agreement with this title and date already exists.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.signed_on:%d %b %Y})"

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class AgreementParticipant(models.Model):
    """A party's role in an agreement: signatory, mediator or witness."""

    agreement = models.ForeignKey(
        to=Agreement,
        on_delete=models.CASCADE,
        related_name="participants",
    )
    party = models.ForeignKey(
        to="parties.Party",
        on_delete=models.PROTECT,
        related_name="agreement_roles",
    )
    role = models.CharField(verbose_name="role", max_length=16, choices=ParticipantRole.choices)

    objects = ParticipantQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "party__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "party", "role"],
                name="%(app_label)s_%(class)s_unique_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.party} ({self.get_role_display()})"


class AgreementRelation(models.Model):
    """This agreement implements or supersedes an earlier one."""

    agreement = models.ForeignKey(
        to=Agreement,
        on_delete=models.CASCADE,
        related_name="relations",
    )
    related_agreement = models.ForeignKey(
        to=Agreement,
        on_delete=models.PROTECT,
        related_name="relations_from",
        verbose_name="earlier agreement",
    )
    kind = models.CharField(verbose_name="relation", max_length=16, choices=RelationKind.choices)

    objects = RelationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "related_agreement", "kind"],
                name="%(app_label)s_%(class)s_unique_relation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.related_agreement}"

    def get_inverse_kind_display(self) -> str:
        """The relation as the earlier agreement's page names it ("Implemented by")."""
        return RELATION_INVERSE_LABELS[self.kind]

    def clean(self) -> None:
        if self.agreement_id and self.agreement_id == self.related_agreement_id:
            raise ValidationError({"related_agreement": "An agreement cannot relate to itself."})


class AgreementSource(SourceFields):
    """A document the agreement's text is taken from."""

    agreement = models.ForeignKey(
        to=Agreement,
        on_delete=models.CASCADE,
        related_name="sources",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["published_on"]
