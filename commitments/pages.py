"""Forms of the analysts' pages. They validate through the services, like the admin
and the API, and take their fields' limits from the models."""

import secrets

from django import forms

from utilities.fields import form_field

from . import rules
from .choices import Confidence, Status
from .models import Deadline, StatusUpdate, StatusUpdateSource

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


class OneTimeForm(forms.Form):
    """A form whose page issues a random token with it: the view consumes the token in the
    transaction of the write (tracker/idempotency.py), so posting the same form twice (a
    double click, a resubmitted page) records once."""

    form_token = forms.CharField(
        widget=forms.HiddenInput,
        max_length=255,
        error_messages={"required": "This form is out of date: reload the page and submit it again."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form_token"].initial = new_form_token()

    def renew_token(self) -> None:
        """Give a bound form (shown again with its input) a token not used yet."""
        self.data = self.data.copy()
        self.data["form_token"] = new_form_token()


class StatusUpdatePageForm(OneTimeForm):
    party = forms.ChoiceField(label="Party", help_text="Which bound party; or all of them.")
    status = forms.ChoiceField(label="New status", choices=Status.choices)
    effective_on = form_field(StatusUpdate, "effective_on", label="Effective date", widget=DATE_INPUT)
    summary = form_field(StatusUpdate, "summary", label="Public summary", widget=forms.Textarea(attrs={"rows": 3}))
    confidence = forms.ChoiceField(label="Confidence", choices=Confidence.choices, initial=Confidence.MEDIUM)
    source_publisher = form_field(StatusUpdateSource, "publisher", label="Source: publisher")
    source_url = form_field(StatusUpdateSource, "url", label="Source: URL", assume_scheme="https")
    source_published_on = form_field(
        StatusUpdateSource, "published_on", label="Source: publication date", widget=DATE_INPUT
    )
    internal_note = form_field(
        StatusUpdate, "internal_note", label="Internal note (analysts only)", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, obligations, **kwargs):
        """``obligations``: the commitment's, with their parties, in the dropdown's order."""
        super().__init__(*args, **kwargs)
        parties = [(o.party.code, o.party.name) for o in obligations]
        self.fields["party"].choices = [("", "All bound parties"), *parties]
        self.fields["party"].required = False


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
