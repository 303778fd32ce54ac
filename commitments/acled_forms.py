"""Forms of the ACLED import page: choose a file (preview), map an unmapped actor, confirm."""

from django import forms
from django.template.defaultfilters import filesizeformat

from parties.models import Party

from .acled_uploads import MAX_UPLOAD_BYTES
from .form_once import OneTimeForm
from .models import ActorMapping

NO_PARTY = "none"


class AcledUploadForm(forms.Form):
    """Writes nothing: it previews. The bytes read are in ``self.data_bytes`` once valid."""

    file = forms.FileField(
        label="ACLED export (CSV)",
        max_length=255,
        help_text=(
            "A CSV from ACLED's data export tool or API, UTF-8, columns in any order, at most "
            f"{filesizeformat(MAX_UPLOAD_BYTES)}. Larger exports: manage.py import_acled."
        ),
        error_messages={"required": "Choose an ACLED CSV export.", "empty": "The file is empty."},
    )
    publish = forms.BooleanField(
        label="Publish the new incidents",
        required=False,
        help_text="Partners see them at once. Otherwise they are drafts until an analyst publishes them.",
    )
    retract_missing = forms.BooleanField(
        label="Mark retracted the events ACLED no longer has",
        required=False,
        help_text=(
            "Incidents of earlier imports that this file, within its own dates and countries, no longer has. "
            "A partial export retracts nothing outside what it covers."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("Choose a .csv file: ACLED exports are CSV.", code="kind")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file has {upload.size:,} bytes; at most {MAX_UPLOAD_BYTES:,} "
                f"({filesizeformat(MAX_UPLOAD_BYTES)}) here. Export fewer events, or use manage.py import_acled.",
                code="size",
            )
        self.data_bytes = upload.read(MAX_UPLOAD_BYTES + 1)
        return upload


class ActorMappingForm(forms.Form):
    """Map one unmapped actor from the preview; the admin edits the whole table."""

    upload = forms.CharField(widget=forms.HiddenInput, max_length=64)
    actor_name = forms.CharField(
        widget=forms.HiddenInput, max_length=ActorMapping._meta.get_field("actor_name").max_length
    )
    party = forms.ChoiceField(
        label="Party",
        error_messages={"required": "Choose the party this actor is, or “no party”."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [
            ("", "— choose —"),
            (NO_PARTY, "No party (civilians, protesters…)"),
            *((str(p.pk), f"{p} ({p.code})") for p in Party.objects.order_by("name")),
        ]

    def clean_party(self):
        value = self.cleaned_data["party"]
        return None if value == NO_PARTY else Party.objects.get(pk=int(value))


class AcledConfirmForm(OneTimeForm):
    upload = forms.CharField(widget=forms.HiddenInput, max_length=64)
