"""Forms of the incident pages (analysts): the incident with its parties and sources as
rows, its verification, publishing, and its links to obligations. They check types and
choices; the rules are the services' (commitments/incidents.py), whose errors come back to
the fields (``route_errors``)."""

import re

from django import forms

from parties.models import Party
from utilities.fields import DATE_INPUT, form_field

from . import incidents, rules
from .agreement_forms import ZONE_LIST_ID, RowForm, Rows, SourceRow, service_sources
from .choices import IncidentRole, LinkState, Verification
from .form_once import OneTimeForm
from .models import Commitment, Incident, Obligation
from .models.incident import MAX_FIGURE

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
FIGURE_LINE = re.compile(r"(?P<label>.+):\s*(?P<number>[0-9]{1,9})")
MAX_FIGURE_LINES = 20


class IncidentPageForm(OneTimeForm):
    occurred_on = form_field(Incident, "occurred_on", label="Date", widget=DATE_INPUT)
    occurred_time = form_field(Incident, "occurred_time", label="Time (local, if known)", widget=TIME_INPUT)
    timezone = forms.CharField(
        label="Local time zone",
        max_length=64,
        initial="UTC",
        validators=[rules.validate_time_zone],
        help_text="The place's IANA zone, e.g. Asia/Baku or Asia/Yerevan: the date and time are read there.",
        widget=forms.TextInput(attrs={"list": ZONE_LIST_ID, "autocomplete": "off", "spellcheck": "false"}),
    )
    location = form_field(Incident, "location", label="Place")
    country = form_field(Incident, "country", label="Country")
    admin1 = form_field(Incident, "admin1", label="Admin area 1 (region)")
    admin2 = form_field(Incident, "admin2", label="Admin area 2 (district)")
    admin3 = form_field(Incident, "admin3", label="Admin area 3")
    latitude = form_field(Incident, "latitude", label="Latitude", help_text="Decimal degrees, north positive.")
    longitude = form_field(Incident, "longitude", label="Longitude", help_text="Decimal degrees, east positive.")
    geo_precision = form_field(Incident, "geo_precision", label="Geo precision (1 to 3)")
    event_type = form_field(Incident, "event_type", label="Type")
    sub_event_type = form_field(Incident, "sub_event_type", label="Sub-type")
    description = form_field(Incident, "description", label="Description", widget=forms.Textarea(attrs={"rows": 4}))
    actor1 = form_field(Incident, "actor1", label="Actor 1 as reported")
    assoc_actor_1 = form_field(Incident, "assoc_actor_1", label="Associated actors 1")
    actor2 = form_field(Incident, "actor2", label="Actor 2 as reported")
    assoc_actor_2 = form_field(Incident, "assoc_actor_2", label="Associated actors 2")
    fatalities = form_field(Incident, "fatalities", label="Fatalities (all)", help_text="Empty: not reported.")
    civilians_killed = form_field(
        Incident, "civilians_killed", label="Civilians killed", help_text="Empty: not reported."
    )
    civilians_injured = form_field(
        Incident, "civilians_injured", label="Civilians injured", help_text="Empty: not reported."
    )
    other_figures = forms.CharField(
        label="Other figures",
        required=False,
        max_length=MAX_FIGURE_LINES * 112,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line, label: number (displaced: 120).",
    )
    confidence = form_field(Incident, "confidence", label="Confidence")
    internal_note = form_field(
        Incident, "internal_note", label="Internal note (analysts only)", widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label="Why this change",
        max_length=incidents.REASON_MAX,
        help_text="Kept in the incident's history with your name.",
        error_messages={"required": "Say why: the reason is kept in the incident's history."},
    )

    # The incident's updated_at when the form was opened: a save over a change made since
    # is refused (incidents.incident_update), not a silent undoing of that change.
    version = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["reason"]
            del self.fields["version"]

    def clean_timezone(self) -> str:
        return self.cleaned_data["timezone"].strip()

    def clean_other_figures(self) -> dict:
        figures: dict[str, int] = {}
        lines = [line.strip() for line in self.cleaned_data["other_figures"].splitlines() if line.strip()]
        if len(lines) > MAX_FIGURE_LINES:
            raise forms.ValidationError(f"At most {MAX_FIGURE_LINES} other figures.")
        for number, line in enumerate(lines, 1):
            match = FIGURE_LINE.fullmatch(line)
            if not match or not 0 <= int(match["number"]) <= MAX_FIGURE:
                raise forms.ValidationError(
                    f"Line {number}: write a label, a colon and a whole number from 0 to {MAX_FIGURE:,} "
                    "(displaced: 120)."
                )
            label = match["label"].strip()
            if label in figures:
                raise forms.ValidationError(f"Line {number}: “{label}” is given twice.")
            figures[label] = int(match["number"])
        return figures  # the model's validator checks the labels

    def fields_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in incidents.EDITABLE}

    @staticmethod
    def initial_for(incident: Incident) -> dict:
        data = {name: getattr(incident, name) for name in incidents.EDITABLE}
        data["version"] = incident.updated_at.isoformat()  # to the microsecond
        data["other_figures"] = "\n".join(f"{label}: {n}" for label, n in incident.other_figures.items())
        return data


