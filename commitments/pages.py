"""Forms of the analysts' pages. They validate through the services, like the admin
and the API."""

import secrets

from django import forms

from .choices import Confidence, Status


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
    effective_on = forms.DateField(label="Effective date", widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label="Public summary", widget=forms.Textarea(attrs={"rows": 3}))
    confidence = forms.ChoiceField(label="Confidence", choices=Confidence.choices, initial=Confidence.MEDIUM)
    source_publisher = forms.CharField(label="Source: publisher", max_length=200)
    source_url = forms.URLField(label="Source: URL", required=False, assume_scheme="https")
    source_published_on = forms.DateField(
        label="Source: publication date", widget=forms.DateInput(attrs={"type": "date"})
    )
    internal_note = forms.CharField(
        label="Internal note (analysts only)", required=False, widget=forms.Textarea(attrs={"rows": 2})
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

    due_on = forms.DateField(label="New due date", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    within_days = forms.IntegerField(label="Or: within days of the agreement", required=False)
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))
    source_publisher = forms.CharField(label="Source: publisher", max_length=200)
    source_url = forms.URLField(label="Source: URL", required=False, assume_scheme="https")
    source_published_on = forms.DateField(
        label="Source: publication date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_extend_%s")
        super().__init__(*args, **kwargs)
