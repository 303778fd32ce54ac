from django.db import models
from simple_history.models import HistoricalRecords

from core.visibility import VisibleQuerySet
from utilities.fields import MultiLineTextField, OneLineTextField

from .choices import PartyKind
from .validators import normalise_party_code, validate_aliases, validate_party_code


class Party(models.Model):
    """A state, armed group or organisation that makes, mediates or receives commitments."""

    code = OneLineTextField(
        verbose_name="code",
        max_length=40,
        unique=True,
        help_text="ISO 3166-1 alpha-3 for a state (ARM); a short slug otherwise (icrc).",
    )
    name = OneLineTextField(verbose_name="name", max_length=200)
    short_name = OneLineTextField(verbose_name="short name", max_length=60, blank=True)
    kind = models.CharField(verbose_name="kind", max_length=32, choices=PartyKind.choices)
    aliases = models.JSONField(
        verbose_name="aliases",
        default=list,
        blank=True,
        help_text="Other names and adjectives texts use for the party (Armenian, Yerevan).",
        validators=[validate_aliases],
    )
    description = MultiLineTextField(verbose_name="description", max_length=5_000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VisibleQuerySet.as_manager()  # every reader reads every party
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        self.code = normalise_party_code(self.kind, self.code)
        validate_party_code(self.kind, self.code)
