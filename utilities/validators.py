"""Rules for text and links that people type, shared by every model: the admin, the API,
the pages and the services all validate through the model fields that carry them.

Characters are judged by their Unicode properties, not by a hand list: control
characters (Cc), lone surrogates (Cs), line and paragraph separators (Zl, Zp) and the
explicit directional formatting characters of UAX #9 are refused where they do not
belong; format characters that scripts need (the zero-width non-joiner of Persian, the
right-to-left mark) are kept; and a text must show something.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

# What shows nothing: controls, format characters, surrogates, separators and spaces.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp", "Zs"})
# Embeddings, overrides and isolates reorder the text around them ("Trojan Source",
# CVE-2021-42574); the marks LRM, RLM and ALM, which mixed-direction names need, do not.
BIDI_CONTROLS = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
LINE_BREAKS = frozenset("\n\r\t")  # allowed in multi-line text, with U+2028 and U+2029


def _refused(char: str, multiline: bool) -> bool:
    category = unicodedata.category(char)
    if category in ("Cc", "Cs"):  # no database stores a lone surrogate
        return not (multiline and char in LINE_BREAKS)
    if category in ("Zl", "Zp"):
        return not multiline
    return unicodedata.bidirectional(char) in BIDI_CONTROLS


def _check_text(value: str, multiline: bool) -> None:
    if not value:
        return  # blank or not is the field's own rule
    if not value.isprintable():  # fast path: printable text has none of the above
        for position, char in enumerate(value, start=1):
            if _refused(char, multiline):
                raise ValidationError(
                    "Remove the invisible control character U+%(code)04X at position %(position)d.",
                    code="control_character",
                    params={"code": ord(char), "position": position},
                )
    if all(unicodedata.category(char) in INVISIBLE_CATEGORIES for char in value):
        raise ValidationError("This has no visible character.", code="invisible")


def validate_one_line_text(value: str) -> None:
    """A title, name, code or reference: one line of visible text, in any script."""
    _check_text(value, multiline=False)


def validate_multiline_text(value: str) -> None:
    """A text, summary, note or reason: like one-line text, plus line breaks and tabs."""
    _check_text(value, multiline=True)


_WEB_URL = URLValidator(schemes=["http", "https"], message="Enter a valid URL starting with http:// or https://.")
# RFC 3986: the characters a URI holds as they are; anything else (space, quotes, < >,
# braces, backslash, non-ASCII) must be percent-encoded. Django's URLValidator lets any
# non-space character through in the path, so '"><script>' passed.
_URI_CHARACTERS = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")


def validate_web_url(value: str) -> None:
    """A link to a web page: http or https, written as RFC 3986 allows (``format: uri``)."""
    _WEB_URL(value)
    if not _URI_CHARACTERS.fullmatch(value):
        raise ValidationError(
            "A URL holds only letters, digits and - . _ ~ : / ? # [ ] @ ! $ & ' ( ) * + , ; = : "
            "percent-encode anything else (a space is %20).",
            code="invalid",
        )
