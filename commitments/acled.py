"""The ACLED import: read -> plan -> apply, for the command (import_acled) and the upload
page (acled_pages.py) alike.

Read: the CSV is streamed row by row (acled_rows.py checks each value) in a thread of its
own, which hands the good rows over in chunks (CHUNK_ROWS); each chunk goes into a
temporary staging table (PostgreSQL: COPY; SQLite: executemany) and is planned and
applied while the reader checks the next one, so the file is never held in memory and
PostgreSQL's work overlaps Python's. All chunks are one transaction: a file that turns
out unreadable in its last chunk writes nothing. Actor names are mapped to parties here, through
ActorMapping: actor1 and its associated actors as "alleged", actor2 and its associated
actors as "involved"; a name with a mapping but no party is a known non-party; a name
with no mapping is unmapped: counted and listed, never guessed.

Plan: one query per chunk compares the staging table with the incidents by ACLED's event id:
create (no incident), update (the file's timestamp is newer than the incident's),
unchanged (otherwise). Refused rows carry their row number, column and why.

Apply: set-based statements (INSERT ... SELECT, UPDATE ... FROM), the history rows too
(bulk_history.py), so 100,000 rows take a few statements. An unchanged event is not
written at all: re-importing the same file writes nothing but its AcledImport record.
Imports run one at a time on PostgreSQL (a transaction-level advisory lock), so twenty
concurrent imports of one file make each incident once. A dry run plans and rolls back.
"""

import contextlib
import hashlib
import io
import queue
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from core.validation import clean_into, raise_if

from .acled_rows import Event, FileRefused, RowProblem, actor_names, file_name_of, read_events
from .bulk_history import history_insert
from .choices import Confidence, IncidentRole, Verification
from .link_rules import links_propose
from .models import AcledImport, ActorMapping, Incident, IncidentLink, IncidentParty, IncidentSource

PUBLISHER = "ACLED"
SOURCE_TITLE = "ACLED event "  # + the event id
# ACLED's data export tool: where a reader finds the event by its id.
EXPORT_TOOL_URL = "https://acleddata.com/data-export-tool/"
MAX_ERRORS = 1_000  # refused rows kept on the record; the count is always whole
ANALYZE_AFTER = 1_000  # rows written after which the tables' statistics are refreshed
ANALYZED = {
    Incident: ("id", "last_import_id", "event_type", "sub_event_type", "occurred_on", "verification"),
    IncidentParty: ("incident_id", "party_id", "role"),
    IncidentLink: ("incident_id", "obligation_id"),
}
LOCK_KEY = 0x4AC1ED  # pg_advisory_xact_lock: one import at a time
STAGE = "acled_stage"
RETRACT = "acled_retract"
NEW = "acled_new"  # the events to create, with their incidents' ids
UPDATED = "acled_updated"  # the incidents a chunk updates
SEEN = "acled_seen"  # every event id of the file (for --retract-missing), chunk after chunk
CHUNK_ROWS = 10_000  # rows per chunk, checked in Python while the previous one is written (about 10 MB)
STAGE_COLUMNS = (
    ("row_no", "integer"),
    ("event_id", "varchar(40)"),
    ("state", "varchar(8)"),  # ok, refused (identified, not imported), skipped (--since)
    ("ts", "bigint"),
    ("occurred_on", "date"),
    ("event_type", "varchar(32)"),
    ("sub_event_type", "varchar(40)"),
    ("location", "text"),
    ("country", "text"),
    ("admin1", "text"),
    ("admin2", "text"),
    ("admin3", "text"),
    ("latitude", "numeric(8,5)"),
    ("longitude", "numeric(8,5)"),
    ("geo_precision", "integer"),
    ("description", "text"),
    ("actor1", "text"),
    ("assoc_actor_1", "text"),
    ("actor2", "text"),
    ("assoc_actor_2", "text"),
    ("interaction", "integer"),
    ("fatalities", "integer"),
    ("civilians_killed", "integer"),
    ("source", "text"),
    ("source_scale", "text"),
    ("alleged", "text"),  # party ids: {3,5} (PostgreSQL) or [3,5] (SQLite)
    ("involved", "text"),
)
# What a newer version of an event changes on its incident; an analyst's verification,
# publication, confidence, internal note and injured count are the analyst's.
UPDATED_FROM_STAGE = {
    "occurred_on": "occurred_on",
    "location": "location",
    "country": "country",
    "admin1": "admin1",
    "admin2": "admin2",
    "admin3": "admin3",
    "latitude": "latitude",
    "longitude": "longitude",
    "geo_precision": "geo_precision",
    "event_type": "event_type",
    "sub_event_type": "sub_event_type",
    "description": "description",
    "actor1": "actor1",
    "assoc_actor_1": "assoc_actor_1",
    "actor2": "actor2",
    "assoc_actor_2": "assoc_actor_2",
    "interaction": "interaction",
    "fatalities": "fatalities",
    "civilians_killed": "civilians_killed",
    "acled_timestamp": "ts",
    "acled_source": "source",
    "acled_source_scale": "source_scale",
}


