from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from commitments.rules import format_due
from tracker import services
from tracker.selectors import obligations_to_clear, obligations_to_flag

SHOWN = 50


class Command(BaseCommand):
    help = (
        "Run the deadline sweep and the reminders now, as the scheduled tasks do, and print "
        "what was flagged overdue, cleared and raised. --dry-run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, dry_run: bool, **options):
        now = timezone.now()
        self._list("flag overdue", obligations_to_flag(now))
        self._list("clear", obligations_to_clear(now))
        with transaction.atomic():
            result = services.deadline_sweep(now=now)
            reminders = services.reminders_raise(now=now)
            if dry_run:
                transaction.set_rollback(True)
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{result.flagged} obligation(s) {verb} flagged overdue, {result.cleared} {verb} cleared; "
            f"{result.raised} overdue alert(s) and {reminders} due-soon alert(s) {verb} raised."
        )

    def _list(self, action: str, obligations) -> None:
        rows = obligations.select_related("commitment__agreement", "party").order_by("due_at")
        for obligation in rows[:SHOWN]:
            due = format_due(obligation.due_at, obligation.commitment.agreement.tzinfo)
            self.stdout.write(f"{action}: {obligation} (due {due})")
        extra = rows.count() - SHOWN
        if extra > 0:
            self.stdout.write(f"{action}: ... and {extra} more")
