"""The agreement form of the analysts' pages: the agreement's own fields, and its parties,
sources and relations as rows (formsets) that can be added and removed. The page saves
through services.agreement_create / agreement_update; their errors, keyed
``participants[i].field`` and so on, come back to the row and field (``route_errors``)."""

from django import forms
from django.core.exceptions import ValidationError

from parties.models import Party
from utilities.fields import DATE_INPUT, form_field
from utilities.validators import validate_multiline_text

from . import rules, services
from .choices import ParticipantRole, RelationKind
from .form_errors import add_service_errors
from .form_once import OneTimeForm
from .models import Agreement, AgreementSource

ZONE_LIST_ID = "iana-zones"  # the <datalist> the time zone field searches


class AgreementPageForm(OneTimeForm):
    title = form_field(Agreement, "title", label="Title")
    kind = form_field(Agreement, "kind", label="Kind")
    signed_on = form_field(Agreement, "signed_on", label="Date", widget=DATE_INPUT)
    venue = form_field(Agreement, "venue", label="Venue")
    # A text field searching the ~430 zones as one types, not a select of all of them:
    # zone-search.js makes it a combobox, and without the script the browser searches its
    # <datalist>. The name is checked on the server.
    timezone = forms.CharField(
        label="Venue time zone",
        max_length=64,
        initial="UTC",
        validators=[rules.validate_time_zone],
        help_text="Type part of a city or region (Zurich, Baku) and choose its IANA zone. "
        "Deadlines end at midnight here.",
        widget=forms.TextInput(
            attrs={"list": ZONE_LIST_ID, "autocomplete": "off", "spellcheck": "false", "data-zone-search": ""}
        ),
    )
    summary = form_field(Agreement, "summary", label="Summary", widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        max_length=1000,
        validators=[validate_multiline_text],
        help_text="Kept in the agreement's history with your name.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["reason"]

    def clean_timezone(self) -> str:
        return self.cleaned_data["timezone"].strip()


class PublishForm(OneTimeForm):
    """The Publish button of a draft's page: its token only."""


class RowForm(forms.Form):
    """One row of a list. A row where none of ``filled`` is typed in is left out (a blank
    row, or a role chosen with no party); an existing row counts as long as it is filled,
    changed or not. ``removed`` is the row's "Remove" box."""

    filled: tuple[str, ...] = ()

    def has_changed(self) -> bool:
        return any((self[name].value() or "") not in ("", None) for name in self.filled)


class ParticipantRow(RowForm):
    filled = ("party",)
    party = forms.ModelChoiceField(label="Party", queryset=Party.objects.order_by("name"))
    role = forms.ChoiceField(label="Role", choices=ParticipantRole.choices, initial=ParticipantRole.SIGNATORY)


class SourceRow(RowForm):
    filled = ("publisher", "url", "title", "published_on", "language")
    publisher = form_field(AgreementSource, "publisher", label="Publisher")
    url = form_field(AgreementSource, "url", label="URL", assume_scheme="https")
    title = form_field(AgreementSource, "title", label="Document title")
    published_on = form_field(AgreementSource, "published_on", label="Publication date", widget=DATE_INPUT)
    language = form_field(AgreementSource, "language", label="Language")


class RelationRow(RowForm):
    filled = ("related_agreement",)
    kind = forms.ChoiceField(label="Relation", choices=RelationKind.choices, initial=RelationKind.IMPLEMENTS)
    related_agreement = forms.ModelChoiceField(label="Earlier agreement", queryset=Agreement.objects.none())

    def __init__(self, *args, agreement: Agreement | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        others = Agreement.objects.order_by("-signed_on", "title")
        self.fields["related_agreement"].queryset = others.exclude(pk=agreement.pk) if agreement else others


class Rows(forms.BaseFormSet):
    """Every row may be left blank (see RowForm), the first ones too."""

    deletion_widget = forms.CheckboxInput

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.empty_permitted = True
        form.use_required_attribute = False
        return form

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Remove"

    def kept(self) -> list:
        """The rows to save, in order: filled in and not removed."""
        return [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]

    def with_new_row(self) -> "Rows":
        """This (posted) list shown again with what was typed and one more blank row, its
        first field focused: the "Add" button without JavaScript. Unbound, so that the
        rows are not reported as errors before the form is saved."""
        initial = [{name: form[name].value() for name in form.fields} for form in self.forms]
        grown = type(self)(initial=initial, prefix=self.prefix, form_kwargs=self.form_kwargs)
        grown.forms[-1].fields[next(iter(grown.forms[-1].fields))].widget.attrs["autofocus"] = True
        return grown


ParticipantRows = forms.formset_factory(ParticipantRow, formset=Rows, extra=1, can_delete=True)
SourceRows = forms.formset_factory(SourceRow, formset=Rows, extra=1, can_delete=True)
RelationRows = forms.formset_factory(RelationRow, formset=Rows, extra=1, can_delete=True)

# The lists of the form: their prefix is the name the services' errors use.
LISTS = {"participants": ParticipantRows, "sources": SourceRows, "relations": RelationRows}


def agreement_initial(agreement: Agreement) -> tuple[dict, dict]:
    """The form's and the lists' initial values for editing ``agreement``."""
    fields = {name: getattr(agreement, name) for name in ("title", "kind", "signed_on", "venue", "timezone", "summary")}
    rows = {
        "participants": [{"party": p.party_id, "role": p.role} for p in agreement.participants.all()],
        "sources": [
            {name: getattr(s, name) for name in ("publisher", "url", "title", "published_on", "language")}
            for s in agreement.sources.order_by("published_on", "pk")
        ],
        "relations": [
            {"related_agreement": r.related_agreement_id, "kind": r.kind} for r in agreement.relations.order_by("pk")
        ],
    }
    return fields, rows


def service_lists(lists: dict) -> dict:
    """The kept rows of the lists as the services take them."""
    return {
        "participants": [(r.cleaned_data["party"], r.cleaned_data["role"]) for r in lists["participants"].kept()],
        "sources": service_sources(lists["sources"]),
        "relations": [(r.cleaned_data["related_agreement"], r.cleaned_data["kind"]) for r in lists["relations"].kept()],
    }


def service_sources(rows: Rows) -> list:
    """The kept rows of a list of sources (SourceRow) as the services take them; the
    incident form has the same list."""
    return [
        services.SourceInput(
            publisher=r.cleaned_data["publisher"],
            url=r.cleaned_data["url"],
            title=r.cleaned_data["title"],
            published_on=r.cleaned_data["published_on"],
            language=r.cleaned_data["language"],
        )
        for r in rows.kept()
    ]


def route_errors(exc: ValidationError, form: forms.Form, lists: dict) -> None:
    """Put each of a service's errors on its row and field (the services count the kept
    rows only, so ``participants[1]`` is the second kept row), the agreement's own on the
    form's field, the rest (four eyes, a duplicate title and date) on the form."""
    add_service_errors(form, exc, rows={name: rows.kept() for name, rows in lists.items()})
