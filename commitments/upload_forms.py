"""Forms of the import page: choose a file (preview), then confirm (import)."""

from django import forms
from django.template.defaultfilters import filesizeformat

from . import uploads
from .form_once import OneTimeForm
from .models import Agreement


class AgreementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        state = "published" if obj.published else "draft"
        return f"{obj} · {state}"


class UploadForm(forms.Form):
    """Writes nothing: it previews. The bytes read are in ``self.data_bytes`` once valid."""

    file = forms.FileField(
        label="File",
        max_length=255,
        help_text=(
            "A JSON document describing a whole agreement (.json), or a CSV of commitments for an "
            f"agreement that exists (.csv). UTF-8, at most {filesizeformat(uploads.MAX_UPLOAD_BYTES)}."
        ),
        error_messages={"required": "Choose a file to import.", "empty": "The file is empty."},
    )
    agreement = AgreementChoiceField(
        label="Agreement (for a CSV)",
        queryset=Agreement.objects.order_by("-signed_on", "title"),
        required=False,
        empty_label="— (a JSON document names its own agreement)",
        help_text="The agreement a CSV's commitments belong to. Not used for a JSON document.",
    )
    publish = forms.BooleanField(
        label="Publish on import",
        required=False,
        help_text="JSON only: partners see the agreement as soon as it is imported. Otherwise it stays a draft.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.kind = uploads.kind_of(upload.name)
        if self.kind is None:
            raise forms.ValidationError(
                "Choose a .json file (a whole agreement) or a .csv file (commitments): this one is neither.",
                code="kind",
            )
        if upload.size > uploads.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file has {upload.size:,} bytes; at most {uploads.MAX_UPLOAD_BYTES:,} "
                f"({filesizeformat(uploads.MAX_UPLOAD_BYTES)}) can be imported at once. "
                "Split the commitments into several CSV files.",
                code="size",
            )
        data = upload.read(uploads.MAX_UPLOAD_BYTES + 1)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                f"The file is not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start:,}): "
                "save it as UTF-8 (in a spreadsheet: CSV UTF-8) and choose it again.",
                code="encoding",
            ) from None
        self.data_bytes = data
        return upload

    def clean(self):
        cleaned = super().clean()
        if (
            getattr(self, "kind", None) == uploads.CSV
            and not cleaned.get("agreement")
            and "agreement" not in self.errors
        ):
            self.add_error("agreement", "A CSV holds commitments only: choose the agreement they belong to.")
        return cleaned


class ConfirmForm(OneTimeForm):
    """Names the previewed upload by its token; the bytes stay on the server."""

    upload = forms.CharField(widget=forms.HiddenInput, max_length=64)