@dataclass
class AcledResult:
    """What an import did (or, dry, would do)."""

    file_name: str
    sha256: str = ""
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # older than --since
    refused: int = 0
    retracted: int = 0
    links_proposed: int = 0
    errors: list[dict] = field(default_factory=list)  # the first MAX_ERRORS
    unmapped: dict[str, int] = field(default_factory=dict)  # actor name -> rows, most first
    extra_columns: list[str] = field(default_factory=list)
    first_day: date | None = None
    last_day: date | None = None
    countries: list[str] = field(default_factory=list)
    record: AcledImport | None = None

    @property
    def ok(self) -> bool:
        return not any(e.get("row") == "file" for e in self.errors)


class _Hashing(io.RawIOBase):
    """The file as it is read, hashed on the way (the record keeps its SHA-256)."""

    def __init__(self, raw):
        self.raw, self.digest = raw, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        self.digest.update(data)
        buffer[: len(data)] = data
        return len(data)


# Actor mapping


def actor_map() -> dict[str, int | None]:
    """lower-case actor name -> party id (None: a known non-party)."""
    return {name.lower(): party for name, party in ActorMapping.objects.values_list("actor_name", "party_id")}


@transaction.atomic
def actor_mapping_add(*, actor_name: str, party, user, note: str = "") -> ActorMapping:
    """Map an actor name as ACLED writes it to a party (or to no party), from the import
    preview; the admin edits the table. A name is mapped once, whatever its case."""
    mapping = ActorMapping(actor_name=(actor_name or "").strip(), party=party, note=note)
    mapping._history_user = user
    errors: dict = {}
    clean_into(errors, mapping, validate_constraints=False)
    taken = "This actor name is already mapped."
    if "actor_name" not in errors and ActorMapping.objects.filter(actor_name__iexact=mapping.actor_name).exists():
        errors["actor_name"] = [taken]
    raise_if(errors)
    try:
        with transaction.atomic():
            mapping.save()
    except IntegrityError:  # mapped by someone else in the meantime
        raise ValidationError({"actor_name": [taken]}) from None
    return mapping


def _parties(names: list[str], mapping: dict, unmapped: Counter) -> list[int]:
    ids: list[int] = []
    for name in names:
        key = name.lower()
        if key not in mapping:
            unmapped[name] += 1
        elif mapping[key] is not None and mapping[key] not in ids:
            ids.append(mapping[key])
    return ids


# Staging


def _vendor() -> str:
    return connection.vendor


def _create_stage(cursor) -> None:
    for table in (STAGE, RETRACT, SEEN):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    columns = ", ".join(f"{name} {kind}" for name, kind in STAGE_COLUMNS)
    cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} ({columns})")
    cursor.execute(f"CREATE TEMPORARY TABLE {RETRACT} (id bigint PRIMARY KEY)")
    cursor.execute(f"CREATE TEMPORARY TABLE {SEEN} (event_id varchar(40))")


def _drop_stage(cursor) -> None:
    for table in (STAGE, RETRACT, NEW, UPDATED, SEEN):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


class _PartyCells:
    """The staging table's party cell ({3,5}) of an actor and its associated actors,
    remembered per pair of values: an export repeats the same few actors in most rows."""

    LIMIT = 10_000  # pairs remembered: a bound on memory for a file of all-different actors

    def __init__(self, mapping: dict, unmapped: Counter, brackets: str):
        self.mapping, self.unmapped, self.brackets, self.known = mapping, unmapped, brackets, {}

    def __call__(self, actor: str, associated: str) -> str | None:
        key = (actor, associated)
        found = self.known.get(key)
        if found is None:
            missing: Counter = Counter()
            ids = _parties(actor_names(actor, associated), self.mapping, missing)
            cell = f"{self.brackets[0]}{','.join(map(str, ids))}{self.brackets[1]}" if ids else None
            found = (cell, list(missing.elements()))
            if len(self.known) < self.LIMIT:
                self.known[key] = found
        for name in found[1]:
            self.unmapped[name] += 1
        return found[0]


