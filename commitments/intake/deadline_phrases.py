"""Deadline phrases in a commitment's words, turned into the tracker's deadlines.

Three kinds of phrase (docs/intake.md, "From the text", lists them all):

- relative ("within a week", "within 72 hours", "no later than 30 days after the date of
  signing"): a number of days from the signing date, ``within_days``;
- absolute ("no later than 15 November", "by 1 December 2020", "before November 20",
  "by the end of the month"): a due date, ``due_on``; the date itself is read by
  dateparser, the words around it by the patterns below;
- starts ("from 00:00 on 10 October", "effective as of midnight, Moscow time, on
  November 10, 2020"): when something takes effect, never a deadline.

"Immediately" and "as soon as possible" give a note and no deadline: the tracker cannot
watch a deadline without a date.
"""

import calendar
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser
from dateutil.relativedelta import relativedelta
from text_to_num import text2num

from .. import rules

# Section: the pieces of a phrase

_MONTH = (
    r"(?:jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?|"
    r"aug(?:ust|\.)?|sep(?:tember|t\.|\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"\d{4}"
# "15 November [2020]", "the 5th of December", "November 20[,] [2020]", "20.11.2020", "2020-11-20".
DATE = (
    rf"(?:(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?"
    rf"|{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?"
    rf"|\d{{1,2}}[./]\d{{1,2}}[./]{_YEAR}|{_YEAR}-\d{{2}}-\d{{2}})(?![\w-])"
)
_NUMBER_WORD = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s](?:one|two|three|four|five|six|seven|"
    r"eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|a|an)"
)
NUMBER = rf"(?:\d{{1,4}}|{_NUMBER_WORD})"
UNIT = r"(?:hours?|days?|weeks?|months?|years?)"
_CLOCK = r"(?:\d{1,2}[:.]\d{2}|\d{1,2}\s*[ap]\.?m\.?|midnight|noon)(?:\s*(?:hours|hrs|h)\b)?"


def _zone_words(group: str) -> str:
    """ "Moscow time", "(Kiev time)": the zone's name in a named group."""
    return rf"(?:\(?\s*(?P<{group}>[a-z]+)\s+time\s*\)?)"


# "within a week", "within 72 hours", "within the next three years", "no later than 30 days
# after the date of signing", "in two weeks".
WITHIN = re.compile(
    rf"\b(?:within|in|during|over|no\s+later\s+than|not\s+later\s+than)\s+(?:a\s+(?:period|maximum)\s+of\s+)?"
    rf"(?:the\s+(?:next|following|first)\s+)?(?P<num>{NUMBER})(?:\s*\(\d+\))?[\s-]+(?P<unit>{UNIT})\b"
    r"(?P<anchor>\s+(?:of|after|from|following)\s+[^,;.]{1,80})?",
    re.IGNORECASE,
)
# "no later than 15 November", "by 1 December 2020", "before November 20, 2020", "until ...".
BY_DATE = re.compile(
    rf"\b(?P<word>no\s+later\s+than|not\s+later\s+than|on\s+or\s+before|by|before|until|till)\s+"
    rf"(?:the\s+date\s+of\s+)?(?P<date>{DATE})",
    re.IGNORECASE,
)
# "by the end of the month", "by the end of this year", "by the end of November [2020]".
END_OF = re.compile(
    rf"\b(?:no\s+later\s+than|not\s+later\s+than|by|before|until)\s+(?:the\s+)?end\s+of\s+"
    rf"(?:(?P<this>the|this|the\s+current)\s+(?P<unit>month|year)|(?P<month>{_MONTH})(?:\s+(?P<year>{_YEAR}))?)\b",
    re.IGNORECASE,
)
# "from 00:00 on 10 October", "as of midnight, Moscow time, on November 10, 2020",
# "effective 00:00 Moscow time on 10 November 2020", "from 15 February 2015 at 00.00 hours".
START = re.compile(
    rf"\b(?:from|as\s+of|effective(?:\s+(?:from|as\s+of))?|with\s+effect\s+from|starting(?:\s+(?:from|at))?)\s+"
    rf"(?:(?P<clock>{_CLOCK})[\s,]+(?:{_zone_words('zone')}[\s,]+)?(?:on\s+)?(?P<date>{DATE})"
    rf"|(?P<date2>{DATE})(?:\s*,?\s*(?:at\s+)?(?P<clock2>{_CLOCK})(?:\s+{_zone_words('zone2')})?)?)",
    re.IGNORECASE,
)
IMMEDIATE = re.compile(r"\b(?:immediately|immediate|without\s+delay|as\s+soon\s+as\s+possible)\b", re.IGNORECASE)
_HAS_YEAR = re.compile(rf"\b{_YEAR}\b")

