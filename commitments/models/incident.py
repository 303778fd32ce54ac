from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.roles import readable_incidents
from core.visibility import VisibleQuerySet
from utilities.fields import MultiLineTextField, OneLineTextField

from ..access import readable_incident_links
from ..choices import Category, Confidence, IncidentRole, LinkState, Verification
from ..incident_types import EventType, SubEventType, sub_event_type_error
from ..rules import validate_date_window, validate_time_zone
from .sources import SourceFields

# Largest figure an incident can report (killed, injured, other): beyond any real event,
# small enough for every database's integer column.
MAX_FIGURE = 10_000_000


def validate_other_figures(value) -> None:
    """Other figures as reported: {"displaced": 120, "houses destroyed": 4}. Labels are one
    line of up to 100 characters, values whole numbers 0..MAX_FIGURE, at most 20."""
    from utilities.validators import validate_one_line_text

    if not isinstance(value, dict):
        raise ValidationError('Give the figures as an object of label to number, e.g. {"displaced": 120}.')
    if len(value) > 20:
        raise ValidationError("At most 20 other figures.")
    for label, number in value.items():
        if not isinstance(label, str) or not label.strip() or len(label) > 100:
            raise ValidationError("Each figure's label is text of 1 to 100 characters.")
        validate_one_line_text(label)
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= MAX_FIGURE:
            raise ValidationError(f'"{label}": a figure is a whole number from 0 to {MAX_FIGURE:,}.')


def _figure(verbose_name: str, help_text: str = ""):
    # Null is "not reported", which is not the same as zero.
    return models.PositiveIntegerField(
        verbose_name=verbose_name,
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_FIGURE)],
        help_text=help_text,
    )


class IncidentQuerySet(VisibleQuerySet):
    """Incidents are no agreement's: their own ``published`` decides (readable_incidents)."""

    def visible_to(self, user):
        return self.filter(readable_incidents(user))


class IncidentLinkQuerySet(VisibleQuerySet):
    """Links that hold, of a published incident to a published agreement's obligation for
    readers who are no analyst (commitments.access.readable_incident_links)."""

    def visible_to(self, user):
        return self.filter(readable_incident_links(user))


class AcledImport(models.Model):
    """One run of the ACLED importer (or its dry run): who, when, which file, what it did."""

    class State(models.TextChoices):
        PREVIEW = "preview", "Preview (nothing written)"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    file_name = OneLineTextField(verbose_name="file name", max_length=255)
    sha256 = models.CharField(verbose_name="SHA-256", max_length=64)
    started_by = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="started by",
    )
    started_at = models.DateTimeField(verbose_name="started at")
    finished_at = models.DateTimeField(verbose_name="finished at", null=True, blank=True)
    state = models.CharField(verbose_name="state", max_length=16, choices=State.choices)
    rows = models.PositiveIntegerField(verbose_name="rows read", default=0)
    created = models.PositiveIntegerField(verbose_name="incidents created", default=0)
    updated = models.PositiveIntegerField(verbose_name="incidents updated", default=0)
    unchanged = models.PositiveIntegerField(verbose_name="unchanged", default=0)
    retracted = models.PositiveIntegerField(verbose_name="marked retracted", default=0)
    links_proposed = models.PositiveIntegerField(verbose_name="links proposed", default=0)
    # [{"row": 12, "field": "event_date", "message": "..."}]; a bad row is skipped, the
    # others are imported.
    errors = models.JSONField(verbose_name="rows refused", default=list, blank=True)
    # {"actor name": rows}: actors with no mapping, listed for an analyst, never guessed.
    unmapped_actors = models.JSONField(verbose_name="unmapped actors", default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "ACLED import"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.started_at:%d %b %Y %H:%M})"