def _stage_row(event: Event, cells: _PartyCells) -> tuple:
    return (
        event.row,
        event.event_id,
        "ok",
        event.timestamp,
        event.occurred_on,
        event.event_type,
        event.sub_event_type,
        event.location,
        event.country,
        event.admin1,
        event.admin2,
        event.admin3,
        event.latitude,
        event.longitude,
        event.geo_precision,
        event.description,
        event.actor1,
        event.assoc_actor_1,
        event.actor2,
        event.assoc_actor_2,
        event.interaction,
        event.fatalities,
        event.civilians_killed,
        event.source,
        event.source_scale,
        cells(event.actor1, event.assoc_actor_1),
        cells(event.actor2, event.assoc_actor_2),
    )


def _marker_row(row: int, event_id: str, state: str) -> tuple:
    """An event in the file that is not imported (refused, or older than --since): kept in
    the staging table so that --retract-missing does not take it for deleted."""
    return (row, event_id, state) + (None,) * (len(STAGE_COLUMNS) - 3)


# The one staging column whose text may hold a tab (a multi-line text: ACLED's notes); the
# one-line texts are refused unless printable, so they hold neither tab nor line break.
_MULTILINE = [name for name, _ in STAGE_COLUMNS].index("description")


def _copy_line(row: tuple) -> str:
    """One row in COPY's text format, escaped once per line rather than value by value.
    Two control characters no value can hold (the checks refuse any unprintable
    character but a multi-line text's breaks and tabs; PostgreSQL refuses NUL in text)
    stand in while the line's backslashes and line breaks are escaped: NUL for NULL
    (then \\N), U+0001 for a tab in the notes (then \\t). str.replace finds none in most lines."""
    notes = row[_MULTILINE]
    tabbed = notes.__class__ is str and "\t" in notes
    if tabbed:
        row = (*row[:_MULTILINE], notes.replace("\t", "\x01"), *row[_MULTILINE + 1 :])
    line = "\t".join([value if value.__class__ is str else "\x00" if value is None else str(value) for value in row])
    if "\\" in line:
        line = line.replace("\\", "\\\\")
    if "\n" in line or "\r" in line:
        line = line.replace("\n", "\\n").replace("\r", "\\r")
    if "\x00" in line:
        line = line.replace("\x00", "\\N")
    return line.replace("\x01", "\\t") if tabbed else line


def _load_chunk(cursor, chunk) -> None:
    """One chunk of rows into the emptied staging table, its index and statistics after
    (PostgreSQL: COPY of the lines the reader joined; SQLite: executemany)."""
    names = ", ".join(name for name, _ in STAGE_COLUMNS)
    cursor.execute(f"DROP INDEX IF EXISTS {STAGE}_event")
    if _vendor() == "postgresql":
        cursor.execute(f"TRUNCATE {STAGE}")
        with cursor.cursor.copy(f"COPY {STAGE} ({names}) FROM STDIN") as copy:
            for block in chunk:
                copy.write(block)
    else:
        cursor.execute(f"DELETE FROM {STAGE}")
        marks = ", ".join(["%s"] * len(STAGE_COLUMNS))
        cursor.executemany(f"INSERT INTO {STAGE} ({names}) VALUES ({marks})", chunk)
    cursor.execute(f"CREATE INDEX {STAGE}_event ON {STAGE} (event_id)")
    if _vendor() == "postgresql":
        # Autovacuum never sees temporary tables; the plan joins on these columns only.
        cursor.execute(f"ANALYZE {STAGE} (event_id, state, ts)")


