from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from commitments.documents import read_upload
from commitments.documents.schema import MAX_BYTES
from commitments.models import Agreement


class Command(BaseCommand):
    help = (
        "Import an agreement document (.json) or a CSV of commitments (.csv, with --agreement), all or "
        "nothing. Prints the preview and every problem with its row and field; exits with 1 on problems, "
        "having written nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .json agreement document or a .csv of commitments.")
        parser.add_argument("--dry-run", action="store_true", help="Check and preview; write nothing.")
        parser.add_argument("--publish", action="store_true", help="Publish the imported agreement (JSON only).")
        parser.add_argument("--agreement", type=int, metavar="ID", help="The agreement a CSV's commitments go into.")
        parser.add_argument(
            "--user", metavar="USERNAME", help="Who imports: history rows and status updates name them."
        )

    def handle(self, *args, file, dry_run, publish, agreement, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"file: no file '{file}'.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"file: {path.stat().st_size:,} bytes; at most {MAX_BYTES:,}.")
        importer = None
        if user is not None:
            importer = get_user_model().objects.filter(username=user, is_active=True).first()
            if importer is None:
                raise CommandError(f"--user: no active user '{user}'.")
        target = None
        if agreement is not None:
            target = Agreement.objects.filter(pk=agreement).first()
            if target is None:
                raise CommandError(f"--agreement: no agreement {agreement}.")
        data = path.read_bytes()
        result = read_upload(path.name, data, agreement=target, user=importer, dry_run=dry_run, publish=publish)
        self.print_preview(result.preview)
        for problem in result.problems:
            self.stdout.write(f"PROBLEM {problem}")
        if result.problems:
            raise CommandError(f"{len(result.problems)} problem(s): nothing was written.")
        if dry_run:
            self.stdout.write(self.style.SUCCESS("Dry run: no problems; nothing was written."))
        else:
            stored = result.agreement
            self.stdout.write(self.style.SUCCESS(f"Imported into agreement {stored.pk}: {stored}."))

    def print_preview(self, preview: dict) -> None:
        agreement = preview.get("agreement") or {}
        if agreement.get("title"):
            self.stdout.write(
                f"Agreement: {agreement.get('title')} ({agreement.get('kind')}, {agreement.get('date')}, "
                f"{agreement.get('venue') or 'no venue'}, {agreement.get('timezone')})"
                + (", published" if agreement.get("published") else ", draft")
            )
        for party in preview.get("parties", []):
            state = {True: "new", False: "existing", None: "?"}[party.get("new")]
            self.stdout.write(f"  party {party.get('code')}: {party.get('name')} ({state})")
            if party.get("note"):
                self.stdout.write(f"    {party['note']}")
        for row in preview.get("commitments", []):
            where = row.get("line") or f"commitments[{row.get('row')}]"
            due = row.get("due_at_utc") or "no due moment"
            local = f" = {row['due_at_local']}" if row.get("due_at_local") else ""
            self.stdout.write(
                f"  {where} {row.get('reference')}: {row.get('title')} [{', '.join(row.get('parties') or [])}] "
                f"{row.get('deadline') or 'no deadline'}: {due}{local}"
            )
        if preview.get("status_updates"):
            self.stdout.write(f"  status updates: {preview['status_updates']}")
