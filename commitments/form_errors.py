"""Show a service's ValidationError on a form: the admin, the pages and the alerts page
validate through the services, whose errors are keyed by model field."""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.BaseForm, exc: ValidationError, rename: Mapping[str, str] | None = None) -> None:
    """Add each of ``exc``'s errors to the form field of its name, or to the field
    ``rename`` gives for it, else to the form as a whole. A name like ``sources[0].url``
    is looked up as itself, then as ``sources``."""
    rename = rename or {}
    for field, messages in exc.message_dict.items():
        target = rename.get(field) or rename.get(field.split("[", 1)[0], field)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)
