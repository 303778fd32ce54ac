"""The due moment a deadline being typed will have, before anything is saved: what the
commitments entry page shows on each row, in the venue's zone and in UTC.

The deadline's own model does the work (``Deadline.clean_fields``/``clean`` for the
limits, ``Deadline.resolve`` for the rule: rules.due_date_after, rules.end_of_day) on
unsaved objects, so the preview cannot drift from what saving computes.
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from . import rules
from .models import Agreement, Commitment, Deadline

# The model's deadline fields as the preview (its query string, the page's rows) names them.
FIELD_NAMES = {"due_on": "date", "within_days": "days", "after_commitment": "after"}


@dataclass(frozen=True)
class DuePreview:
    due_date: date | None
    due_at: datetime | None
    text: str  # as people read it; for a chained deadline not yet due, says so

    def as_json(self) -> dict:
        return {
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "due_at": self.due_at.astimezone(ZoneInfo("UTC")).isoformat().replace("+00:00", "Z")
            if self.due_at
            else None,
            "text": self.text,
        }


def due_preview(
    *,
    signed_on: date,
    timezone: str,
    due_on: date | None = None,
    within_days: int | None = None,
    after: str = "",
    after_fulfilled_on: date | None = None,
) -> DuePreview:
    """The due moment of a deadline: a date, "within N days" of ``signed_on``, or, when
    ``after`` names a commitment, N days after its fulfilment (``after_fulfilled_on``,
    when it is fulfilled already). Raises ValidationError keyed ``signed_on``,
    ``timezone``, ``date``, ``days``, ``after`` or ``after_fulfilled_on``."""
    errors: dict[str, list[str]] = {}
    for name, check, value in (
        ("signed_on", rules.validate_date_window, signed_on),
        ("timezone", rules.validate_time_zone, timezone),
        ("after_fulfilled_on", rules.validate_date_window, after_fulfilled_on),
    ):
        if value is None:
            continue
        try:
            check(value)
        except ValidationError as exc:
            errors[name] = exc.messages
    if after and due_on is not None:
        errors["after"] = ["A dated deadline does not hang on another commitment."]
    if errors:
        raise ValidationError(errors)

    agreement = Agreement(signed_on=signed_on, timezone=timezone)
    deadline = Deadline(commitment=Commitment(agreement=agreement), due_on=due_on, within_days=within_days)
    if after:
        # Stands for the commitment the days count from: only its fulfilment date is read.
        deadline.after_commitment = Commitment(pk=0, reference=after, fulfilled_on=after_fulfilled_on)
        deadline.after_commitment_id = 0
    try:
        deadline.clean_fields(exclude=["commitment", "after_commitment", "revision"])
        deadline.clean()
    except ValidationError as exc:
        raise ValidationError(
            {FIELD_NAMES.get(field, field): messages for field, messages in exc.message_dict.items()}
        ) from None
    deadline.resolve()
    if deadline.due_at is None:
        return DuePreview(None, None, f"{within_days} days after {after} is fulfilled; not yet due")
    return DuePreview(deadline.due_date, deadline.due_at, rules.format_due(deadline.due_at, agreement.tzinfo))
