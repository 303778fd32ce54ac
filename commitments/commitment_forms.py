"""Forms of a commitment's page: a status update and a deadline extension. They validate
through the services, like the admin and the API, and take their fields' limits from the
models."""

from django import forms
from django.core.exceptions import ValidationError

from utilities.fields import DATE_INPUT, form_field

from . import rules, selectors
from .choices import NON_FULFILMENT_STATUSES, Confidence, Status
from .form_errors import add_service_errors
from .form_once import OneTimeForm
from .models import Deadline, NonFulfilmentReason, StatusUpdate, StatusUpdateSource


class OfferedChoicesField(forms.MultipleChoiceField):
    """Checkboxes of what is offered now; a value not offered (a reason made inactive, an
    incident unlinked since the page was shown) is judged by the service, whose message
    says why, rather than refused as "not one of the available choices"."""

    def valid_value(self, value) -> bool:
        return True


def incident_choice_label(incident) -> str:
    """What an analyst needs to recognise an incident: date, place, type, the parties it
    is linked for, and whether partners see it."""
    what = incident.get_sub_event_type_display() or incident.get_event_type_display()
    where = ", ".join(filter(None, [incident.location, incident.admin1]))
    flags = [incident.get_verification_display().lower()]
    if not incident.published:
        flags.append("draft")
    parties = ", ".join(getattr(incident, "linked_parties", []))
    return f"{incident.occurred_on:%d %b %Y} · {where} · {what} · linked for {parties} ({', '.join(flags)})"


class StatusUpdatePageForm(OneTimeForm):
    """Nothing chosen in advance: a careless submit must not record a status, least of
    all for every bound party. "All N bound parties" needs its own ticked confirmation."""

    ALL = "all"  # the party choice for every bound party (party codes are upper case)
    template_name_p = "commitments/_status_form_p.html"  # reasons and incidents in fieldsets

    party = forms.ChoiceField(
        label="Party",
        help_text="Which bound party; or all of them.",
        error_messages={"required": "Choose a party, or all of them."},
    )
    confirm_all = forms.BooleanField(label="Record this for all bound parties", required=False)
    status = forms.ChoiceField(
        label="New status",
        choices=[("", "Choose a status"), *Status.choices],
        error_messages={"required": "Choose the new status."},
        # Read by status-evidence.js: the statuses that give reasons and cite incidents.
        widget=forms.Select(attrs={"data-non-fulfilment": " ".join(sorted(NON_FULFILMENT_STATUSES))}),
    )
    effective_on = form_field(StatusUpdate, "effective_on", label="Effective date", widget=DATE_INPUT)
    summary = form_field(StatusUpdate, "summary", label="Public summary", widget=forms.Textarea(attrs={"rows": 3}))
    confidence = forms.ChoiceField(label="Confidence", choices=Confidence.choices, initial=Confidence.MEDIUM)
    source_publisher = form_field(StatusUpdateSource, "publisher", label="Source: publisher")
    source_url = form_field(StatusUpdateSource, "url", label="Source: URL", assume_scheme="https")
    source_published_on = form_field(
        StatusUpdateSource, "published_on", label="Source: publication date", widget=DATE_INPUT
    )
    reasons = OfferedChoicesField(
        label="Reasons for non-fulfilment",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only with a status of "
        + ", ".join(str(Status(s).label).lower() for s in sorted(NON_FULFILMENT_STATUSES))
        + ".",
    )
    incidents = OfferedChoicesField(
        label="Incidents cited as evidence",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Incidents linked to this commitment for the party chosen; not retracted ones.",
    )
    internal_note = form_field(
        StatusUpdate, "internal_note", label="Internal note (analysts only)", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, obligations, incidents=(), **kwargs):
        """``obligations``: the commitment's, with their parties, in the dropdown's order;
        ``incidents``: those it can cite (selectors.commitment_citable_incidents)."""
        super().__init__(*args, **kwargs)
        self.evidence: tuple[list, list] = ([], [])
        self.fields["reasons"].choices = list(
            NonFulfilmentReason.objects.filter(active=True).values_list("code", "label")
        )
        self.fields["incidents"].choices = [(str(i.pk), incident_choice_label(i)) for i in incidents]
        if not incidents:
            self.fields["incidents"].help_text = "No incident is linked to this commitment yet."
        parties = [(o.party.code, o.party.name) for o in obligations]
        self.fields["party"].choices = [
            ("", "Choose a party"),
            (self.ALL, f"All {len(parties)} bound parties"),
            *parties,
        ]
        codes = ", ".join(sorted(code for code, _ in parties))
        self.fields["confirm_all"].label = f"Record this for all {len(parties)} parties: {codes}"
        self.fields["confirm_all"].help_text = f"Needed when the party is all {len(parties)} of them."

    def clean(self):
        data = super().clean()
        if data.get("party") == self.ALL and not data.get("confirm_all"):
            self.add_error(
                "confirm_all",
                "Tick this to record the status for every bound party, or choose one party.",
            )
        # An id too long for a bigint stays a string: evidence_from_input names it. ASCII
        # digits only: isdigit() also takes "²" (which int() refuses) and Arabic-Indic digits (read as numbers).
        ids = [int(v) if v.isascii() and v.isdigit() and len(v) <= 18 else v for v in data.get("incidents") or []]
        try:
            self.evidence = selectors.evidence_from_input(reason_codes=data.get("reasons") or [], incident_ids=ids)
        except ValidationError as exc:
            add_service_errors(self, exc)
        return data

    @property
    def all_parties(self) -> bool:
        return self.cleaned_data.get("party") == self.ALL


class ExtensionPageForm(OneTimeForm):
    """Shown on the same page as StatusUpdatePageForm, whose fields have the same names:
    ids of its own, so that each label points at its own form's field."""

    due_on = forms.DateField(label="New due date", required=False, widget=DATE_INPUT)
    within_days = forms.IntegerField(
        label="Or: within days of the agreement", required=False, min_value=1, max_value=rules.LONGEST_DEADLINE_DAYS
    )
    reason = form_field(Deadline, "reason", label="Reason", required=True, widget=forms.Textarea(attrs={"rows": 2}))
    source_publisher = form_field(Deadline, "source_publisher", label="Source: publisher", required=True)
    source_url = form_field(Deadline, "source_url", label="Source: URL", assume_scheme="https")
    source_published_on = form_field(
        Deadline, "source_published_on", label="Source: publication date", widget=DATE_INPUT
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_extend_%s")
        super().__init__(*args, **kwargs)
