"""The shared text and URL rules (utilities/validators.py), on their own."""

import pytest
from django.core.exceptions import ValidationError

from utilities.validators import validate_multiline_text, validate_one_line_text, validate_web_url

ONE_LINE_OK = [
    "Geneva statement",
    "آتش‌بس",  # Persian "ceasefire": the zero-width non-joiner (U+200C) inside is part of the spelling
    "Nagorno\u2011Karabakh",  # non-breaking hyphen
    "\u200f\u05e9\u05d1\u05d9\u05ea\u05ea \u05e0\u05e9\u05e7\u200f",  # Hebrew between right-to-left marks
    "para 3 (a)",
    "=SUM(A1)",  # a formula is text here; the CSV export neutralises it
]
ONE_LINE_REFUSED = [
    "a\x07b",  # BEL
    "line\nbreak",
    "tab\there",
    "\x1b[31mred",  # an ANSI escape
    "a\u2028b",  # line separator
    "\u202eevil",  # right-to-left override (Trojan Source)
    "x\u2066y",  # left-to-right isolate
    "\ud800",  # a lone surrogate: no database can store it
    "\u200b",  # zero-width space alone
    "\u2060\ufeff",  # word joiner and BOM: nothing visible
    "\u00a0\u3000",  # no-break and ideographic spaces only
    " \t",
]


@pytest.mark.parametrize("value", ONE_LINE_OK)
def test_one_line_text_takes_any_script(value):
    validate_one_line_text(value)


@pytest.mark.parametrize("value", ONE_LINE_REFUSED)
def test_one_line_text_refuses_controls_and_invisible_only_text(value):
    with pytest.raises(ValidationError) as exc:
        validate_one_line_text(value)
    assert exc.value.messages[0]


def test_the_message_names_the_character_and_its_position():
    with pytest.raises(ValidationError) as exc:
        validate_one_line_text("ab\x07c")
    assert "U+0007" in exc.value.messages[0] and "position 3" in exc.value.messages[0]


@pytest.mark.parametrize("value", ["Para 1.\nPara 2.", "a\r\nb", "col\tcol", "one\u2029two"])
def test_multiline_text_keeps_line_breaks_and_tabs(value):
    validate_multiline_text(value)


@pytest.mark.parametrize("value", ["a\x07b", "\x0c", "\x1b[2J", "\u202ex", "\n\u200b\n", "\ud800"])
def test_multiline_text_refuses_other_controls_and_invisible_only_text(value):
    with pytest.raises(ValidationError):
        validate_multiline_text(value)


def test_empty_text_is_left_to_the_field_blank_rule():
    validate_one_line_text("")
    validate_multiline_text("")


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a",
        "http://example.org/a?b=c&d=%20e#f",
        "https://www.osce.org/minsk-group/466803",
        "https://example.org/path_(x)/~y",
    ],
)
def test_web_urls_are_accepted(url):
    validate_web_url(url)


@pytest.mark.parametrize(
    "url",
    [
        'https://example.org/"><script>alert(1)</script>',
        "https://example.org/a b",
        "https://example.org/{x}",
        "https://example.org/a\\b",
        "https://example.org/статья",  # non-ASCII: percent-encode it
        "javascript:alert(1)",
        "ftp://example.org/file",
        "file:///etc/passwd",
        "example.org",
    ],
)
def test_anything_but_a_plain_http_or_https_url_is_refused(url):
    with pytest.raises(ValidationError):
        validate_web_url(url)
