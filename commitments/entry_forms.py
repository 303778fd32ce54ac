"""The commitments entry page's form: one row per commitment, many rows at once (a Django
formset, so a fixed number of blank rows works without a script; the page's script adds,
moves and removes rows by renumbering them). The rows only read what was typed: every
rule is checked by services.commitments_create_many, whose errors come back to their row
and field."""

from django import forms

from parties.models import Party
from utilities.fields import DATE_INPUT, form_field

from . import rules, services
from .choices import Category, Nature
from .models import Commitment, Deadline

BLANK_ROWS = 3  # without a script, as many blank rows as this (saved rows aside)
MAX_ROWS = 500


class DeadlineKind:
    NONE = "none"
    DATE = "date"
    DAYS = "days"
    AFTER = "after"
    CHOICES = [
        (NONE, "No deadline"),
        (DATE, "By a date"),
        (DAYS, "Within N days of the agreement"),
        (AFTER, "Within N days after another commitment is fulfilled"),
    ]


# The service's row fields (after "commitments[i].") and the row form's fields they go to.
SERVICE_FIELDS = {
    "deadline.date": "deadline_date",
    "deadline.days": "deadline_days",
    "deadline.after": "deadline_after",
    "deadline": "deadline",
    "reason": "deadline_note",
}


def party_choices(agreement) -> list:
    """The agreement's participants first, then every other party (any party can be bound)."""
    participants = {p.party_id: p for p in agreement.participants.select_related("party")}
    first = [
        (p.party.code, f"{p.party.name} ({p.party.code}, {p.get_role_display().lower()})")
        for p in participants.values()
    ]
    others = [(p.code, f"{p.name} ({p.code})") for p in Party.objects.exclude(pk__in=participants).order_by("name")]
    groups = []
    if first:
        groups.append(("Parties to this agreement", first))
    if others:
        groups.append(("Other parties", others))
    return groups


class CommitmentRowForm(forms.Form):
    """One commitment. Nothing is required here: a blank row is left out, and what a kept
    row lacks is reported by the service, for every row at once."""

    reference = form_field(Commitment, "reference", label="Reference", required=False)
    title = form_field(Commitment, "title", label="Title", required=False)
    text = form_field(Commitment, "text", label="Text", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label="Category", required=False, choices=[("", "Choose…"), *Category.choices])
    nature = forms.ChoiceField(label="Nature", required=False, choices=[("", "Choose…"), *Nature.choices])
    condition = form_field(
        Commitment,
        "condition",
        label="Trigger (conditional only)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    parties = forms.MultipleChoiceField(label="Bound parties", required=False)
    recipients = forms.MultipleChoiceField(label="Recipients", required=False)
    deadline = forms.ChoiceField(
        label="Deadline", choices=DeadlineKind.CHOICES, initial=DeadlineKind.NONE, widget=forms.RadioSelect
    )
    deadline_date = forms.DateField(label="Due on", required=False, widget=DATE_INPUT)
    deadline_days = forms.IntegerField(
        label="Within days", required=False, min_value=1, max_value=rules.LONGEST_DEADLINE_DAYS
    )
    deadline_after = forms.CharField(
        label="Counted from the fulfilment of",
        required=False,
        max_length=50,
        help_text="The reference of a row of this page or of a commitment of the agreement.",
    )
    deadline_note = form_field(
        Deadline, "reason", label="Deadline note", required=False, help_text="Where the deadline comes from."
    )

    def __init__(self, *args, party_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("parties", "recipients"):
            self.fields[name].choices = party_choices
            self.fields[name].widget.attrs["size"] = 6
        self.fields["deadline_after"].widget.attrs["list"] = "known-references"

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("deadline")
        # What the chosen kind of deadline reads: its own fields, all of them given.
        if kind == DeadlineKind.DATE and not cleaned.get("deadline_date") and "deadline_date" not in self.errors:
            self.add_error("deadline_date", "Give the date.")
        counts_days = kind in (DeadlineKind.DAYS, DeadlineKind.AFTER)
        if counts_days and cleaned.get("deadline_days") is None and "deadline_days" not in self.errors:
            self.add_error("deadline_days", "Give the number of days.")
        if kind == DeadlineKind.AFTER and not (cleaned.get("deadline_after") or "").strip():
            self.add_error("deadline_after", "Give the reference of the commitment the days count from.")
        return cleaned

    def deadline_input(self) -> services.DeadlineInput | None:
        data = self.cleaned_data
        kind = data.get("deadline")
        if kind == DeadlineKind.DATE:
            return services.DeadlineInput(due_on=data["deadline_date"])
        if kind == DeadlineKind.DAYS:
            return services.DeadlineInput(within_days=data["deadline_days"])
        if kind == DeadlineKind.AFTER:
            return services.DeadlineInput(
                within_days=data["deadline_days"], after_reference=data["deadline_after"].strip()
            )
        return None

    def commitment_input(self, parties: dict[str, Party]) -> services.CommitmentInput:
        data = self.cleaned_data
        return services.CommitmentInput(
            reference=data["reference"],
            title=data["title"],
            text=data["text"],
            category=data["category"],
            nature=data["nature"],
            condition=data["condition"],
            parties=[parties[code] for code in data["parties"]],
            recipients=[parties[code] for code in data["recipients"]],
            deadline=self.deadline_input(),
            deadline_note=data["deadline_note"],
        )


class BaseRowFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        # Every row may be left blank (a blank row is dropped), prefilled ones too; the
        # browser must not refuse a half-typed row either: the service names what is missing.
        return {**super().get_form_kwargs(index), "empty_permitted": True, "use_required_attribute": False}

    def kept(self) -> list[tuple[int, CommitmentRowForm]]:
        """(position on the page, form) of the rows that were filled in."""
        return [(i, form) for i, form in enumerate(self.forms) if form.has_changed()]


RowFormSet = forms.formset_factory(
    CommitmentRowForm,
    formset=BaseRowFormSet,
    extra=BLANK_ROWS,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)


def add_row_errors(formset: BaseRowFormSet, kept: list[tuple[int, CommitmentRowForm]], message_dict: dict) -> None:
    """Put the service's errors (``commitments[i].field``, i counting the kept rows) on
    their row and field; anything else above the rows."""
    for key, messages in message_dict.items():
        form = field = None
        if key.startswith("commitments[") and "]." in key:
            index, _, name = key[len("commitments[") :].partition("].")
            if index.isdigit() and int(index) < len(kept):
                form = kept[int(index)][1]
                field = SERVICE_FIELDS.get(name, name)
        for message in messages:
            if form is None:
                formset.non_form_errors().append(message)
            else:
                form.add_error(field if field in form.fields else None, message)
