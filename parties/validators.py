"""Rules for party codes: the key partners use in the API and in exports."""

import re

import pycountry
from django.core.exceptions import ValidationError

from .choices import PartyKind

SLUG_CODE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
# Every code that can exist, in either case: a URL or a body naming anything else names
# no party, and is answered so before it reaches the database (which refuses a NUL).
ANY_CODE = r"[A-Za-z][A-Za-z0-9-]{1,39}"


def normalise_party_code(kind: str, code: str) -> str:
    """States are written in upper case (ARM), every other party in lower case (icrc)."""
    code = (code or "").strip()
    return code.upper() if kind == PartyKind.STATE else code.lower()


def validate_party_code(kind: str, code: str) -> None:
    """A state's code is its ISO 3166-1 alpha-3 code; any other party has a short slug."""
    if kind == PartyKind.STATE:
        if not re.fullmatch(r"[A-Z]{3}", code) or pycountry.countries.get(alpha_3=code) is None:
            raise ValidationError(
                {"code": f"'{code}' is not an ISO 3166-1 alpha-3 country code (e.g. ARM, AZE)."},
                code="invalid_iso3166",
            )
    elif not SLUG_CODE.fullmatch(code):
        raise ValidationError(
            {
                "code": f"'{code}' is not a valid code: use 2-40 lower-case letters, digits or "
                "hyphens, starting with a letter (e.g. icrc)."
            },
            code="invalid_slug",
        )