class _Chunks:
    """The file read and checked in a thread of its own, handed over in chunks of
    ``size`` rows: while the import's statements write chunk k (the database works, this
    thread waits on it without the GIL), the reader checks chunk k+1. At most two chunks
    wait at a time, so the memory stays bounded whatever the file's size. An error of the
    reader (a file that cannot be read) is raised in the importing thread, whose
    transaction then rolls back everything."""

    BLOCK = 1 << 20  # characters per COPY write

    def __init__(self, stream, result: AcledResult, *, since: int | None, size: int):
        self.stream, self.result, self.since, self.size = stream, result, since, max(1, size)
        self.postgresql = _vendor() == "postgresql"
        # Party ids as a PostgreSQL array ({3,5}), or JSON ([3,5]) for SQLite's json_each.
        self.cells = _PartyCells(actor_map(), Counter(), "{}" if self.postgresql else "[]")
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._read, name="acled-reader", daemon=True)

    def __iter__(self):
        self.thread.start()
        try:
            while True:
                kind, payload = self.queue.get()
                if kind == "error":
                    raise payload
                if kind == "end":
                    return
                yield payload
        finally:
            self.stopping.set()
            self.thread.join()

    def _put(self, item) -> None:
        while not self.stopping.is_set():
            try:
                self.queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue
        raise _Stopped

    def _read(self) -> None:
        try:
            self._rows()
        except _Stopped:
            pass
        except BaseException as exc:  # handed over, raised in the importing thread
            with contextlib.suppress(_Stopped):
                self._put(("error", exc))

    def _rows(self) -> None:
        result, since, cells = self.result, self.since, self.cells
        header, rows = read_events(self.stream)
        result.extra_columns = header.extra
        seen: dict[str, int] = {}
        countries: set[str] = set()
        first = last = None
        batch: list = []
        for item in rows:
            result.rows += 1
            if isinstance(item, RowProblem):
                _refuse(result, item.row, item.field, item.message)
                if item.event_id and item.event_id not in seen:
                    seen[item.event_id] = item.row
                    batch.append(_marker_row(item.row, item.event_id, "refused"))
            elif item.event_id in seen:
                _refuse(result, item.row, "event_id_cnty", f"{item.event_id} is already in row {seen[item.event_id]}.")
            else:
                seen[item.event_id] = item.row
                if since is not None and item.timestamp < since:
                    result.skipped += 1
                    batch.append(_marker_row(item.row, item.event_id, "skipped"))
                else:
                    batch.append(_stage_row(item, cells))
                    countries.add(item.country)
                    first = item.occurred_on if first is None or item.occurred_on < first else first
                    last = item.occurred_on if last is None or item.occurred_on > last else last
            if len(batch) >= self.size:
                self._put(("chunk", self._payload(batch)))
                batch = []
        if batch:
            self._put(("chunk", self._payload(batch)))
        result.unmapped = dict(cells.unmapped.most_common())
        result.first_day, result.last_day, result.countries = first, last, sorted(countries)
        self._put(("end", None))

    def _payload(self, batch: list) -> list:
        """PostgreSQL: the rows as COPY text, in blocks of about BLOCK characters (made
        here, in the reader's thread); SQLite: the rows as they are."""
        if not self.postgresql:
            return batch
        blocks, lines, size = [], [], 0
        for row in batch:
            line = _copy_line(row)
            lines.append(line)
            size += len(line)
            if size >= self.BLOCK:
                lines.append("")  # the last line's end
                blocks.append("\n".join(lines))
                lines, size = [], 0
        if lines:
            lines.append("")
            blocks.append("\n".join(lines))
        return blocks


class _Stopped(Exception):
    """The importing thread gave up (an error of its own): the reader stops."""


def _refuse(result: AcledResult, row, field_name: str, message: str) -> None:
    result.refused += 1
    if len(result.errors) < MAX_ERRORS:
        result.errors.append({"row": row, "field": field_name, "message": message})


# Plan


INCIDENT = Incident._meta.db_table
JOIN = f"{INCIDENT} i ON i.acled_event_id = s.event_id AND i.acled_event_id <> ''"


def _plan(cursor, result: AcledResult) -> dict[str, int]:
    """The chunk in the staging table against the incidents; adds its counts to the result's."""
    cursor.execute(
        f"SELECT CASE WHEN i.id IS NULL THEN 'create' WHEN s.ts > i.acled_timestamp THEN 'update' "
        f"ELSE 'unchanged' END, COUNT(*) FROM {STAGE} s LEFT JOIN {JOIN} WHERE s.state = 'ok' GROUP BY 1"
    )
    counts = dict(cursor.fetchall())
    chunk = {key: counts.get(key, 0) for key in ("create", "update", "unchanged")}
    result.created += chunk["create"]
    result.updated += chunk["update"]
    result.unchanged += chunk["unchanged"]
    return chunk