# Named zones in the texts we test on; any other "X time" falls back to the venue's zone.
ZONE_NAMES = {
    "moscow": "Europe/Moscow",
    "kyiv": "Europe/Kyiv",
    "kiev": "Europe/Kyiv",
    "baku": "Asia/Baku",
    "yerevan": "Asia/Yerevan",
    "khartoum": "Africa/Khartoum",
    "greenwich": "UTC",
}


@dataclass(frozen=True)
class DeadlineProposal:
    """A deadline read from the text: a date or a number of days from signing, never both."""

    phrase: str
    due_on: date | None = None
    within_days: int | None = None
    note: str = ""


@dataclass(frozen=True)
class StartProposal:
    """When a commitment takes effect ("from 00:00 on 10 October"): a note, not a deadline."""

    phrase: str
    starts_at: datetime
    note: str


@dataclass(frozen=True)
class Timing:
    deadlines: tuple[DeadlineProposal, ...]
    start: StartProposal | None
    immediate: str
    warnings: tuple[str, ...]


# Section: reading numbers and dates


def _number(words: str) -> int:
    words = words.strip().lower()
    if words.isdigit():
        return int(words)
    if words in ("a", "an"):
        return 1
    return int(text2num(words, "en"))


def _days(num: int, unit: str, signed_on: date) -> tuple[int, str]:
    """A span in whole days from the signing date, and how it was counted."""
    unit = unit.lower().rstrip("s")
    if unit == "hour":
        days = max(1, math.ceil(num / 24))
        exact = num % 24 == 0
        return days, f"{num} hours = {days} days" if exact else f"{num} hours rounded up to {days} days"
    if unit == "day":
        return num, ""
    if unit == "week":
        return 7 * num, f"{num} week{'s' if num > 1 else ''} = {7 * num} days"
    # Calendar months and years from the signing date: a month from 31 Jan is 28 Feb.
    delta = relativedelta(months=num) if unit == "month" else relativedelta(years=num)
    days = (signed_on + delta - signed_on).days
    return days, f"{num} {unit}{'s' if num > 1 else ''} from {signed_on:%d %b %Y} = {days} days"