class Incident(models.Model):
    """A reported event that bears on whether parties keep their pledges: when, where,
    what, who is alleged responsible, who was affected, on what sources, how far it is
    verified. Imported from ACLED (``acled_event_id``) or entered by an analyst."""

    # When: the day (and time if known) in the place's own zone.
    occurred_on = models.DateField(verbose_name="date", validators=[validate_date_window])
    occurred_time = models.TimeField(verbose_name="time", null=True, blank=True)
    timezone = models.CharField(
        verbose_name="local time zone",
        max_length=64,
        default="UTC",
        help_text="IANA name of the place's zone, e.g. Asia/Baku.",
        validators=[validate_time_zone],
    )
    # Where.
    location = OneLineTextField(verbose_name="place", max_length=200)
    country = OneLineTextField(verbose_name="country", max_length=100, blank=True)
    admin1 = OneLineTextField(verbose_name="admin area 1", max_length=200, blank=True)
    admin2 = OneLineTextField(verbose_name="admin area 2", max_length=200, blank=True)
    admin3 = OneLineTextField(verbose_name="admin area 3", max_length=200, blank=True)
    latitude = models.DecimalField(
        verbose_name="latitude",
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        verbose_name="longitude",
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    geo_precision = models.PositiveSmallIntegerField(
        verbose_name="geo precision",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text="ACLED's scale: 1 the place itself, 2 near it, 3 the wider region.",
    )
    # What.
    event_type = models.CharField(verbose_name="type", max_length=32, choices=EventType.choices)
    sub_event_type = models.CharField(verbose_name="sub-type", max_length=40, choices=SubEventType.choices, blank=True)
    description = MultiLineTextField(verbose_name="description", max_length=10_000, blank=True)
    # Who: the actors as reported (ACLED's names); the parties they map to are below.
    actor1 = OneLineTextField(verbose_name="actor 1", max_length=300, blank=True)
    assoc_actor_1 = OneLineTextField(verbose_name="associated actors 1", max_length=1000, blank=True)
    actor2 = OneLineTextField(verbose_name="actor 2", max_length=300, blank=True)
    assoc_actor_2 = OneLineTextField(verbose_name="associated actors 2", max_length=1000, blank=True)
    interaction = models.PositiveSmallIntegerField(verbose_name="ACLED interaction code", null=True, blank=True)
    parties = models.ManyToManyField(
        to="parties.Party",
        through="IncidentParty",
        related_name="incidents",
        blank=True,
    )
    # Who was affected (null: not reported).
    fatalities = _figure("fatalities", "All deaths reported, as ACLED counts them.")
    civilians_killed = _figure("civilians killed")
    civilians_injured = _figure("civilians injured")
    other_figures = models.JSONField(
        verbose_name="other figures",
        default=dict,
        blank=True,
        validators=[validate_other_figures],
        help_text='Other figures as reported, e.g. {"displaced": 120}.',
    )
    # How sure.
    confidence = models.CharField(
        verbose_name="confidence", max_length=8, choices=Confidence.choices, default=Confidence.MEDIUM
    )
    verification = models.CharField(
        verbose_name="verification",
        max_length=16,
        choices=Verification.choices,
        default=Verification.REPORTED,
        help_text="Changed only with a reason; every change is kept.",
    )
    published = models.BooleanField(
        verbose_name="published",
        default=False,
        help_text="Partners see an incident, and hear of it by email, only once it is published.",
    )
    internal_note = MultiLineTextField(
        verbose_name="internal note",
        max_length=5_000,
        blank=True,
        help_text="For analysts only: never shown to partners or in emails.",
    )
    # ACLED's identity and version of the event; empty for incidents analysts enter.
    acled_event_id = models.CharField(verbose_name="ACLED event id", max_length=40, blank=True)
    acled_timestamp = models.BigIntegerField(verbose_name="ACLED timestamp", null=True, blank=True)
    acled_source = OneLineTextField(verbose_name="ACLED sources", max_length=2000, blank=True)
    acled_source_scale = OneLineTextField(verbose_name="ACLED source scale", max_length=200, blank=True)
    last_import = models.ForeignKey(
        to=AcledImport,
        on_delete=models.PROTECT,
        related_name="incidents",
        null=True,
        blank=True,
        editable=False,
        # No database constraint: the import writes this on every incident it touches,
        # and the check per row cost more than the rest of the row; PROTECT is Django's.
        db_constraint=False,
    )
    created_by = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
        db_constraint=False,  # as last_import; the index stays (deleting a user looks here)
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The history is read by incident (id) only: no index on the other keys it copies, no
    # database constraint to the user (the import writes a history row per incident).
    objects = IncidentQuerySet.as_manager()
    history = HistoricalRecords(user_db_constraint=False, no_db_index=["created_by", "last_import"])

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["acled_event_id"],
                condition=~models.Q(acled_event_id=""),
                name="%(app_label)s_%(class)s_unique_acled_event",
                violation_error_message="An incident with this ACLED event id already exists.",
            )
        ]
        indexes = [
            models.Index(fields=["occurred_on", "id"], name="commitments_incident_date_idx"),
            models.Index(fields=["updated_at", "id"], name="commitments_incident_upd_idx"),
        ]

    def __str__(self) -> str:
        what = self.get_sub_event_type_display() or self.get_event_type_display()
        return f"{what}, {self.location}, {self.occurred_on:%d %b %Y}"

    def clean(self) -> None:
        errors = {}
        error = sub_event_type_error(self.event_type, self.sub_event_type)
        if error:
            errors["sub_event_type"] = error
        # JSON null (a form's "null") is an empty value, which the field's validators skip;
        # the column is NOT NULL, so it is refused here rather than by the database.
        if self.other_figures is None:
            errors["other_figures"] = 'Give the figures as an object of label to number, e.g. {"displaced": 120}.'
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = (
                "Give both latitude and longitude, or neither."
            )
        # A day ahead of UTC is still "today" somewhere on Earth (UTC+14).
        if isinstance(self.occurred_on, date) and self.occurred_on > timezone.now().date() + timedelta(days=1):
            errors["occurred_on"] = "An incident's date cannot be in the future."
        if errors:
            raise ValidationError(errors)