def _retract_scope(cursor, result: AcledResult, record_id: int) -> None:
    """Incidents of earlier imports that this file, within its own dates and countries,
    no longer has: only what the export covers can be said to be deleted from it."""
    if result.first_day is None:
        return
    marks = ", ".join(["%s"] * len(result.countries))
    cursor.execute(
        f"INSERT INTO {RETRACT} (id) SELECT i.id FROM {INCIDENT} i WHERE i.acled_event_id <> '' "
        f"AND i.last_import_id IS NOT NULL AND i.last_import_id <> %s AND i.verification <> %s "
        f"AND i.occurred_on >= %s AND i.occurred_on <= %s AND i.country IN ({marks}) "
        f"AND NOT EXISTS (SELECT 1 FROM {SEEN} s WHERE s.event_id = i.acled_event_id)",
        [record_id, Verification.RETRACTED, result.first_day, result.last_day, *result.countries],
    )
    cursor.execute(f"SELECT COUNT(*) FROM {RETRACT}")
    result.retracted = cursor.fetchone()[0]


# Apply


def _apply_chunk(cursor, result: AcledResult, counts: dict, *, record: AcledImport, user_id, now, publish) -> None:
    """Write the plan of the chunk in the staging table. The plan was made under the import
    lock, so its counts hold; a step with nothing to do is not run, and an unchanged file
    issues no write at all."""
    if counts["update"]:
        _apply_updates(cursor, result, record, user_id, now)
    if counts["create"]:
        _apply_creates(cursor, result, record, user_id, now, publish)


def _apply_end(cursor, result: AcledResult, *, record: AcledImport, user, now, retract: bool) -> None:
    """Once every chunk is written: the proposals over all of them, then retraction."""
    if result.created or result.updated:
        if _vendor() == "postgresql" and result.created + result.updated >= ANALYZE_AFTER:
            # The planner's row counts predate this import: with them it would take
            # thousands of fresh incidents for a handful and join them row by row. Only
            # the columns the proposals join on: sampling the texts would cost more.
            for model, columns in ANALYZED.items():
                cursor.execute(f"ANALYZE {model._meta.db_table} ({', '.join(columns)})")
        # Before retraction, which points the retracted at this import too.
        mine = Incident.objects.filter(last_import=record).order_by().values("pk")
        result.links_proposed = links_propose(incident_ids=mine, user=user)
    if retract:
        _retract_scope(cursor, result, record.pk)
        _retract(cursor, result, record, getattr(user, "pk", None), now)


def _reason(result: AcledResult) -> dict:
    """Each history row says which file and which version of the event."""
    return {
        "reason_sql": "%s || CAST(t.acled_timestamp AS VARCHAR(20))",
        "reason_params": [f"ACLED import {result.file_name}, timestamp "],
    }


def _apply_updates(cursor, result: AcledResult, record, user_id, now) -> None:
    # The chunk's incidents to update, by id: earlier chunks' incidents point at this
    # import too, so last_import cannot tell them apart.
    cursor.execute(f"DROP TABLE IF EXISTS {UPDATED}")
    cursor.execute(f"CREATE TEMPORARY TABLE {UPDATED} (id bigint PRIMARY KEY)")
    cursor.execute(
        f"INSERT INTO {UPDATED} (id) SELECT i.id FROM {STAGE} s JOIN {JOIN} "
        f"WHERE s.state = 'ok' AND s.ts > i.acled_timestamp"
    )
    sets = ", ".join(f"{column} = s.{source}" for column, source in UPDATED_FROM_STAGE.items())
    cursor.execute(
        f"UPDATE {INCIDENT} SET {sets}, last_import_id = %s, updated_at = %s FROM {STAGE} s "
        f"WHERE s.event_id = {INCIDENT}.acled_event_id AND {INCIDENT}.acled_event_id <> '' "
        f"AND s.state = 'ok' AND {INCIDENT}.id IN (SELECT id FROM {UPDATED})",
        [record.pk, now],
    )
    history_insert(
        Incident,
        where=f"t.id IN (SELECT id FROM {UPDATED})",
        params=[],
        history_type="~",
        user_id=user_id,
        when=now,
        **_reason(result),
    )
    _replace_parties_of_updated(cursor, user_id, now, result)
    source = IncidentSource._meta.db_table
    cursor.execute(
        f"UPDATE {source} SET published_on = {_stamped_day('i.acled_timestamp')} FROM {STAGE} s, {INCIDENT} i "
        f"WHERE i.acled_event_id = s.event_id AND i.id IN (SELECT id FROM {UPDATED}) "
        f"AND {source}.incident_id = i.id AND {source}.publisher = %s AND {source}.title = %s || s.event_id",
        [PUBLISHER, SOURCE_TITLE],
    )


