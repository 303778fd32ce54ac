"""Reading an untrusted file into Python values, or saying why it cannot be read.

Everything a hostile file can do to a parser is answered with a Problem, never an
exception: too big, not UTF-8, not JSON, NaN, duplicate keys, nesting deeper than the
API's parser takes, lone surrogates, values of the wrong type (the schema)."""

import json
import re
from datetime import date

from jsonschema import Draft202012Validator

from .problems import Problem, path_name
from .schema import AGREEMENT_SCHEMA, MAX_BYTES, MAX_DEPTH, REASON_CODE_PATTERN

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_validator = Draft202012Validator(AGREEMENT_SCHEMA)


class Unreadable(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def decode(data: bytes | str) -> str:
    """UTF-8 text (a BOM at the start is dropped, as spreadsheets and editors write one)."""
    if isinstance(data, str):
        text = data
    else:
        if len(data) > MAX_BYTES:
            raise Unreadable(Problem("document", "size", f"The file has {len(data):,} bytes: at most {MAX_BYTES:,}."))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Unreadable(
                Problem("document", "encoding", f"The file is not UTF-8 (byte {exc.start + 1}): save it as UTF-8.")
            ) from None
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise Unreadable(Problem("document", "size", f"The file is larger than {MAX_BYTES:,} bytes."))
    return text.removeprefix("\ufeff")


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f'the key "{key}" appears twice in one object')
        seen[key] = value
    return seen


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def parse_json(data: bytes | str | dict) -> dict:
    """The document as Python values; raises Unreadable with the problem."""
    if isinstance(data, dict):
        document = data
    else:
        text = decode(data)
        try:
            document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
        except RecursionError:
            raise Unreadable(
                Problem("document", "json", f"The JSON nests more than {MAX_DEPTH} levels deep.")
            ) from None
        except json.JSONDecodeError as exc:
            raise Unreadable(
                Problem("document", "json", f"Not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.")
            ) from None
        except ValueError as exc:
            raise Unreadable(Problem("document", "json", f"Not valid JSON: {exc}.")) from None
    _check_values(document)
    return document


def _check_values(document) -> None:
    """Depth and lone surrogates, iteratively (a check must not recurse either)."""
    stack = [(document, 1, [])]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, str):
            if LONE_SURROGATE.search(value):
                row, field = split_path(path)
                raise Unreadable(Problem(row, field, "This text holds a lone surrogate (\\ud800-\\udfff)."))
            continue
        if isinstance(value, dict):
            children = list(value.items())
            for key in value:
                if LONE_SURROGATE.search(key):
                    raise Unreadable(Problem("document", "json", "A key holds a lone surrogate (\\ud800-\\udfff)."))
        elif isinstance(value, list):
            children = list(enumerate(value))
        else:
            continue
        if depth > MAX_DEPTH:
            raise Unreadable(Problem("document", "json", f"The JSON nests more than {MAX_DEPTH} levels deep."))
        stack.extend((child, depth + 1, [*path, key]) for key, child in children)


def split_path(path) -> tuple[str, str]:
    """A path into the document -> (row, field): ["commitments", 3, "deadline", "days"] ->
    ("commitments[3]", "deadline.days"); ["agreement", "date"] -> ("agreement", "date")."""
    path = list(path)
    if not path:
        return "document", ""
    if len(path) >= 2 and isinstance(path[1], int):
        return path_name(path[:2]), path_name(path[2:])
    if path[0] == "agreement":
        return "agreement", path_name(path[1:])
    return "document", path_name(path)


def schema_problems(document) -> list[Problem]:
    problems = []
    for error in sorted(_validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path]):
        path = list(error.absolute_path)
        message = _message(error)
        if error.validator == "required":
            missing = [name for name in error.validator_value if name not in error.instance]
            for name in missing:
                row, field = split_path([*path, name])
                problems.append(Problem(row, field, "This field is required."))
            continue
        if error.validator == "additionalProperties":
            allowed = set(error.schema.get("properties", {}))
            for name in sorted(set(error.instance) - allowed):
                row, field = split_path([*path, name])
                problems.append(Problem(row, field, f"Unknown field: use {', '.join(sorted(allowed))}."))
            continue
        row, field = split_path(path)
        problems.append(Problem(row, field, message))
    return problems


def _message(error) -> str:
    kind, value = error.validator, error.validator_value
    if kind == "type":
        names = {"string": "text", "integer": "a whole number", "object": "an object", "array": "a list"}
        wanted = value if isinstance(value, list) else [value]
        return f"Give {' or '.join(names.get(w, w) for w in wanted)}, not {_json_type(error.instance)}."
    if kind == "maxLength":
        return f"At most {value:,} characters (this has {len(error.instance):,})."
    if kind == "minLength":
        return "This may not be blank."
    if kind == "enum":
        return f"'{_short(error.instance)}' is not one of: {', '.join(map(str, value))}."
    if kind == "const":
        return f"Give {json.dumps(value)}: this tracker reads version {value} of the document."
    if kind == "pattern":
        if value.startswith("^[0-9]{4}"):
            return f"'{_short(error.instance)}' is not a date: give YYYY-MM-DD."
        if value == REASON_CODE_PATTERN:
            return f"'{_short(error.instance)}' is not a reason code: 1-50 letters, digits, hyphens or underscores."
        return f"'{_short(error.instance)}' is not a party code: 2-40 letters, digits or hyphens."
    if kind in ("minimum", "maximum"):
        return f"Give a number from 1 to {error.schema.get('maximum', '')} (this is {_short(error.instance)})."
    if kind == "maxItems":
        return f"At most {value:,} entries (this has {len(error.instance):,})."
    if kind == "minItems":
        return f"Give at least {value}."
    if kind == "oneOf":
        return 'Give either {"date": "YYYY-MM-DD"} or {"days": N} (with "after": a reference, optionally), not both.'
    return error.message[:300]


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_date(value: str) -> date | None:
    """YYYY-MM-DD (the schema checked the shape) -> date, or None for an impossible day."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
