"""Proposals of commitments from a statement's text, for the analyst to accept, edit or drop.

Pure: no database, no models (only the vocabularies of commitments.choices), so the
commitments form can call it on every paste and the tests need no database. What it
recognises, and what it misses, is in docs/intake.md ("From the text").
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import syntok.segmenter as syntok

from ..choices import Category, Confidence, Nature
from ..rules import iana_zones
from .deadline_phrases import DateReader, DeadlineProposal, StartProposal, find_timing
from .party_names import PartyMatcher, PartyName

__all__ = ["MAX_TEXT_CHARS", "PartyName", "Proposal", "propose_commitments"]

# A long peace agreement is ~30,000 characters; beyond this the analyst pasted something
# else, and the answer must stay quick.
MAX_TEXT_CHARS = 100_000
TITLE_CHARS = 120
# Straight and curly quotation marks, stripped from titles and triggers.
QUOTES = "\"'\u2018\u2019\u201c\u201d"


@dataclass(frozen=True)
class Proposal:
    """One proposed commitment. Nothing here is saved: the analyst edits it in the form."""

    reference: str
    title: str
    text: str
    category: str
    nature: str
    condition: str
    bound: tuple[str, ...]
    recipients: tuple[str, ...]
    deadline: DeadlineProposal | None
    start: StartProposal | None
    notes: tuple[str, ...]
    confidence: str
    warnings: tuple[str, ...]


# Section: the words that make a commitment

# Anywhere in a sentence: modal verbs and verbs of undertaking. Deliberately not "would",
# "should" or "agreed on": in reports and preambles they describe, they do not bind.
COMMITMENT_VERB = re.compile(
    r"\b(?P<modal>shall|will|must|(?:is|are)\s+to)\b"
    r"|\b(?P<intro>agree[sd]?(?:\s+\w+ly)?\s+(?:not\s+)?to|undert(?:ake|akes|ook)\s+(?:not\s+)?to|"
    r"pledge[sd]?\s+(?:not\s+)?to|commit(?:s|ted)?\s+(?:themselves\s+|itself\s+|ourselves\s+)?(?:not\s+)?to"
    r"|(?:re)?affirm(?:s|ed)?\s+(?:our|their|its)\s+commitment\s+to)\b"
    r"|\b(?P<direct>refrain(?:s|ed)?|submit(?:s|ted)?|ensure[sd]?|guarantee[sd]?|implement(?:s|ed)?)\b",
    re.IGNORECASE,
)
# At the start of a numbered point: the imperative of the Minsk Protocol ("Ensure ...",
# "Withdraw ...", "Immediately release ...").
IMPERATIVE = re.compile(
    r"^[\W\d]*(?P<imperative>(?:immediately\s+)?(?:ensure|withdraw|release|exchange|take|adopt|enact|conduct|implement|provide|"
    r"launch|continue|allow|facilitate|respect|cease|distinguish|establish|return|refrain|protect|stop)\b)",
    re.IGNORECASE,
)
PASSIVE_AFTER_MODAL = re.compile(r"^\s*(?:not\s+)?(?:be|been|become|remain|proceed)\b", re.IGNORECASE)
CONDITION = re.compile(
    r"\b(?:if|in\s+the\s+event\s+(?:of|that)|in\s+case\s+of|provided\s+that)\s+(?P<what>[^.;:,”\"]+)",
    re.IGNORECASE,
)
ONGOING = re.compile(
    r"\b(?:refrain|cease|respect|abide|observe|maintain|continue|at\s+all\s+times|not\s+to|remain|cessation)\w*",
    re.IGNORECASE,
)

# Section: categories, by keywords, in one table. Specific categories come before the
# general ones (security guarantee, ceasefire): "a peacekeeping ceasefire verification
# centre" is about verification. A keyword in the first words names what a point is
# about ("A ceasefire is announced ... for the exchange of prisoners"); otherwise the
# first keyword of a specific category anywhere in the point, else of a general one.
CATEGORY_KEYWORDS: tuple[tuple[str, str], ...] = (
    (Category.REMAINS_EXCHANGE, r"remains\s+of|mortal\s+remains|(?:dead\s+)?bodies|the\s+dead\b|deceased|bur(?:y|ial)"),
    (Category.PRISONERS, r"prisoners?|pows?\b|detainees?|detained|hostages?|captives?"),
    (
        Category.VERIFICATION,
        r"verif\w*|monitor\w*|observers?|inspections?|oversee\w*|supervis\w*|compliance|report\s+on",
    ),
    (
        Category.HUMANITARIAN_ACCESS,
        r"humanitarian\s+(?:aid|assistance|access|relief|supplies|action|actors|workers|convoys?|corridors?|"
        r"situation|needs|purposes)|relief\s+(?:supplies|items)|\baid\b",
    ),
    (Category.DISPLACED_RETURN, r"displaced|refugees?|idps?\b|return\s+of\s+(?:the\s+)?(?:population|residents)"),
    (
        Category.WITHDRAWAL,
        r"withdr[ae]w\w*|re-?deploy\w*|pull(?:ed|ing)?\s+(?:back|out)|disengage\w*|\bcede\b|be\s+returned|"
        r"return\s+the\s+[\w\s-]{0,30}?(?:district|region|territor)|remove\s+any\s+military",
    ),
    (Category.CIVILIAN_PROTECTION, r"civilians?|non-military\s+targets|human\s+shields?"),
    (Category.SECURITY_GUARANTEE, r"guarantee\w*|security|peacekeep\w*|assistance|safety"),
    (
        Category.CEASEFIRE,
        r"cease-?\s?fire|cessation\s+of\s+(?:all\s+)?(?:hostilities|military)|hostilities|truce|armistice|"
        r"use\s+of\s+weapons|current\s+positions|reinforcements",
    ),
)
_CATEGORY_PATTERNS = tuple(
    (category, re.compile(rf"\b(?:{words})", re.IGNORECASE)) for category, words in CATEGORY_KEYWORDS
)


GENERAL_CATEGORIES = frozenset({Category.SECURITY_GUARANTEE, Category.CEASEFIRE})
HEAD_WORDS = 6


def categorise(text: str) -> str:
    head = " ".join(text.split()[:HEAD_WORDS])
    for words in (head, text):
        hits = [(m.start(), category) for category, pattern in _CATEGORY_PATTERNS if (m := pattern.search(words))]
        specific = [hit for hit in hits if hit[1] not in GENERAL_CATEGORIES]
        if specific or hits:
            return min(specific or hits, key=lambda hit: hit[0])[1]
    return Category.OTHER


# Section: splitting the text into points and sentences

# "1." "12)" "(a)" "(iv)" "a)" "b." "iii." "-" "•" at the start of a line.
MARKER = re.compile(
    r"^\s*(?P<marker>(?P<digit>\d{1,3})[.)]|\((?P<paren>[a-z]{1,4}|\d{1,3})\)|(?P<letter>[a-z]{1,4})[.)]|"
    r"(?P<bullet>[-•*\u2013·▪●]))\s+",
    re.IGNORECASE,
)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")


@dataclass
class _Unit:
    reference: str
    text: str
    numbered: bool


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\t", " ")
    return CONTROL.sub(" ", text)


def _units(text: str) -> list[_Unit]:
    """Numbered, lettered and bulleted points (with what continues them), else paragraphs.

    A line is a paragraph. It continues the one before when it starts in lower case (a
    hard-wrapped line). Lettered points under a point numbered with digits are its
    sub-points ("2(a)"); bullets under it are part of it (the Minsk Package's "- for the
    Ukrainian troops: ..."). An unnumbered paragraph with a commitment verb after a point
    goes on with that point (the 10 November 2020 statement's point 6); a paragraph ending
    in a colon introduces a list and proposes nothing.
    """
    units: list[_Unit] = []
    count = 0  # paragraphs and points, for the "para N" references
    parent: _Unit | None = None  # the last point numbered with digits
    last_point: _Unit | None = None  # the last numbered or lettered point
    previous_blank = True
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            previous_blank = True
            continue
        marker = MARKER.match(line)
        # A lettered point is short ("a." or "iv."): "Aug." or "No." starting a line is a word.
        if marker and marker["letter"] and len(marker["letter"]) > 1 and not re.fullmatch(r"[ivxl]+", marker["letter"]):
            marker = None
        if marker and marker["bullet"] and parent is not None:
            parent.text += "\n" + stripped
        elif marker:
            count += 1
            body = line[marker.end() :].strip()
            if marker["bullet"]:
                reference = f"para {count}"
            elif marker["digit"] or parent is None:
                reference = marker["marker"]
            else:
                reference = f"{parent.reference.rstrip('.)')}({marker['letter'] or marker['paren']})"
            units.append(unit := _Unit(reference=reference, text=body, numbered=True))
            if marker["digit"]:
                parent = unit
            if not marker["bullet"]:
                last_point = unit
        elif not previous_blank and units and stripped[0].islower():
            units[-1].text += " " + stripped
        elif last_point is not None and (COMMITMENT_VERB.search(stripped) or IMPERATIVE.match(stripped)):
            last_point.text += "\n" + stripped
        elif stripped.endswith(":"):
            count += 1
        else:
            count += 1
            units.append(_Unit(reference=f"para {count}", text=stripped, numbered=False))
        previous_blank = False
    return units


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans by syntok, which keeps "No. 5", "U.S.", "Sept. 19" and "i.e." whole."""
    spans = []
    for paragraph in syntok.analyze(text):
        for sentence in paragraph:
            first, last = sentence[0], sentence[-1]
            spans.append((first.offset, last.offset + len(last.value)))
    return spans or [(0, len(text))]


def _groups(unit: _Unit) -> list[tuple[str, str, str]]:
    """(reference, text, sentence with the verb) of each proposal a unit gives.

    A paragraph gives one per sentence with a commitment verb. A numbered point gives one
    for the whole point, unless it holds several such sentences: then one per such
    sentence, each keeping the sentences without a verb that follow it ("...: - for the
    Ukrainian troops ...") and the point's head keeping its own ("Withdrawal of all heavy
    weapons ...").
    """
    spans = _sentences(unit.text)
    committing = [i for i, (start, end) in enumerate(spans) if COMMITMENT_VERB.search(unit.text[start:end])]
    if not unit.numbered:
        found = []
        for i in committing:
            start, end = spans[i]
            reference = unit.reference if len(committing) == 1 else f"{unit.reference} sentence {i + 1}"
            found.append((reference, unit.text[start:end].strip(), unit.text[start:end].strip()))
        return found
    if len(committing) <= 1:
        start, end = spans[committing[0]] if committing else spans[0]
        return [(unit.reference, unit.text, unit.text[start:end])]
    heads = sorted({0, *committing})
    found = []
    for n, i in enumerate(heads):
        start = spans[i][0]
        end = spans[heads[n + 1] - 1][1] if n + 1 < len(heads) else spans[-1][1]
        found.append((f"{unit.reference} sentence {i + 1}", unit.text[start:end].strip(), unit.text[slice(*spans[i])]))
    return found


# Section: one proposal


def _title(sentence: str, verb: re.Match | None) -> str:
    words = sentence
    if verb is not None:
        rest = sentence[verb.end() :]
        kind = next(name for name, words in verb.groupdict().items() if words)
        if kind == "intro":
            words = rest
        elif kind == "direct":
            words = sentence[verb.start() :]
        elif kind == "modal" and not PASSIVE_AFTER_MODAL.match(rest):
            words = rest
    # Up to a semicolon, a colon, or the end of a quotation ("..., ” the statement said").
    words = re.split(r"[;:]\s|[,.]?[”\"]\s*,|,[”\"]\s", words.strip().lstrip(QUOTES + " ,"), maxsplit=1)[0]
    words = re.sub(f"[{QUOTES}]", "", words).strip().rstrip(".,")
    if len(words) > TITLE_CHARS:
        words = words[:TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;") + "…"
    return words[:1].upper() + words[1:]


def _first_verb(text: str, numbered: bool) -> re.Match | None:
    verb = COMMITMENT_VERB.search(text)
    if verb is None and numbered:
        return IMPERATIVE.match(text)
    return verb


RECIPIENT_BEFORE = re.compile(r"\b(?:to|provide|give|hand\s+over\s+to|transfer\s+to)\s+(?:the\s+)?$", re.IGNORECASE)
# "by the OSCE", "by both sides", "by the peacekeeping force of the Russian Federation".
AGENT_BEFORE = re.compile(r"\bby\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:of\s+(?:the\s+)?)?$", re.IGNORECASE)


def _parties(text: str, verb_at: int, matcher: PartyMatcher) -> tuple[list[str], list[str], bool]:
    """(bound, recipients, named): bound are named before the verb or as the agent ("by the
    OSCE") after it; recipients follow "to" or "provide". ``named`` is False when the bound
    parties are only the default (the signatories)."""
    bound: list[str] = []
    recipients: list[str] = []
    for mention in matcher.mentions(text) + matcher.collectives(text):
        before = text[max(0, mention.start - 40) : mention.start]
        if RECIPIENT_BEFORE.search(before) and mention.start > verb_at:
            recipients.append(mention.code)
        elif mention.start < verb_at or AGENT_BEFORE.search(before):
            bound.append(mention.code)
    recipients = [code for code in dict.fromkeys(recipients) if code not in bound]
    bound = list(dict.fromkeys(bound))
    if bound:
        return bound, recipients, True
    return [code for code in matcher.collective if code not in recipients], recipients, False


def _proposal(
    reference: str,
    text: str,
    sentence: str,
    numbered: bool,
    *,
    matcher: PartyMatcher,
    dates: DateReader,
    zone: ZoneInfo,
) -> Proposal:
    warnings: list[str] = []
    notes: list[str] = []
    verb = _first_verb(sentence, numbered)
    if verb is None:
        warnings.append("no commitment verb: proposed because it is a numbered point")
    sentence_at = text.find(sentence)
    # Without a verb the parties named in the first clause are taken as bound ("The Republic
    # of Azerbaijan and the Republic of Armenia, with the mediation of ..., begin ...").
    first_clause = text.find(",")
    verb_at = (max(sentence_at, 0) + verb.start()) if verb else (first_clause if first_clause > 0 else len(text))

    bound, recipients, named = _parties(text, verb_at, matcher)
    if not bound:
        warnings.append("no party found")
    elif not named:
        warnings.append(f"no party named as bound: proposed {', '.join(bound)} (the parties to the agreement)")

    timing = find_timing(text, dates=dates, venue_zone=zone)
    warnings += timing.warnings
    deadline = timing.deadlines[0] if timing.deadlines else None
    if len(timing.deadlines) > 1:
        others = ", ".join(repr(d.phrase) for d in timing.deadlines[1:])
        warnings.append(f"{len(timing.deadlines)} deadlines in one point: proposed the first; also {others}")
    for note in (deadline.note if deadline else "", timing.start.note if timing.start else "", timing.immediate):
        if note:
            notes.append(note)

    condition = CONDITION.search(text)
    if condition:
        nature = Nature.CONDITIONAL
        trigger = condition["what"].strip().strip(QUOTES + " ,")
    else:
        trigger = ""
        if deadline:
            nature = Nature.ONE_OFF
        else:
            nature = Nature.ONGOING
            if not ONGOING.search(text):
                warnings.append("no deadline found: proposed as ongoing (a one-off commitment needs a deadline)")

    category = categorise(text)
    if verb is None or not bound:
        confidence = Confidence.LOW
    elif named and category != Category.OTHER and not warnings:
        confidence = Confidence.HIGH
    else:
        confidence = Confidence.MEDIUM
    return Proposal(
        reference=reference,
        title=_title(sentence, verb) or reference,
        text=text,
        category=category,
        nature=nature,
        condition=trigger,
        bound=tuple(bound),
        recipients=tuple(recipients),
        deadline=deadline,
        start=timing.start,
        notes=tuple(notes),
        confidence=confidence,
        warnings=tuple(warnings),
    )


# Section: the whole text


def propose_commitments(text: str, *, parties: Sequence[PartyName], signed_on: date, timezone: str) -> list[Proposal]:
    """Proposed commitments of a statement, in the order of the text.

    One per numbered or bulleted point; where a point holds several sentences with a
    commitment verb, one per such sentence ("6. sentence 3"). Unnumbered paragraphs give
    one per sentence with a commitment verb; other paragraphs (preambles, reported
    background) give none. ``signed_on`` anchors "within N days" and years left unsaid;
    ``timezone`` (the venue's, IANA) places a start such as "from 00:00 on 10 October".

    Raises ValueError, naming the argument, for text over MAX_TEXT_CHARS characters, a
    signing date that is not a date, or an unknown time zone; any other text, however odd,
    gives a list (maybe empty).
    """
    if not isinstance(text, str):
        raise ValueError("text: must be a string.")
    if not isinstance(signed_on, date):
        raise ValueError("signed_on: must be a date.")
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"text: at most {MAX_TEXT_CHARS:,} characters can be read at once; this has {len(text):,}.")
    if timezone not in iana_zones():
        raise ValueError(f"timezone: {timezone!r} is not an IANA time zone name (e.g. Europe/Zurich).")
    zone = ZoneInfo(timezone)
    matcher = PartyMatcher(parties)
    common = {"matcher": matcher, "dates": DateReader(signed_on), "zone": zone}
    return [
        _proposal(reference[:50], words, sentence, unit.numbered, **common)
        for unit in _units(_clean(text))
        for reference, words, sentence in _groups(unit)
    ]
