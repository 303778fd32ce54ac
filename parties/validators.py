"""Rules for party codes: the key partners use in the API and in exports."""

import re

import pycountry
from django.core.exceptions import ValidationError

from utilities.validators import validate_one_line_text

from .choices import PartyKind

SLUG_CODE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
# Slugs that name a page rather than a party: /parties/new/ is the form for a new party.
RESERVED_CODES = frozenset({"new"})
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
    elif code in RESERVED_CODES:
        raise ValidationError(
            {"code": f"'{code}' names a page of the tracker (/parties/{code}/): choose another code."},
            code="reserved_code",
        )


MAX_ALIASES = 50


def validate_aliases(value) -> None:
    """A list of at most 50 distinct one-line names, each 1-200 characters."""
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise ValidationError("Give the aliases as a list of names.", code="invalid_aliases")
    if len(value) > MAX_ALIASES:
        raise ValidationError(f"Give at most {MAX_ALIASES} aliases.", code="too_many_aliases")
    seen = set()
    for alias in value:
        if not alias.strip() or len(alias) > 200:
            raise ValidationError("An alias has 1 to 200 characters.", code="invalid_alias")
        validate_one_line_text(alias)
        if alias.casefold() in seen:
            raise ValidationError(f"The alias '{alias}' is listed twice.", code="duplicate_alias")
        seen.add(alias.casefold())
