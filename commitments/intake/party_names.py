"""Parties named in a sentence: by name, short name, alias, or the adjective of a state.

The caller gives the parties (code, name, short name, aliases). For a state, whose code is
an ISO 3166-1 alpha-3 code, the demonym ("Armenian", "Azerbaijani") and the capital used
as a metonym ("Moscow will provide Yerevan with ...") come from the countryinfo package.
A non-state party is found only by the names the caller gives.

Collective words ("the parties", "both sides", "the two countries", "we") stand for the
parties flagged ``in_collective`` (the signatories, not the mediators).
"""

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from countryinfo import CountryInfo
from countryinfo.exceptions import CountryNotFoundError


@dataclass(frozen=True)
class PartyName:
    """A party as the text may name it.

    ``in_collective``: counted in "the parties", "both sides", "we", and proposed as the
    bound parties when a commitment names none (signatories: yes; mediators, guarantors,
    organisations receiving lists: no).
    """

    code: str
    name: str
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    in_collective: bool = True


@dataclass(frozen=True)
class Mention:
    code: str
    start: int
    end: int
    words: str


@functools.cache
def state_names(code: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(demonyms, capitals) of the state with this ISO alpha-3 code; empty for other codes."""
    if not re.fullmatch(r"[A-Z]{3}", code):
        return (), ()
    try:
        country = CountryInfo(code)
    except (CountryNotFoundError, KeyError, ValueError):
        return (), ()
    if country.iso(3) != code:
        return (), ()
    demonym = country.demonym()
    capital = country.capital()
    return ((demonym,) if demonym else ()), ((capital,) if capital else ())


# "the parties", "both sides", "the two neighbouring countries", "the warring parties",
# "each side", "the Parties to the conflict". Not "third parties", not "the parties'" views.
COLLECTIVE = re.compile(
    r"\b(?:(?:the|both|all|each|either)\s+(?:(?:two|three|four)\s+)?"
    r"(?:(?:warring|conflicting|neighbou?ring|signatory|opposing|belligerent)\s+)?"
    r"(?:parties|sides|countries|party|side|signatories)\b(?!')"
    r"|\bwe\b)",
    re.IGNORECASE,
)
# A name followed by one of these is someone in another role ("French, Russian and US
# mediators", "the Minsk Group co-chairs"), or a place or clock ("Moscow time").
# Each name in the run is taken whole (the look-ahead), so a run of capitals cannot be
# split in exponentially many ways when no role follows.
ROLE_AFTER = re.compile(
    r"^(?:[\s,]+(?:and\s+)?(?:[A-Z][\w.-]*(?![\w.-])\s*,?\s*(?:and\s+)?)*)?\s*"
    r"(?:mediators?|co-?chairs?|observers?|envoys?|facilitators?|time)\b",
)
PLACE_BEFORE = re.compile(
    r"\b(?:in|at|near|(?:territory|oblasts?|regions?|districts?|areas?|city|border)\s+of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


@dataclass
class PartyMatcher:
    """Finds the given parties in text. Build once per call, reuse for every sentence."""

    parties: Sequence[PartyName]
    _pattern: re.Pattern | None = field(init=False, default=None)
    _by_words: dict[str, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for party in self.parties:
            demonyms, capitals = state_names(party.code)
            for words in (party.name, party.short_name, *party.aliases, *demonyms, *capitals):
                words = (words or "").strip()
                # Names are proper nouns: matched as written, so "US" is not "us".
                if len(words) >= 2 and words not in self._by_words:
                    self._by_words[words] = party.code
        if self._by_words:
            # Longest first: "Russian Federation" before "Russian".
            alternatives = sorted(self._by_words, key=len, reverse=True)
            self._pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, alternatives)) + r")(?![\w-])")

    @property
    def collective(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.parties if p.in_collective)

    def mentions(self, text: str) -> list[Mention]:
        """Each naming of a party in the text, leaving out places, clocks and mediators."""
        if self._pattern is None:
            return []
        found = []
        for match in self._pattern.finditer(text):
            if ROLE_AFTER.match(text[match.end() : match.end() + 120]):
                continue
            if PLACE_BEFORE.search(text[max(0, match.start() - 40) : match.start()]):
                continue
            found.append(Mention(self._by_words[match.group()], match.start(), match.end(), match.group()))
        return found

    def collectives(self, text: str) -> list[Mention]:
        """Collective words, each standing for every ``in_collective`` party."""
        return [
            Mention(code, m.start(), m.end(), m.group()) for m in COLLECTIVE.finditer(text) for code in self.collective
        ]
