"""The API's JSON parser: DRF's, refusing what no field could take.

- Nesting deeper than MAX_DEPTH: Python's parser recurses per level, so JSON nested
  10,000 deep raised RecursionError (a 500); no body of this API nests more than a few
  levels.
- A lone surrogate (``"\\ud800"``): JSON's escapes can write one, but it is no character;
  no database stores it and no response can echo it (a 500 when an error message quoted
  it). Refused here, naming the field, before any serializer sees it.
- A key sent twice in one object: Python's parser keeps the last one silently, so
  ``{"published": false, ..., "published": true}`` would publish. Refused, naming it.
"""

import codecs
import json
import re

from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.utils.json import strict_constant

MAX_DEPTH = 20
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class _Object(dict):
    """A JSON object as parsed, with the keys it held more than once."""

    twice: frozenset = frozenset()


def _object(pairs) -> _Object:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        seen: set = set()
        obj.twice = frozenset(key for key, _ in pairs if key in seen or seen.add(key))
    return obj


def _check(data) -> None:
    twice: dict = {}
    stack = [(data, 1, "")]
    while stack:  # iterative: the check must not recurse either
        value, depth, path = stack.pop()
        for key in getattr(value, "twice", ()):
            twice[f"{path}.{key}" if path else key] = ["This key is sent twice."]
        if isinstance(value, str):
            if LONE_SURROGATE.search(value):
                raise ValidationError(
                    {path or "non_field_errors": ["This text holds a lone surrogate (\\ud800-\\udfff)."]}
                )
            continue
        if isinstance(value, dict):
            children = [(f"{path}.{key}" if path else str(key), child) for key, child in value.items()]
            children += [(path or "non_field_errors", key) for key in value]  # keys are text too
        elif isinstance(value, list):
            children = [(f"{path}[{index}]", child) for index, child in enumerate(value)]
        else:
            continue
        if depth > MAX_DEPTH:
            raise ParseError(JSONParser.too_deep)
        stack.extend((child, depth + 1, child_path) for child_path, child in children)
    if twice:
        raise ValidationError(dict(sorted(twice.items())))


class JSONParser(parsers.JSONParser):
    too_deep = f"JSON parse error - nested more than {MAX_DEPTH} levels deep."

    def parse(self, stream, media_type=None, parser_context=None):
        # DRF's parse, with the hook that notes keys sent twice.
        encoding = parsers.get_encoding(parser_context or {})
        try:
            data = json.load(
                codecs.getreader(encoding)(stream),
                parse_constant=strict_constant if self.strict else None,
                object_pairs_hook=_object,
            )
        except RecursionError:
            raise ParseError(self.too_deep) from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        _check(data)
        return data