class DateReader:
    """Reads day-and-month phrases for one signing date, with dateparser.

    Without a year, the signing year is assumed, or the next year when that would fall
    before the signing date; ``read`` says so in its second value. One dateparser parser
    is built per reader (building it costs more than parsing) and each phrase is read
    once; past ``MAX_DATES`` distinct phrases in one text the rest are not read, which
    bounds the time a pasted text can take.
    """

    MAX_DATES = 1_000

    def __init__(self, signed_on: date) -> None:
        self.signed_on = signed_on
        self._parser = DateDataParser(
            languages=["en"],
            # The year is always given (the words' own, or the one assumed below), and the
            # patterns above let through only absolute dates: the parsers for "in 2 days"
            # and timestamps are not needed (and cost most of the time).
            settings={"REQUIRE_PARTS": ["day", "month", "year"], "DATE_ORDER": "DMY", "PARSERS": ["absolute-time"]},
        )
        self._read: dict[tuple[str, bool], tuple[date | None, str]] = {}

    def read(self, words: str, *, roll_forward: bool = True) -> tuple[date | None, str]:
        """The date, and a note on the year when the words give none.

        ``roll_forward``: a date without a year that would fall before the signing date is
        taken in the next year (a deadline); otherwise it stays in the signing year (a start).
        """
        key = (" ".join(words.split()).lower(), roll_forward)
        if key not in self._read:
            if len(self._read) >= self.MAX_DATES:
                return None, f"more than {self.MAX_DATES:,} dates in one text: {words!r} was not read"
            self._read[key] = self._parse(words, roll_forward)
        return self._read[key]

    def _parse(self, words: str, roll_forward: bool) -> tuple[date | None, str]:
        if _HAS_YEAR.search(words):
            day = self._date(words)
            return day, "" if day else f"could not read the date {words!r}"
        year = self.signed_on.year
        day = self._date(f"{words} {year}")
        if day is not None and (day >= self.signed_on or not roll_forward):
            return day, f"year assumed {year} from the signing date"
        if not roll_forward:
            return None, f"could not read the date {words!r} in {year}"
        # Before the signing date, or no such day in the signing year (29 February).
        later = self._date(f"{words} {year + 1}")
        if later is None:
            return None, f"could not read the date {words!r} in {year} or {year + 1}"
        why = "would be before the signing date" if day else "does not exist"
        return later, f"year assumed {year + 1}: {words} {year} {why}"

    def _date(self, words: str) -> date | None:
        parsed = self._parser.get_date_data(words).date_obj
        return parsed.date() if parsed else None


def _zone(name: str | None, default: ZoneInfo) -> ZoneInfo:
    if name and name.lower() in ZONE_NAMES:
        return ZoneInfo(ZONE_NAMES[name.lower()])
    return default


def _clock(words: str | None) -> time:
    if not words:
        return time.min
    words = words.lower()
    if words.startswith("midnight"):
        return time.min
    if words.startswith("noon"):
        return time(12)
    twelve_hour = re.match(r"(\d{1,2})\s*([ap])", words)
    if twelve_hour:  # "12am" is midnight, "12pm" noon
        hours = int(twelve_hour[1]) % 12 + (12 if twelve_hour[2] == "p" else 0)
        return time(min(hours, 23))
    hours, minutes = re.split(r"[:.]", re.match(r"\d{1,2}[:.]\d{2}", words).group())
    return time(min(int(hours), 23), min(int(minutes), 59))


# Section: the phrases in a text


def _within(match: re.Match, dates: DateReader) -> tuple[DeadlineProposal | None, list[str]]:
    warnings = []
    try:
        num = _number(match["num"])
    except ValueError:
        num = 0
    if num < 1:
        return None, [f"could not read the number in {match.group().strip()!r}"]
    days, note = _days(num, match["unit"], dates.signed_on)
    anchor = (match["anchor"] or "").strip()
    if anchor and not re.search(r"\bsign", anchor, re.IGNORECASE):
        warnings.append(
            f"{match.group().strip()!r} counts from something other than the signing: proposed as days from "
            "the signing date; chain it to that commitment if it is one"
        )
    if days > rules.LONGEST_DEADLINE_DAYS:
        return None, [f"{match.group().strip()!r} is beyond the longest deadline the tracker accepts"]
    return DeadlineProposal(phrase=match.group().strip(), within_days=days, note=note), warnings


def _by_date(match: re.Match, dates: DateReader) -> tuple[DeadlineProposal | None, list[str]]:
    signed_on = dates.signed_on
    day, note = dates.read(match["date"])
    if day is None:
        return None, [note]
    warnings = [note] if note else []
    notes = []
    if match["word"].lower() == "before":
        # "Before 20 November" is met by the end of 19 November: the tracker's due date is
        # the last day that counts.
        day -= timedelta(days=1)
        notes.append(f"'before {match['date']}': due by the end of {day:%d %b %Y}")
    if day < signed_on:
        warnings.append(f"the date {day:%d %b %Y} is before the signing date {signed_on:%d %b %Y}")
    return DeadlineProposal(phrase=match.group().strip(), due_on=day, note="; ".join(notes)), warnings