def _apply_creates(cursor, result: AcledResult, record, user_id, now, publish: bool) -> None:
    # The new incidents' ids are drawn first, into a narrow table (event id -> id): the
    # parties and sources are then written from it and the staging table, without reading
    # back the wide incident rows just written.
    _number_new(cursor)
    insert_sql, insert_params = _insert_created_sql(record, user_id, now, publish)
    history = {"history_type": "+", "user_id": user_id, "when": now, **_reason(result)}
    if _vendor() == "postgresql":
        # The incidents and their "+" history rows in one statement: the history is
        # copied from what the INSERT returns, not read back from the incident table.
        history_insert(
            Incident,
            where="1 = 1",
            params=[],
            with_sql=f"WITH t AS ({insert_sql} RETURNING *)",
            with_params=insert_params,
            **history,
        )
    else:
        cursor.execute(insert_sql, insert_params)
        history_insert(Incident, where=f"t.id IN (SELECT id FROM {NEW})", params=[], **history)
    # No IncidentParty history for a new incident's parties: the incident's own "+" row
    # (who, when, this file) records the actor names they come from, and ActorMapping's
    # history the mapping of that moment; a later change of a party is recorded as usual.
    _insert_new_parties(cursor)
    _insert_sources(cursor)


def _number_new(cursor) -> None:
    """The events to create, each with its incident's id, in the file's order. PostgreSQL
    draws the ids from the incident's sequence (other writers keep drawing theirs);
    SQLite, whose writers wait for each other, counts on from the largest id it gave."""
    cursor.execute(f"DROP TABLE IF EXISTS {NEW}")
    cursor.execute(f"CREATE TEMPORARY TABLE {NEW} (event_id varchar(40) PRIMARY KEY, id bigint NOT NULL, ts bigint)")
    new = (
        f"SELECT s.event_id, s.ts, s.row_no FROM {STAGE} s WHERE s.state = 'ok' AND NOT EXISTS "
        f"(SELECT 1 FROM {INCIDENT} i WHERE i.acled_event_id = s.event_id AND i.acled_event_id <> '')"
    )
    if _vendor() == "postgresql":
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [INCIDENT])
        sequence = cursor.fetchone()[0]
        cursor.execute(
            f"INSERT INTO {NEW} (event_id, id, ts) SELECT q.event_id, nextval(CAST(%s AS regclass)), q.ts "
            f"FROM ({new} ORDER BY s.row_no) q",
            [sequence],
        )
        cursor.execute(f"ANALYZE {NEW}")
    else:
        # AUTOINCREMENT never gives an id twice, not even a deleted incident's.
        cursor.execute(
            f"SELECT MAX(top) FROM (SELECT MAX(id) AS top FROM {INCIDENT} "
            f"UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)",
            [INCIDENT],
        )
        top = cursor.fetchone()[0] or 0
        cursor.execute(
            f"INSERT INTO {NEW} (event_id, id, ts) SELECT q.event_id, %s + ROW_NUMBER() OVER (ORDER BY q.row_no), "
            f"q.ts FROM ({new}) q",
            [top],
        )


def _insert_created_sql(record, user_id, now, publish: bool) -> tuple[str, list]:
    values = {
        "id": "n.id",
        **{column: f"s.{source}" for column, source in UPDATED_FROM_STAGE.items()},
        "acled_event_id": "s.event_id",
        "occurred_time": "NULL",
        "timezone": "'UTC'",
        "civilians_injured": "NULL",
        "other_figures": "CAST('{}' AS jsonb)" if _vendor() == "postgresql" else "'{}'",
        "confidence": f"'{Confidence.MEDIUM}'",
        "verification": f"'{Verification.REPORTED}'",
        "internal_note": "''",
        "published": "%s",
        "last_import_id": "%s",
        "created_by_id": "%s",
        "created_at": "%s",
        "updated_at": "%s",
    }
    names = ", ".join(values)
    return (
        f"INSERT INTO {INCIDENT} ({names}) SELECT {', '.join(values.values())} FROM {STAGE} s "
        f"JOIN {NEW} n ON n.event_id = s.event_id WHERE s.state = 'ok'",
        [publish, record.pk, user_id, now, now],
    )