class PartyRow(RowForm):
    filled = ("party",)
    party = forms.ModelChoiceField(label="Party", queryset=Party.objects.order_by("name"))
    role = forms.ChoiceField(label="Role", choices=IncidentRole.choices, initial=IncidentRole.ALLEGED)


PartyRows = forms.formset_factory(PartyRow, formset=Rows, extra=1, can_delete=True)
SourceRows = forms.formset_factory(SourceRow, formset=Rows, extra=1, can_delete=True)
LISTS = {"parties": PartyRows, "sources": SourceRows}


def incident_lists(data=None, incident: Incident | None = None) -> dict:
    initial = {}
    if incident is not None and data is None:
        initial = {
            "parties": [{"party": r.party_id, "role": r.role} for r in incident.party_roles.all()],
            "sources": [
                {name: getattr(s, name) for name in ("publisher", "url", "title", "published_on", "language")}
                for s in incident.sources.all()
            ],
        }
    return {name: rows(data, initial=initial.get(name), prefix=name) for name, rows in LISTS.items()}


def service_children(lists: dict) -> dict:
    return {
        "parties": [(r.cleaned_data["party"], r.cleaned_data["role"]) for r in lists["parties"].kept()],
        "sources": service_sources(lists["sources"]),
    }


class VerifyForm(OneTimeForm):
    verification = forms.ChoiceField(
        label="New verification state",
        choices=[("", "Choose a state"), *Verification.choices],
        error_messages={"required": "Choose the new state."},
    )
    reason = forms.CharField(
        label="Why",
        max_length=incidents.REASON_MAX,
        help_text="Kept in the incident's history: what corroborates, verifies or disputes it.",
        error_messages={"required": "Say why: the reason is kept in the incident's history."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_verify_%s")
        super().__init__(*args, **kwargs)


class PublishIncidentForm(OneTimeForm):
    """Publish or withdraw: what the button said, so that a second post changes nothing."""

    published = forms.TypedChoiceField(
        choices=[("true", "Publish"), ("false", "Withdraw")], coerce=lambda v: v == "true", widget=forms.HiddenInput
    )


def readable_commitments(user):
    return Commitment.objects.visible_to(user).select_related("agreement")


def _commitment_label(commitment: Commitment) -> str:
    agreement = commitment.agreement
    return f"{agreement.title} ({agreement.signed_on:%d %b %Y}) — {commitment.reference}: {commitment.title}"


class ChooseCommitmentForm(forms.Form):
    """GET: the commitment whose parties' obligations the link form then lists."""

    link_commitment = forms.ModelChoiceField(
        label="Commitment",
        queryset=Commitment.objects.none(),
        empty_label="Choose a commitment",
        error_messages={"invalid_choice": "Choose one of the commitments listed."},
    )

    def __init__(self, *args, user, incident: Incident | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["link_commitment"]
        commitments = readable_commitments(user)
        if incident is not None:
            # Only commitments in force when it happened: an incident from before an agreement
            # was signed is no evidence about it (incidents.incident_link refuses the link).
            commitments = commitments.filter(agreement__signed_on__lte=incident.occurred_on)
        field.queryset = commitments.order_by("-agreement__signed_on", "agreement__title", "reference")
        field.label_from_instance = _commitment_label


class LinkForm(OneTimeForm):
    """The obligations of one commitment (its parties), ticked to link the incident to."""

    commitment = forms.ModelChoiceField(queryset=Commitment.objects.none(), widget=forms.HiddenInput)
    obligations = forms.ModelMultipleChoiceField(
        label="Parties' obligations",
        queryset=Obligation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one party's obligation."},
    )
    note = form_field(Incident.links.rel.related_model, "note", label="Note (optional)")

    def __init__(self, *args, user, commitment: Commitment | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        readable = readable_commitments(user)
        self.fields["commitment"].queryset = readable
        if commitment is None and self.is_bound:
            value = str(self.data.get("commitment", ""))
            commitment = (
                readable.filter(pk=int(value)).first()
                if value.isascii() and value.isdigit() and len(value) < 19
                else None
            )
        if commitment is not None:
            self.fields["commitment"].initial = commitment.pk
            self.fields["obligations"].queryset = commitment.obligations.select_related("party").order_by("party__name")
            self.fields["obligations"].label_from_instance = lambda o: f"{o.party.name} ({o.party.code})"
        self.chosen = commitment


class DecideForm(OneTimeForm):
    state = forms.ChoiceField(
        choices=[(LinkState.LINKED, "Link"), (LinkState.REJECTED, "Reject"), (LinkState.REMOVED, "Remove")],
        widget=forms.HiddenInput,
    )
