"""The party form of the pages (/parties/new/, /parties/<code>/edit/). It validates
through parties.services like the API and the intake; the fields take their limits
from the model."""

from django import forms

from parties.models import Party
from parties.validators import MAX_ALIASES
from utilities.fields import form_field
from utilities.validators import validate_multiline_text

from .form_once import OneTimeForm

# Room for MAX_ALIASES aliases of 200 characters, one a line.
ALIASES_MAX_LENGTH = MAX_ALIASES * 202


class PartyPageForm(OneTimeForm):
    code = form_field(
        Party,
        "code",
        label="Code",
        help_text="A state: its ISO 3166-1 alpha-3 code (ARM, AZE). Any other party: a code of ours, "
        "2 to 40 lower-case letters, digits or hyphens, starting with a letter (icrc). Partners use it in the API.",
    )
    name = form_field(Party, "name", label="Name", help_text="Its full name: Republic of Armenia.")
    short_name = form_field(Party, "short_name", label="Short name", help_text="What tables show: Armenia.")
    kind = form_field(Party, "kind", label="Kind")
    aliases = forms.CharField(
        label="Aliases",
        required=False,
        max_length=ALIASES_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"One a line (at most {MAX_ALIASES}): other names and adjectives texts use for the party "
        "(Armenian, Yerevan, Armenian side).",
    )
    description = form_field(Party, "description", label="Description", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["reason"] = forms.CharField(
                label="Reason for the change",
                required=False,
                max_length=1_000,
                validators=[validate_multiline_text],
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Kept in the party's history.",
            )

    def clean_aliases(self) -> list[str]:
        """One alias a line. Only line feeds (and CR LF) separate them: any other control
        character stays in its alias, for the service to refuse at this field."""
        text = self.cleaned_data["aliases"].replace("\r\n", "\n").replace("\r", "\n")
        return [line.strip() for line in text.split("\n") if line.strip()]

    @staticmethod
    def initial_for(party: Party) -> dict:
        return {
            **{name: getattr(party, name) for name in ("code", "name", "short_name", "kind", "description")},
            "aliases": "\n".join(party.aliases),
        }
