"""The alerts inbox's forms: the filters (GET, so that a URL can be shared) and the
acknowledgement (POST, with a one-time token so that a double click records once)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from commitments.form_once import OneTimeForm
from commitments.models import Agreement
from parties.models import Party

from .alert_selectors import STATES
from .choices import AlertKind

# More than a page of the inbox can hold, far fewer than an IN list should carry.
MAX_SELECTED = 200


class InboxFilterForm(forms.Form):
    view = forms.ChoiceField(label="Show", choices=[("all", "All"), ("mine", "Mine")], required=False)
    state = forms.ChoiceField(
        label="State",
        choices=[
            ("unacknowledged", "Unacknowledged"),
            ("acknowledged", "Acknowledged"),
            ("resolved", "Resolved"),
            ("all", "All"),
        ],
        required=False,
    )
    kind = forms.ChoiceField(label="Kind", choices=[("", "Any"), *AlertKind.choices], required=False)
    party = forms.ModelChoiceField(
        label="Party", queryset=Party.objects.order_by("code"), to_field_name="code", required=False, empty_label="Any"
    )
    agreement = forms.ModelChoiceField(label="Agreement", queryset=Agreement.objects.none(), required=False)

    def __init__(self, *args, agreements, **kwargs):
        """``agreements``: those the user may read (a draft's id is an invalid choice)."""
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements.order_by("-signed_on", "title")
        self.fields["agreement"].empty_label = "Any"
        self.fields["party"].label_from_instance = lambda party: f"{party} ({party.code})"

    def filters(self):
        """(view, Q of the state, kind, party, agreement) from the cleaned data."""
        data = self.cleaned_data
        q = STATES[data.get("state") or "unacknowledged"]
        if data.get("kind"):
            q &= Q(kind=data["kind"])
        if data.get("party"):
            q &= Q(party=data["party"])
        if data.get("agreement"):
            q &= Q(obligation__commitment__agreement=data["agreement"])
        return data.get("view") or "all", q


LARGEST_ID = 2**63 - 1  # a bigint: a larger number would overflow the database's integer


def _check_ids(values, message: str) -> None:
    for value in values:
        # ASCII digits only: "²" is a digit to str.isdigit() but not to int().
        if not (str(value).isascii() and str(value).isdigit()) or not 0 < int(value) <= LARGEST_ID:
            raise ValidationError(message, code="invalid_pk_value", params={"pk": value})


class BoundedMultipleChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        # Before the query that checks them: a hostile post may carry thousands, or numbers
        # no database column holds.
        if value and len(value) > MAX_SELECTED:
            raise ValidationError(f"Select at most {MAX_SELECTED} alerts at a time.")
        _check_ids(value or [], self.error_messages["invalid_pk_value"])
        return super().clean(value)


class AlertChoiceField(forms.ModelChoiceField):
    def clean(self, value):
        if value not in self.empty_values:
            _check_ids([value], self.error_messages["invalid_choice"])
        return super().clean(value)


class AcknowledgeForm(OneTimeForm):
    """Acknowledge the ticked alerts, or the one whose row button was pressed (``only``: a
    button of its own name, so that it does not take the ticked boxes with it)."""

    alert = BoundedMultipleChoiceField(
        queryset=None,
        required=False,
        error_messages={
            "invalid_choice": "Alert %(value)s does not exist or is not one you may acknowledge.",
            "invalid_pk_value": "“%(pk)s” is not an alert number.",
        },
    )
    only = AlertChoiceField(
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "This alert does not exist or is not one you may acknowledge."},
    )
    # "Acknowledge all shown": the rows the page showed, and the button that asks for them.
    shown = BoundedMultipleChoiceField(
        queryset=None,
        required=False,
        error_messages={
            "invalid_choice": "Alert %(value)s does not exist or is not one you may acknowledge.",
            "invalid_pk_value": "“%(pk)s” is not an alert number.",
        },
    )
    all = forms.BooleanField(required=False)
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, alerts, **kwargs):
        """``alerts``: those the user may read."""
        super().__init__(*args, **kwargs)
        for name in ("alert", "only", "shown"):
            self.fields[name].queryset = alerts

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not self.chosen():
            self.add_error("alert", "Select at least one alert to acknowledge.")
        return data

    def chosen(self) -> list[int]:
        """A row's own button wins, then "all shown", then the ticked boxes."""
        data = self.cleaned_data
        if data.get("only"):
            return [data["only"].pk]
        return [alert.pk for alert in data.get("shown" if data.get("all") else "alert") or []]