def _insert_new_parties(cursor) -> None:
    """The new incidents' parties, from the staging table's party ids (both roles at once)."""
    selects = [
        f"SELECT n.id, CAST(j.value AS BIGINT), '{role}' FROM {STAGE} s JOIN {NEW} n ON n.event_id = s.event_id "
        f"{_party_elements(column)} WHERE s.state = 'ok' AND s.{column} IS NOT NULL"
        for role, column in ((IncidentRole.ALLEGED, "alleged"), (IncidentRole.INVOLVED, "involved"))
    ]
    cursor.execute(
        f"INSERT INTO {IncidentParty._meta.db_table} (incident_id, party_id, role) {' UNION ALL '.join(selects)}"
    )


def _party_elements(column: str) -> str:
    if _vendor() == "postgresql":
        return f"CROSS JOIN LATERAL unnest(CAST(s.{column} AS bigint[])) AS j(value)"
    return f", json_each(s.{column}) AS j"


def _insert_updated_parties(cursor) -> None:
    table = IncidentParty._meta.db_table
    # Both roles in one statement.
    selects, arguments = [], []
    for role, column in ((IncidentRole.ALLEGED, "alleged"), (IncidentRole.INVOLVED, "involved")):
        selects.append(
            f"SELECT i.id, CAST(j.value AS BIGINT), %s FROM {STAGE} s JOIN {JOIN} {_party_elements(column)} "
            f"WHERE i.id IN (SELECT id FROM {UPDATED}) AND s.state = 'ok' AND s.{column} IS NOT NULL"
        )
        arguments.append(role)
    cursor.execute(f"INSERT INTO {table} (incident_id, party_id, role) {' UNION ALL '.join(selects)}", arguments)


def _replace_parties_of_updated(cursor, user_id, now, result: AcledResult) -> None:
    """A newer version of an event may name other actors: its parties are the file's."""
    table = IncidentParty._meta.db_table
    updated = f"t.incident_id IN (SELECT id FROM {UPDATED})"
    history_insert(
        IncidentParty,
        where=updated,
        params=[],
        history_type="-",
        user_id=user_id,
        when=now,
        reason=f"ACLED import {result.file_name}",
    )
    cursor.execute(f"DELETE FROM {table} WHERE incident_id IN (SELECT id FROM {UPDATED})")
    before = IncidentParty.objects.aggregate(top=Max("pk"))["top"] or 0
    _insert_updated_parties(cursor)
    history_insert(
        IncidentParty,
        where="t.id > %s",
        params=[before],
        history_type="+",
        user_id=user_id,
        when=now,
        reason=f"ACLED import {result.file_name}",
    )


def _stamped_day(timestamp: str) -> str:
    """The day of the event's timestamp (UTC), when ACLED last published it: its source's date."""
    if _vendor() == "postgresql":
        return f"CAST(to_timestamp({timestamp}) AT TIME ZONE 'UTC' AS date)"
    return f"date({timestamp}, 'unixepoch')"


def _insert_sources(cursor) -> None:
    cursor.execute(
        f"INSERT INTO {IncidentSource._meta.db_table} (incident_id, url, publisher, title, published_on, language) "
        f"SELECT n.id, %s, %s, %s || n.event_id, {_stamped_day('n.ts')}, 'en' FROM {NEW} n",
        [EXPORT_TOOL_URL, PUBLISHER, SOURCE_TITLE],
    )


def _retract(cursor, result: AcledResult, record, user_id, now) -> None:
    if not result.retracted:
        return
    cursor.execute(
        f"UPDATE {INCIDENT} SET verification = %s, last_import_id = %s, updated_at = %s "
        f"WHERE id IN (SELECT id FROM {RETRACT})",
        [Verification.RETRACTED, record.pk, now],
    )
    history_insert(
        Incident,
        where=f"t.id IN (SELECT id FROM {RETRACT})",
        params=[],
        history_type="~",
        user_id=user_id,
        when=now,
        reason=(
            f"ACLED import {result.file_name}: no longer in ACLED's export "
            f"({result.first_day:%d %b %Y} to {result.last_day:%d %b %Y}, {', '.join(result.countries)})"
        )[:500],
    )


