"""Reading ACLED's CSV export, one row at a time: the columns (ACLED Codebook, 2024), the
two date formats ACLED writes, and the check of each value against the incident model's
limits. Nothing here touches the database: commitments.acled plans and writes.

A row with a bad value is refused with its row number (the header is row 1, as a
spreadsheet counts), the column and why; the other rows go on. The file is read as a
stream (csv over a text wrapper), so its size does not decide the memory used."""

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from utilities.validators import validate_multiline_text, validate_one_line_text

from .incident_types import EVENT_TYPE_BY_LABEL, SUB_EVENT_TYPE_BY_LABEL, EventType, sub_event_type_error
from .models.incident import MAX_FIGURE
from .rules import date_window

# Every column of ACLED's current export. Columns not listed are extra: shown in the
# preview, never read.
COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
# Without these a row cannot become an incident (identity, version, when, what, where).
REQUIRED = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "country", "location", "timestamp")
# What civilian_targeting says when civilians were the target (else it is empty).
CIVILIAN_TARGETING = "civilian targeting"

_NO_BREAKS = str.maketrans("", "", "\r\n\t")
_EVENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LONG_DATE = re.compile(r"(\d{1,2}) ([A-Za-z]+) (\d{4})")
_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
# Limits of the incident model's fields, checked here so a row fails alone, not the run.
LIMITS = {
    "location": 200,
    "country": 100,
    "admin1": 200,
    "admin2": 200,
    "admin3": 200,
    "actor1": 300,
    "assoc_actor_1": 1000,
    "actor2": 300,
    "assoc_actor_2": 1000,
    "source": 2000,
    "source_scale": 200,
    "notes": 10_000,
}
_FIVE_PLACES = Decimal("0.00001")  # the incident's latitude and longitude keep five
# A csv field bigger than this is no ACLED value (notes are at most a few thousand
# characters); it is refused rather than held in memory.
FIELD_LIMIT = 100_000


class FileRefused(Exception):
    """The whole file cannot be read (no header, a required column missing, not UTF-8)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(slots=True)  # slots: made 100,000 times in an import, and read at once
class Event:
    """One row, checked: the values an incident takes."""

    row: int
    event_id: str
    timestamp: int
    occurred_on: date
    event_type: str
    sub_event_type: str
    location: str
    country: str = ""
    admin1: str = ""
    admin2: str = ""
    admin3: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    geo_precision: int | None = None
    description: str = ""
    actor1: str = ""
    assoc_actor_1: str = ""
    actor2: str = ""
    assoc_actor_2: str = ""
    interaction: int | None = None
    fatalities: int | None = None
    civilians_killed: int | None = None
    source: str = ""
    source_scale: str = ""


@dataclass
class RowProblem:
    row: int
    field: str
    message: str
    event_id: str = ""

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class Header:
    index: dict[str, int]
    extra: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # per position: its column, or a key of its own


def parse_date(value: str) -> date:
    """ACLED's "YYYY-MM-DD" (API exports) or "DD Month YYYY" (some downloads); nothing else."""
    value = value.strip()
    try:
        if _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
        match = _LONG_DATE.fullmatch(value)
        if match and match.group(2).lower() in _MONTHS:
            return date(int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1)))
    except ValueError:
        raise ValueError(f"“{value[:40]}” is no day of the calendar.") from None
    raise ValueError(f"“{value[:40]}” is not a date as ACLED writes it: use 2020-10-30 or 30 October 2020.")


def text_stream(binary) -> io.TextIOWrapper:
    """UTF-8, with or without a byte order mark; universal newlines left to csv."""
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="strict", newline="")


def read_header(reader) -> Header:
    try:
        names = next(reader)
    except StopIteration:
        raise FileRefused("file", "The file is empty: it has no header row.") from None
    index: dict[str, int] = {}
    extra, keys = [], []
    for position, raw in enumerate(names):
        name = raw.strip().lower()
        if name in COLUMNS and name in index:
            # Reading one and ignoring the other would import values nobody chose.
            raise FileRefused(
                name,
                f"The header has the column {name} twice (columns {index[name] + 1} and {position + 1}): "
                "keep one and import again.",
            )
        if name in COLUMNS:
            index[name] = position
            keys.append(name)
        else:
            keys.append(f"\x00{position}")  # never a column's name: never read
            if name:
                extra.append(raw.strip()[:100])
    missing = [name for name in REQUIRED if name not in index]
    if missing:
        raise FileRefused(
            missing[0],
            f"The header has no column {', '.join(missing)}: an ACLED export has "
            f"{', '.join(REQUIRED)}. Export again with all columns.",
        )
    return Header(index=index, extra=extra, keys=keys)


