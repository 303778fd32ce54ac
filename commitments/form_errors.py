"""Show a service's ValidationError on a form: the admin, the pages and the alerts page
validate through the services, whose errors are keyed by model field (and
``list[i].field`` for a list's rows, core/validation.py). The one converter for forms."""

import re
from collections.abc import Mapping, Sequence

from django import forms
from django.core.exceptions import ValidationError

from core.validation import error_dict

# A key of one row of a list: participants[1].party, sources[0] (the row as a whole).
ROW_KEY = re.compile(r"(?P<list>\w+)\[(?P<index>\d+)\](?:\.(?P<field>\w+))?")


def add_service_errors(
    form: forms.BaseForm,
    exc: ValidationError,
    rename: Mapping[str, str] | None = None,
    rows: Mapping[str, Sequence[forms.BaseForm]] | None = None,
) -> None:
    """Add each of ``exc``'s errors to the form field of its name, or to the field
    ``rename`` gives for it, else to the form as a whole. A name like ``sources[0].url``
    is looked up as itself, then as ``sources``; with ``rows`` (a list's name -> the forms
    of its rows, as the service counted them), it goes to that row's field (or the row)."""
    rename = rename or {}
    rows = rows or {}
    for field, messages in error_dict(exc).items():
        match = ROW_KEY.fullmatch(field)
        if match and int(match["index"]) < len(rows.get(match["list"], ())):
            row, name = rows[match["list"]][int(match["index"])], match["field"]
            for message in messages:
                row.add_error(name if name in row.fields else None, message)
            continue
        target = rename.get(field) or rename.get(field.split("[", 1)[0], field)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)