# The service


def acled_import(
    *,
    stream,
    file_name: str,
    user,
    dry_run: bool = False,
    publish: bool = False,
    retract_missing: bool = False,
    since: int | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> AcledResult:
    """Import an ACLED CSV export read from the binary ``stream``. A refused row is
    skipped and reported; the other rows go on. A file that cannot be read at all (no
    required column, not UTF-8) writes nothing but a failed record. ``dry_run`` plans and
    writes nothing (a record of state preview keeps the plan)."""
    result = AcledResult(file_name=file_name_of(file_name), dry_run=dry_run)
    record = AcledImport.objects.create(
        file_name=result.file_name,
        sha256="",
        started_by=user if getattr(user, "pk", None) else None,
        started_at=timezone.now(),
        state=AcledImport.State.RUNNING,
    )
    hashing = _Hashing(stream)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if not dry_run and _vendor() == "postgresql":
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
                _tune(cursor)
            _create_stage(cursor)
            now, user_id = timezone.now(), getattr(user, "pk", None)
            chunks = _Chunks(io.BufferedReader(hashing, 1 << 16), result, since=since, size=chunk_rows)
            # Closed on any error too: the reader is stopped and waited for before the rollback.
            with contextlib.closing(iter(chunks)) as pieces:
                for chunk in pieces:
                    _load_chunk(cursor, chunk)
                    if retract_missing:
                        cursor.execute(f"INSERT INTO {SEEN} (event_id) SELECT event_id FROM {STAGE}")
                    counts = _plan(cursor, result)
                    if not dry_run:
                        _apply_chunk(cursor, result, counts, record=record, user_id=user_id, now=now, publish=publish)
            if retract_missing and _vendor() == "postgresql":
                cursor.execute(f"CREATE INDEX {SEEN}_event ON {SEEN} (event_id)")
                cursor.execute(f"ANALYZE {SEEN}")
            if dry_run:
                if retract_missing:
                    _retract_scope(cursor, result, record.pk)
            else:
                _apply_end(cursor, result, record=record, user=user, now=now, retract=retract_missing)
            _drop_stage(cursor)
            if not dry_run and _vendor() == "postgresql":
                _untune(cursor)
    except FileRefused as exc:
        _failed(result)
        result.errors = [{"row": "file", "field": exc.field, "message": exc.message}]
        _finish(record, result, hashing, AcledImport.State.FAILED)
        return result
    except BaseException:
        _failed(result)
        _finish(record, result, hashing, AcledImport.State.FAILED)
        raise
    _finish(record, result, hashing, AcledImport.State.PREVIEW if dry_run else AcledImport.State.DONE)
    return result


def _tune(cursor) -> None:
    """Foreign keys checked as each statement ends, not at COMMIT: Django makes them
    DEFERRABLE INITIALLY DEFERRED, and a deferred check queues one event per row written,
    replayed row by row at COMMIT (seconds for 100,000 incidents). The staging and
    incident tables are cached by then: random reads cost near sequential ones, which
    makes the planner join the staging table by index."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET LOCAL random_page_cost = 1.1")


def _untune(cursor) -> None:
    """Back to the defaults for what the enclosing transaction (if any) does next: every
    constraint Django makes deferrable is initially deferred."""
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    cursor.execute("RESET random_page_cost")


def _failed(result: AcledResult) -> None:
    """Nothing was written: the counts of the plan no longer hold."""
    result.created = result.updated = result.unchanged = result.retracted = result.links_proposed = 0


def _finish(record: AcledImport, result: AcledResult, hashing: _Hashing, state: str) -> None:
    result.sha256 = hashing.digest.hexdigest()
    record.sha256 = result.sha256
    record.state = state
    record.finished_at = timezone.now()
    record.rows = result.rows
    record.created, record.updated, record.unchanged = result.created, result.updated, result.unchanged
    record.retracted, record.links_proposed = result.retracted, result.links_proposed
    record.errors = result.errors
    record.unmapped_actors = result.unmapped
    record.save()
    result.record = record
