"""Model fields for text people type, carrying the rules of ``validators.py``. ModelForms
(the admin), DRF's field mapping (the API and its schema) and ``full_clean`` (the
services) all read their limits and validators from here."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.functional import cached_property

from .validators import validate_multiline_text, validate_one_line_text


class OneLineTextField(models.CharField):
    """A title, name, code or reference: one line of visible text."""

    default_validators = [validate_one_line_text]


class MultiLineTextField(models.TextField):
    """Paragraphs of visible text, with a length limit that the model's validation
    enforces too (Django leaves a TextField's ``max_length`` to its form field)."""

    default_validators = [validate_multiline_text]

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    @cached_property
    def validators(self):
        return [*super().validators, MaxLengthValidator(self.max_length)]


def form_field(model, name: str, **kwargs):
    """The form field a ModelForm builds for ``model.name`` (its length, required or not),
    for the plain forms of the pages; the model's validation, run by the services, reports
    at the same field."""
    return model._meta.get_field(name).formfield(**kwargs)


# The browser's date picker, for the date fields of the pages' forms and filters.
# An <input type="date"> takes and shows ISO days only (yyyy-mm-dd): with the localised format
# (en-gb: 30/10/2020) the browser shows an existing date as empty, and a save loses it.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
