import json

from django.core.management.base import BaseCommand, CommandError

from commitments.documents import export_agreement
from commitments.models import Agreement


class Command(BaseCommand):
    help = "Print an agreement as the JSON document import_agreement reads (docs/intake.md)."

    def add_arguments(self, parser):
        parser.add_argument("id", type=int, help="The agreement's id.")
        parser.add_argument(
            "--internal", action="store_true", help="Include analysts' internal notes (never give these to partners)."
        )

    def handle(self, *args, id, internal, **options):
        agreement = Agreement.objects.filter(pk=id).first()
        if agreement is None:
            raise CommandError(f"id: no agreement {id}.")
        document = export_agreement(agreement, include_internal=internal)
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
