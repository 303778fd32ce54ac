"""Admin forms. They validate through the services' own checks, so a rule broken in the
admin shows the same message next to the same field as in the API."""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.db import models

from core.admin_history import ChangeReasonForm
from parties.models import Party
from utilities.fields import form_field

from . import rules, services
from .form_errors import add_service_errors
from .models import Commitment, Deadline, StatusUpdate

DEADLINE_FIELDS = ("due_on", "within_days", "after_commitment")

# The admins' formfield_overrides: links typed without a scheme are taken as https (Django
# 6's default, today).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class CommitmentForm(ChangeReasonForm):
    parties = forms.ModelMultipleChoiceField(
        queryset=Party.objects.all(),
        required=False,
        label="Bound parties",
        help_text="Each bound party gets its own obligation and status. Add more later below.",
    )
    due_on = forms.DateField(label="Due on", required=False, widget=AdminDateWidget)
    within_days = forms.IntegerField(
        label="Within days", required=False, min_value=1, max_value=rules.LONGEST_DEADLINE_DAYS
    )
    after_commitment = forms.ModelChoiceField(
        queryset=Commitment.objects.select_related("agreement"),
        required=False,
        label="After fulfilment of",
        help_text="Leave empty to count the days from the agreement's date.",
    )
    reason = form_field(Deadline, "reason", label="Reason for the deadline change")
    source_url = form_field(Deadline, "source_url", label="Source URL", assume_scheme="https")
    source_publisher = form_field(Deadline, "source_publisher", label="Source publisher")
    source_published_on = form_field(
        Deadline, "source_published_on", label="Source publication date", widget=AdminDateWidget
    )

    class Meta:
        model = Commitment
        fields = ["agreement", "reference", "title", "text", "category", "nature", "condition", "recipients"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.current_deadline if self.instance.pk else None
        if current is not None:
            for name in DEADLINE_FIELDS:
                self.initial[name] = getattr(current, name)
            self.fields["after_commitment"].queryset = Commitment.objects.exclude(pk=self.instance.pk)

    def deadline_input(self) -> services.DeadlineInput | None:
        data = {name: self.cleaned_data.get(name) for name in DEADLINE_FIELDS}
        if not any(v is not None for v in data.values()):
            return None
        return services.DeadlineInput(**data)

    def deadline_changed(self) -> bool:
        return any(name in self.changed_data for name in DEADLINE_FIELDS)

    def new_deadline(self) -> services.DeadlineInput | None:
        """The deadline a change sets: None when the deadline fields are left as they are."""
        return self.deadline_input() if self.deadline_changed() else None

    def deadline_source(self) -> services.SourceInput:
        return services.SourceInput.from_fields(self.cleaned_data, prefix="source_")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            if self.instance.pk is None:
                services.commitment_check(
                    **{name: cleaned.get(name) for name in ("agreement", "reference", "title", "text")},
                    category=cleaned.get("category"),
                    nature=cleaned.get("nature"),
                    condition=cleaned.get("condition") or "",
                    parties=cleaned.get("parties"),
                    deadline=self.deadline_input(),
                )
            else:
                self._check_change(cleaned)
        except ValidationError as exc:
            add_service_errors(self, exc, {"deadline": "due_on"})
        return cleaned

    def _check_change(self, cleaned: dict) -> None:
        """What services.commitment_update checks besides the model's own validation (the
        ModelForm runs that): the deadline revision, and that a one-off commitment has a
        deadline, the current one or the one given here."""
        deadline = self.new_deadline()
        if self.deadline_changed() and deadline is None:
            raise ValidationError({"due_on": "A deadline can be revised, not removed."})
        if deadline is not None:
            services.deadline_check(
                commitment=self.instance,
                deadline=deadline,
                reason=cleaned.get("reason") or "",
                source=self.deadline_source(),
            )
        has_deadline = self.instance.current_deadline_id is not None or deadline is not None
        errors = rules.one_off_deadline_errors(nature=cleaned.get("nature"), has_deadline=has_deadline)
        if errors:
            raise ValidationError(errors)


class StatusUpdateForm(forms.ModelForm):
    class Meta:
        model = StatusUpdate
        fields = [
            "obligation",
            "status",
            "effective_on",
            "summary",
            "confidence",
            "reasons",
            "incidents",
            "internal_note",
        ]
        widgets = {"reasons": forms.CheckboxSelectMultiple}
        help_texts = {
            "reasons": "Only with a status of not fulfilled, partially fulfilled, violated or disputed.",
            "incidents": "Incidents linked to this obligation, not retracted.",
        }

    def clean(self):
        cleaned = super().clean()
        obligation, status = cleaned.get("obligation"), cleaned.get("status")
        if obligation is not None and status:
            errors = services.evidence_errors(
                status=status,
                obligations=[obligation],
                reasons=list(cleaned.get("reasons") or []),
                incidents=list(cleaned.get("incidents") or []),
                effective_on=cleaned.get("effective_on"),
            )
            if errors:
                add_service_errors(self, ValidationError(errors))
        return cleaned


class SourceFormSet(forms.BaseInlineFormSet):
    """A status update cites at least one source."""

    def clean(self):
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept:
            raise ValidationError("Cite at least one source.")
