"""import_commitments_csv: a spreadsheet of commitments (one row per commitment) for an
agreement that exists, through commitments_create_many, all or nothing.

Columns (a header row names them; order free; docs/intake.md):
  reference, title, text, category, nature, parties        required
  condition, recipients, deadline_date, deadline_days,
  deadline_after, deadline_note                            optional
Party lists are codes separated by spaces, commas or semicolons ("ARM AZE").
UTF-8, with or without a BOM at the start; comma-separated (a header with semicolons and
no comma is read as semicolon-separated, as some spreadsheets save it)."""

import csv
import io
import re

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from parties.models import Party

from .. import services
from ..models import Agreement
from .preview import stored_preview
from .problems import ImportResult, Problem, split_key
from .reading import Unreadable, decode, parse_date
from .schema import MAX_COMMITMENTS

REQUIRED = ("reference", "title", "text", "category", "nature", "parties")
OPTIONAL = ("condition", "recipients", "deadline_date", "deadline_days", "deadline_after", "deadline_note")
COLUMNS = REQUIRED + OPTIONAL
# The services' field names -> the CSV's columns.
FIELD_COLUMNS = {
    "deadline.date": "deadline_date",
    "deadline.days": "deadline_days",
    "deadline.after": "deadline_after",
    "deadline": "deadline_days",
    "__all__": "reference",
}
CODE_SEPARATORS = re.compile(r"[\s,;]+")


class _Rollback(Exception):
    pass


def _rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the records with the line each starts on (a quoted cell can span
    lines)."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records, line = [], 1
    for record in reader:
        records.append((line, record))
        line = reader.line_num + 1
        if len(records) > MAX_COMMITMENTS + 1:
            break
    if not records:
        return [], []
    return records[0][1], records[1:]


def import_commitments_csv(data: bytes, *, agreement: Agreement, user, dry_run: bool = False) -> ImportResult:
    def fail(problems: list[Problem]) -> ImportResult:
        return ImportResult(ok=False, dry_run=dry_run, preview=_empty_preview(agreement), problems=problems)

    try:
        text = decode(data)
        header, records = _rows(text)
    except Unreadable as exc:
        return fail([Problem("line 1", exc.problem.field, exc.problem.message)])
    except csv.Error as exc:
        return fail([Problem("document", "csv", f"Not a CSV file: {exc}.")])
    header = [name.strip().lower() for name in header]
    problems = []
    for name in REQUIRED:
        if name not in header:
            problems.append(
                Problem("line 1", name, f"The column '{name}' is missing: the header needs {', '.join(REQUIRED)}.")
            )
    for name in header:
        if name not in COLUMNS:
            problems.append(Problem("line 1", name or "header", f"Unknown column '{name}': use {', '.join(COLUMNS)}."))
    if len(set(header)) != len(header):
        problems.append(Problem("line 1", "header", "A column is named twice."))
    if len(records) > MAX_COMMITMENTS:
        problems.append(Problem("document", "size", f"At most {MAX_COMMITMENTS:,} commitments per file."))
    if problems:
        return fail(problems)

    records = [(line, cells) for line, cells in records if any(c.strip() for c in cells)]  # blank lines
    if not records:
        return fail([Problem("line 2", "reference", "The file has no commitment rows under its header.")])
    codes = set()
    for _, cells in records:
        row = dict(zip(header, cells, strict=False))
        for column in ("parties", "recipients"):
            codes.update(c for c in CODE_SEPARATORS.split(row.get(column, "")) if c)
    parties = {p.code: p for p in Party.objects.filter(code__in=codes)}

    rows, lines, skip_parties = [], [], set()
    for line, cells in records:
        where = f"line {line}"
        if len(cells) != len(header):
            problems.append(
                Problem(where, "header", f"This line has {len(cells)} cells; the header has {len(header)}.")
            )
            continue
        row = dict(zip(header, cells, strict=True))
        for column, value in row.items():
            if "\ufeff" in value:
                problems.append(
                    Problem(
                        where, column, "A byte order mark (U+FEFF) inside the file: remove it (files joined together?)."
                    )
                )
        bound = _codes(row, "parties", parties, where, problems, skip_parties)
        recipients = _codes(row, "recipients", parties, where, problems, skip_parties)
        rows.append(
            services.CommitmentInput(
                reference=row["reference"].strip(),
                title=row["title"].strip(),
                text=row["text"],
                category=row["category"].strip(),
                nature=row["nature"].strip(),
                condition=row.get("condition", ""),
                parties=bound,
                recipients=recipients,
                deadline=_deadline(row, where, problems),
                deadline_note=row.get("deadline_note", ""),
            )
        )
        lines.append(where)
    if len(rows) != len(records):
        return fail(problems)

    preview: dict = {}
    try:
        with transaction.atomic():
            try:
                services.commitments_create_many(agreement=agreement, rows=rows, user=user)
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    index, field = split_key(key)
                    where = lines[int(index.removeprefix("commitments[").removesuffix("]"))]
                    if where in skip_parties and field == "parties":
                        continue
                    problems.append(Problem(where, FIELD_COLUMNS.get(field, field), " ".join(messages)))
            else:
                preview = stored_preview(agreement, [r.reference for r in rows], [], 0)
                for entry, where in zip(preview["commitments"], lines, strict=False):
                    entry["line"] = where
            if problems or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except DatabaseError as exc:
        problems.append(Problem("document", "", f"The database refused the import ({exc.__class__.__name__})."))
    ok = not problems
    return ImportResult(
        ok=ok,
        dry_run=dry_run,
        agreement=agreement if ok and not dry_run else None,
        preview=preview or _empty_preview(agreement),
        problems=problems,
    )


def _codes(row: dict, column: str, parties: dict, where: str, problems: list, skip: set) -> list:
    found = []
    for code in CODE_SEPARATORS.split(row.get(column, "")):
        if not code:
            continue
        if code not in parties:
            problems.append(
                Problem(where, column, f"No party has the code '{code}': create it first, or fix the code.")
            )
            skip.add(where)
        else:
            found.append(parties[code])
    return found


def _deadline(row: dict, where: str, problems: list) -> services.DeadlineInput | None:
    on, days, after = (row.get(name, "").strip() for name in ("deadline_date", "deadline_days", "deadline_after"))
    if not (on or days or after):
        return None
    due_on = within = None
    if on:
        due_on = parse_date(on) if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", on) else None
        if due_on is None:
            problems.append(Problem(where, "deadline_date", f"'{on[:40]}' is not a date: give YYYY-MM-DD."))
    if days:
        if not (days.isascii() and days.isdigit() and len(days) <= 6):
            problems.append(Problem(where, "deadline_days", f"'{days[:40]}' is not a whole number of days."))
        else:
            within = int(days)
    return services.DeadlineInput(due_on=due_on, within_days=within, after_reference=after)


def _empty_preview(agreement: Agreement) -> dict:
    return stored_preview(agreement, [], [], 0)