class IncidentParty(models.Model):
    """A party alleged responsible for (or otherwise involved in) an incident. No party
    alleged means responsibility unknown."""

    # No single-column indexes: the unique (incident, party, role) serves lookups by
    # incident, and (party, role) those by party.
    incident = models.ForeignKey(to=Incident, on_delete=models.CASCADE, related_name="party_roles", db_index=False)
    party = models.ForeignKey(
        to="parties.Party", on_delete=models.PROTECT, related_name="incident_roles", db_index=False
    )
    role = models.CharField(verbose_name="role", max_length=16, choices=IncidentRole.choices)

    # Read by incident only (the incident's history page).
    history = HistoricalRecords(user_db_constraint=False, no_db_index=["party"])

    class Meta:
        ordering = ["incident", "role", "party__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "party", "role"],
                name="%(app_label)s_%(class)s_unique_role",
                violation_error_message="This party already has this role in the incident.",
            )
        ]
        indexes = [models.Index(fields=["party", "role"], name="commitments_incparty_party_idx")]
        verbose_name_plural = "incident parties"

    def __str__(self) -> str:
        return f"{self.party} ({self.get_role_display().lower()})"


class IncidentSource(SourceFields):
    """A source cited for an incident: the same fields as a status update's."""

    incident = models.ForeignKey(to=Incident, on_delete=models.CASCADE, related_name="sources")

    class Meta:
        ordering = ["published_on", "id"]


