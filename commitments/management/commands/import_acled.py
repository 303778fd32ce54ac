from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from commitments.acled import acled_import

# As ACLED's timestamps: Unix seconds; a longer number is no timestamp.
MAX_TIMESTAMP_DIGITS = 12


def parse_since(value: str | None) -> int | None:
    """--since: a whole number of Unix seconds, as in ACLED's timestamp column."""
    if value is None:
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_TIMESTAMP_DIGITS:
        raise CommandError(f"--since: '{value[:40]}' is not a timestamp (whole Unix seconds, as ACLED's timestamp).")
    return int(text)


class Command(BaseCommand):
    help = (
        "Import an ACLED CSV export as incidents: new events are created, events with a newer timestamp "
        "update their incident (with history), others are left unchanged. Refused rows are listed with "
        "their row, column and why; the other rows are imported. Unmapped actor names are listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="An ACLED CSV export (UTF-8).")
        parser.add_argument("--dry-run", action="store_true", help="Print the plan; write nothing.")
        parser.add_argument("--since", metavar="TIMESTAMP", help="Skip rows whose timestamp is older than this.")
        parser.add_argument("--publish", action="store_true", help="Publish the incidents created (else drafts).")
        parser.add_argument(
            "--retract-missing",
            action="store_true",
            help="Mark retracted the incidents of earlier imports absent from this file, within its dates and "
            "countries only.",
        )
        parser.add_argument("--user", metavar="USERNAME", help="Who imports: the history rows name them.")

    def handle(self, *args, file, dry_run, since, publish, retract_missing, user, **options):
        since_value = parse_since(since)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"file: no file '{file}'.")
        importer = None
        if user is not None:
            importer = get_user_model().objects.filter(username=user, is_active=True).first()
            if importer is None:
                raise CommandError(f"--user: no active user '{user}'.")
        with path.open("rb") as stream:
            result = acled_import(
                stream=stream,
                file_name=path.name,
                user=importer,
                dry_run=dry_run,
                publish=publish,
                retract_missing=retract_missing,
                since=since_value,
            )
        if not result.ok:
            raise CommandError(f"{result.errors[0]['field']}: {result.errors[0]['message']} Nothing was written.")
        self.print_result(result)

    def print_result(self, result) -> None:
        out = self.stdout.write
        verb = "Would" if result.dry_run else "Did"
        out(f"{result.file_name}: {result.rows} rows")
        out(
            f"  {verb}: create {result.created}, update {result.updated}, unchanged {result.unchanged}, "
            f"skipped (--since) {result.skipped}, refused {result.refused}, retract {result.retracted}"
            + ("" if result.dry_run else f", links proposed {result.links_proposed}")
        )
        for error in result.errors:
            out(f"  REFUSED row {error['row']} {error['field']}: {error['message']}")
        if result.refused > len(result.errors):
            out(f"  ... and {result.refused - len(result.errors)} more refused rows")
        for name, count in result.unmapped.items():
            out(f"  UNMAPPED actor ({count} rows): {name}")
        if result.extra_columns:
            out(f"  Extra columns, not read: {', '.join(result.extra_columns)}")
        if result.dry_run:
            out(self.style.SUCCESS("Dry run: nothing was written."))
        else:
            out(self.style.SUCCESS(f"Imported (record {result.record.pk})."))
