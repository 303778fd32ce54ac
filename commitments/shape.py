"""A commitment's shape, declared once: which fields it has, in the API's order and under
the API's names, which are read from the commitment's row, which a caller gives to
``commitment_create`` and which ``commitment_update`` may change. The API's row and
representation (commitments/api/serializers.py) and the services' inputs
(commitments/services.py) are derived from it.

Adding a plain field of the commitment (a model field, a migration) is one line here;
the write serializers (CommitmentCreateSerializer, CommitmentUpdateSerializer) say how
the API takes it, and a test checks they take every field declared writable."""

from dataclasses import dataclass

REQUIRED = object()  # commitment_create has no default for the field


@dataclass(frozen=True)
class ShapeField:
    api: str  # the name in the API's representation (and in its input, if written)
    model: str = ""  # the model's and the services' name, when it is a field given as input
    column: str = ""  # the .values() column it is read from; "": the serializer computes it
    create: bool = False  # given to commitment_create
    edit: bool = False  # changed by commitment_update
    default: object = REQUIRED  # commitment_create's default, for a field given on create
    read: bool = True  # in the representation


def _own(name: str, **kwargs) -> ShapeField:
    """A text or choice of the commitment, given on create and changed later."""
    return ShapeField(name, model=name, column=name, create=True, edit=True, **kwargs)


COMMITMENT_SHAPE: tuple[ShapeField, ...] = (
    ShapeField("id", column="id"),
    ShapeField("url"),
    ShapeField("agreement", model="agreement", column="agreement_id", create=True),
    _own("reference"),
    _own("title"),
    _own("text"),
    _own("category"),
    _own("nature"),
    _own("condition", default=""),
    ShapeField("parties", model="parties", create=True, read=False),  # each gets an obligation
    ShapeField("recipients", model="recipients", create=True, default=()),
    ShapeField("deadline"),  # the current deadline (services.deadline_set writes it)
    ShapeField("due_at"),
    ShapeField("status", column="status"),  # derived from the obligations
    ShapeField("overdue"),
    ShapeField("overdue_since"),
    ShapeField("obligations"),
    ShapeField("updated_at", column="updated_at"),
)

# The representation's fields, in order (CommitmentSerializer.Meta.fields).
REPRESENTATION_FIELDS = [f.api for f in COMMITMENT_SHAPE if f.read]
# The representation's fields read from the commitment's own row: API name -> column.
ROW_FIELDS = {f.api: f.column for f in COMMITMENT_SHAPE if f.read and f.column}
# What a form or an API body hands to commitment_create as it is (besides deadline, user).
COMMITMENT_INPUT_FIELDS = tuple(f.model for f in COMMITMENT_SHAPE if f.create)
# The defaults of commitment_create's fields that have one.
CREATE_DEFAULTS = {f.model: f.default for f in COMMITMENT_SHAPE if f.create and f.default is not REQUIRED}
# The commitment's own fields commitment_update changes.
EDITABLE_COMMITMENT_FIELDS = tuple(f.model for f in COMMITMENT_SHAPE if f.edit)
# The model fields set on the Commitment row on create (the others are relations).
MODEL_FIELDS = tuple(f.model for f in COMMITMENT_SHAPE if f.create and f.column)


def create_input(given: dict) -> dict:
    """``given`` (commitment_create's fields) with the declared defaults; an unknown or a
    missing field is a TypeError, as a wrong keyword argument is."""
    unknown = sorted(set(given) - set(COMMITMENT_INPUT_FIELDS))
    if unknown:
        raise TypeError(f"Unknown commitment field(s): {', '.join(unknown)}")
    values = {**CREATE_DEFAULTS, **given}
    missing = [name for name in COMMITMENT_INPUT_FIELDS if name not in values]
    if missing:
        raise TypeError(f"Missing commitment field(s): {', '.join(missing)}")
    return values