class LinkRule(models.Model):
    """A rule analysts edit by which the importer proposes links: an incident of this type
    whose alleged party is bound by a commitment of this category, dated on or after the
    agreement (and within ``window_days`` of it, if set). A proposal counts for nothing
    until an analyst links it."""

    name = OneLineTextField(verbose_name="name", max_length=200)
    event_type = models.CharField(verbose_name="incident type", max_length=32, choices=EventType.choices)
    sub_event_type = models.CharField(
        verbose_name="sub-type",
        max_length=40,
        choices=SubEventType.choices,
        blank=True,
        help_text="Empty: any sub-type of the type.",
    )
    category = models.CharField(verbose_name="commitment category", max_length=32, choices=Category.choices)
    window_days = models.PositiveIntegerField(
        verbose_name="days after the agreement",
        null=True,
        blank=True,
        validators=[MaxValueValidator(36_500)],
        help_text="Empty: any time from the agreement's date on.",
    )
    active = models.BooleanField(verbose_name="active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        error = sub_event_type_error(self.event_type, self.sub_event_type)
        if error:
            raise ValidationError({"sub_event_type": error})


class IncidentLink(models.Model):
    """An incident bearing on one party's obligation under a commitment: proposed by a
    rule or made by an analyst; only ``linked`` ones count and are alerted."""

    # No single-column indexes: the unique (incident, obligation) serves lookups by
    # incident, and (obligation, state) those by obligation.
    incident = models.ForeignKey(to=Incident, on_delete=models.CASCADE, related_name="links", db_index=False)
    obligation = models.ForeignKey(
        to="commitments.Obligation", on_delete=models.PROTECT, related_name="incident_links", db_index=False
    )
    state = models.CharField(verbose_name="state", max_length=16, choices=LinkState.choices)
    rule = models.ForeignKey(
        to=LinkRule,
        on_delete=models.SET_NULL,
        related_name="proposals",
        null=True,
        blank=True,
        verbose_name="proposed by rule",
    )
    note = OneLineTextField(verbose_name="note", max_length=500, blank=True)
    decided_by = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="decided by",
    )
    decided_at = models.DateTimeField(verbose_name="decided at", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Read by incident only (the incident's history page).
    objects = IncidentLinkQuerySet.as_manager()
    history = HistoricalRecords(user_db_constraint=False, no_db_index=["obligation", "rule", "decided_by"])

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "obligation"],
                name="%(app_label)s_%(class)s_unique_obligation",
                violation_error_message="This incident is already linked to this obligation.",
            )
        ]
        indexes = [
            models.Index(fields=["obligation", "state"], name="commitments_inclink_obl_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.incident} → {self.obligation} ({self.get_state_display().lower()})"


class ActorMapping(models.Model):
    """An actor name as ACLED writes it -> the party it is ("Military Forces of Azerbaijan
    (1993-)" -> AZE), edited by analysts. No party: a known actor that is no party to any
    agreement (civilians, protesters). An actor with no row is unmapped: the importer lists
    it and never guesses."""

    actor_name = OneLineTextField(verbose_name="actor name", max_length=300)
    party = models.ForeignKey(
        to="parties.Party",
        on_delete=models.PROTECT,
        related_name="actor_mappings",
        null=True,
        blank=True,
        help_text="Empty: this actor is no party (civilians, protesters).",
    )
    note = OneLineTextField(verbose_name="note", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["actor_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("actor_name"),
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message="This actor name is already mapped.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.actor_name} → {self.party or 'no party'}"


class NonFulfilmentReason(models.Model):
    """A reason a pledge is not (fully) kept, from a list analysts maintain: disputed
    sequencing, conditional on the other party, refusal... A status update of not
    fulfilled, partially fulfilled, violated or disputed can give several."""

    code = models.SlugField(verbose_name="code", max_length=50, unique=True)
    label = OneLineTextField(verbose_name="label", max_length=120)
    description = MultiLineTextField(verbose_name="description", max_length=2_000, blank=True)
    active = models.BooleanField(
        verbose_name="active", default=True, help_text="Inactive reasons stay on past updates but are not offered."
    )
    position = models.PositiveSmallIntegerField(verbose_name="position", default=100)

    objects = VisibleQuerySet.as_manager()  # every reader decodes every reason
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "label"]
        verbose_name = "reason for non-fulfilment"
        verbose_name_plural = "reasons for non-fulfilment"

    def __str__(self) -> str:
        return self.label