def _end_of(match: re.Match, dates: DateReader) -> tuple[DeadlineProposal | None, list[str]]:
    signed_on = dates.signed_on
    warnings = []
    if match["unit"]:
        if match["unit"].lower() == "year":
            day = date(signed_on.year, 12, 31)
            note = "the end of the signing year"
        else:
            day = date(signed_on.year, signed_on.month, calendar.monthrange(signed_on.year, signed_on.month)[1])
            note = "the last day of the signing month"
    else:
        year = int(match["year"]) if match["year"] else signed_on.year
        first, _ = dates.read(f"1 {match['month']} {year}")
        if first is None:
            return None, [f"could not read the month in {match.group().strip()!r}"]
        day = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        if not match["year"] and day < signed_on:
            day = date(year + 1, day.month, calendar.monthrange(year + 1, day.month)[1])
            warnings.append(f"year assumed {day.year}: the end of {day:%B} {year} is before the signing date")
        elif not match["year"]:
            warnings.append(f"year assumed {day.year} from the signing date")
        note = f"the last day of {day:%B %Y}"
    return DeadlineProposal(phrase=match.group().strip(), due_on=day, note=note), warnings


def _start(match: re.Match, dates: DateReader, venue_zone: ZoneInfo) -> tuple[StartProposal | None, list[str]]:
    words = match["date"] or match["date2"]
    # A start is the signing day or near it: without a year, the signing year.
    day, year_note = dates.read(words, roll_forward=False)
    if day is None:
        return None, [year_note]
    zone = _zone(match["zone"] or match["zone2"], venue_zone)
    starts_at = datetime.combine(day, _clock(match["clock"] or match["clock2"]), tzinfo=zone)
    utc = starts_at.astimezone(ZoneInfo("UTC"))
    note = f"takes effect {starts_at:%H:%M on %d %b %Y} ({zone.key}) = {utc:%Y-%m-%d %H:%M} UTC; not a deadline"
    return StartProposal(phrase=match.group().strip(), starts_at=starts_at, note=note), [year_note] if year_note else []


def find_timing(text: str, *, dates: DateReader, venue_zone: ZoneInfo) -> Timing:
    """Every deadline phrase in ``text``, in reading order, with the start and notes found."""
    found: list[tuple[int, DeadlineProposal]] = []
    warnings: list[str] = []
    # Characters already read as part of a phrase: "no later than 30 days after ..." is one
    # relative phrase, not also a date. A mask keeps the check linear in the text's length.
    taken = bytearray(len(text))

    def free(match: re.Match) -> bool:
        return not any(taken[match.start() : match.end()])

    def take(match: re.Match) -> None:
        taken[match.start() : match.end()] = b"\x01" * (match.end() - match.start())

    start = None
    for match in START.finditer(text):
        proposal, notes = _start(match, dates, venue_zone)
        warnings += notes
        if proposal and start is None:
            start = proposal
        take(match)
    for pattern, read in ((END_OF, _end_of), (WITHIN, _within), (BY_DATE, _by_date)):
        for match in pattern.finditer(text):
            if not free(match):
                continue
            proposal, notes = read(match, dates)
            warnings += notes
            take(match)
            if proposal:
                found.append((match.start(), proposal))
    immediate = IMMEDIATE.search(text)
    return Timing(
        deadlines=tuple(p for _, p in sorted(found, key=lambda pair: pair[0])),
        start=start,
        immediate=f"{immediate.group()!r}: no deadline to watch; the analyst may set one" if immediate else "",
        warnings=tuple(warnings),
    )