def read_events(binary) -> tuple[Header, Iterator[Event | RowProblem]]:
    """The file's header, and its rows one by one, each an Event or a RowProblem."""
    csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(text_stream(binary))
    try:
        header = read_header(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise _refused_file(exc) from None
    return header, _rows(reader, header)


def _refused_file(exc) -> FileRefused:
    if isinstance(exc, UnicodeDecodeError):
        return FileRefused("file", "The file is not UTF-8 text: save it as UTF-8 (in a spreadsheet: CSV UTF-8).")
    return FileRefused("file", f"The file is not a CSV as ACLED writes it: {exc}.")


def _rows(reader, header: Header) -> Iterator[Event | RowProblem]:
    row = 1
    # As the model: from the date window's start to tomorrow (still today at UTC+14).
    window = (date_window()[0], timezone.now().date() + timedelta(days=1))
    empty = dict.fromkeys(COLUMNS, "")  # a column the file lacks reads as empty
    keys = header.keys
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise _refused_file(exc) from None
        except csv.Error as exc:
            row += 1
            yield RowProblem(row, "file", f"This row is not valid CSV: {exc}.")
            continue
        row += 1
        if not values or (len(values) == 1 and not values[0].strip()):
            continue  # a blank line
        named = empty.copy()
        named.update(zip(keys, map(str.strip, values), strict=False))
        yield check_row(row, named.__getitem__, window)


def check_row(row: int, get, window) -> Event | RowProblem:
    """One row, its values read by column name through ``get``."""
    event_id = get("event_id_cnty")
    try:
        return _event(row, get, event_id, window)
    except _Bad as bad:
        return RowProblem(row, bad.field, bad.message, event_id if _EVENT_ID.fullmatch(event_id) else "")


class _Bad(Exception):
    def __init__(self, field: str, message: str):
        self.field, self.message = field, message


def _text(get, name: str, *, required: bool = False, multiline: bool = False) -> str:
    value = get(name)
    if not value:
        if required:
            raise _Bad(name, "Empty: every ACLED event has one.")
        return ""
    limit = LIMITS.get(name)
    if limit and len(value) > limit:
        raise _Bad(name, f"{len(value):,} characters: at most {limit:,}.")
    # The fast path: printable text, or (multi-line) printable but for its line breaks.
    if not value.isprintable() and not (multiline and value.translate(_NO_BREAKS).isprintable()):
        try:
            (validate_multiline_text if multiline else validate_one_line_text)(value)
        except ValidationError as exc:
            raise _Bad(name, exc.messages[0]) from None
    return value


# (column, required, multiline) of the text values, checked by _texts in this order.
_PLACE_TEXTS = tuple(
    (name, LIMITS[name], name in ("location", "country"), False)
    for name in ("location", "country", "admin1", "admin2", "admin3")
)
_OTHER_TEXTS = tuple(
    (name, LIMITS[name], False, name == "notes")
    for name in ("notes", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "source", "source_scale")
)


def _texts(get, specs) -> list[str]:
    """_text for several columns in one loop: the common case (printable, within its
    limit) costs no call per value, which counts over a hundred thousand rows."""
    values = []
    for name, limit, required, multiline in specs:
        value = get(name)
        if value and len(value) <= limit and value.isprintable():
            values.append(value)
        else:
            values.append(_text(get, name, required=required, multiline=multiline))
    return values


def _whole(get, name: str, low: int, high: int) -> int | None:
    value = get(name)
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 19 or not low <= int(value) <= high:
        raise _Bad(name, f"“{value[:40]}” is not a whole number from {low} to {high:,}.")
    return int(value)


def _degrees(get, name: str, limit: int) -> Decimal | None:
    value = get(name)
    if not value:
        return None
    try:
        number = float(value) if len(value) <= 30 and value.isascii() else math.nan
    except ValueError:
        number = math.nan
    if not -limit <= number <= limit:  # NaN compares false: refused too
        raise _Bad(name, f"“{value[:40]}” is not a number from -{limit} to {limit}.")
    return Decimal(value).quantize(_FIVE_PLACES)


def _event(row: int, get, event_id: str, window) -> Event:
    if not event_id:
        raise _Bad("event_id_cnty", "Empty: every ACLED event has an id such as AZE123.")
    if not _EVENT_ID.fullmatch(event_id):
        raise _Bad("event_id_cnty", f"“{event_id[:40]}” is not an ACLED event id (letters and digits, up to 40).")
    # A Unix time in seconds, of the event's last edit at ACLED: never after tomorrow.
    timestamp = _whole(get, "timestamp", 0, int(datetime.combine(window[1], datetime.min.time(), UTC).timestamp()))
    if timestamp is None:
        raise _Bad("timestamp", "Empty: ACLED stamps every version of an event.")
    try:
        occurred_on = parse_date(get("event_date"))
    except ValueError as exc:
        raise _Bad("event_date", str(exc)) from None
    earliest, latest = window
    if not earliest <= occurred_on <= latest:
        raise _Bad("event_date", f"{occurred_on:%d %b %Y}: an incident's date is from {earliest:%Y} to today.")
    label = get("event_type")
    event_type = EVENT_TYPE_BY_LABEL.get(label.casefold())
    if event_type is None:
        raise _Bad("event_type", f"“{label[:60]}” is none of ACLED's event types.")
    sub_label = get("sub_event_type")
    sub_event_type = SUB_EVENT_TYPE_BY_LABEL.get(sub_label.casefold(), "") if sub_label else ""
    # ACLED wrote "protestors" in some years and "protesters" in others.
    if sub_label and not sub_event_type:
        sub_event_type = SUB_EVENT_TYPE_BY_LABEL.get(sub_label.casefold().replace("protestors", "protesters"), "")
    if sub_label and not sub_event_type:
        raise _Bad("sub_event_type", f"“{sub_label[:60]}” is none of ACLED's sub-event types.")
    error = sub_event_type_error(event_type, sub_event_type)
    if error:
        raise _Bad("sub_event_type", error)
    latitude, longitude = _degrees(get, "latitude", 90), _degrees(get, "longitude", 180)
    if (latitude is None) != (longitude is None):
        raise _Bad("longitude" if longitude is None else "latitude", "Give both latitude and longitude, or neither.")
    fatalities = _whole(get, "fatalities", 0, MAX_FIGURE)
    interaction = get("interaction")
    # The texts in the order the checks report them (the first bad one is named).
    location, country, admin1, admin2, admin3 = _texts(get, _PLACE_TEXTS)
    geo_precision = _whole(get, "geo_precision", 1, 3)
    description, actor1, assoc_actor_1, actor2, assoc_actor_2, source, source_scale = _texts(get, _OTHER_TEXTS)
    event = Event(
        row=row,
        event_id=event_id,
        timestamp=timestamp,
        occurred_on=occurred_on,
        event_type=event_type,
        sub_event_type=sub_event_type,
        location=location,
        country=country,
        admin1=admin1,
        admin2=admin2,
        admin3=admin3,
        latitude=latitude,
        longitude=longitude,
        geo_precision=geo_precision,
        description=description,
        actor1=actor1,
        assoc_actor_1=assoc_actor_1,
        actor2=actor2,
        assoc_actor_2=assoc_actor_2,
        # Older exports code the interaction as a number (17: state forces-civilians);
        # newer ones in words, which the model has no field for: kept as not reported.
        interaction=int(interaction)
        if interaction.isascii() and interaction.isdigit() and len(interaction) < 3
        else None,
        fatalities=fatalities,
        civilians_killed=civilians_killed(event_type, get("civilian_targeting"), fatalities),
        source=source,
        source_scale=source_scale,
    )
    return event


def civilians_killed(event_type: str, civilian_targeting: str, fatalities: int | None) -> int | None:
    """ACLED's fatalities are civilians' deaths when civilians were the target: every
    "Violence against civilians" event, and any other event ACLED marks "Civilian
    targeting" (shelling of a town). Otherwise ACLED does not say who died: not reported."""
    targeted = event_type == EventType.VIOLENCE_AGAINST_CIVILIANS or civilian_targeting.casefold() == CIVILIAN_TARGETING
    return fatalities if targeted else None


def actor_names(*values: str) -> list[str]:
    """actor1 and its associated actors ("A; B"), as separate names, in order, once each."""
    names: list[str] = []
    for value in values:
        for name in value.split(";"):
            name = name.strip()
            if name and name not in names:
                names.append(name)
    return names


def file_name_of(name: str) -> str:
    """A one-line, printable file name of at most 255 characters, for the record and history."""
    cleaned = "".join(char if char.isprintable() else "?" for char in name.rsplit("/", 1)[-1]).strip()
    return (cleaned or "upload.csv")[:255]
