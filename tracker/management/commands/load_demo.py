from django.conf import settings
from django.core.management.base import BaseCommand

from tracker.demo import load_demo
from tracker.services import deadline_sweep


class Command(BaseCommand):
    help = (
        "Load the demo data (Geneva statement of 30 Oct 2020 and related), then sweep the "
        "deadlines so the dashboard shows what is overdue today. Safe to run twice."
    )

    def handle(self, *args, **options):
        result = load_demo()
        if result.created:
            for line in result.created:
                self.stdout.write(f"created {line}")
        else:
            self.stdout.write("demo data already loaded: nothing changed")
        # The scheduled sweep would flag these within minutes; a newcomer looks sooner.
        swept = deadline_sweep()
        self.stdout.write(f"deadline sweep: {swept.flagged} obligation(s) flagged overdue")
        if result.analyst_login:
            username, password = result.analyst_login
            self.stdout.write(
                self.style.SUCCESS(
                    f"Analyst login (DEBUG only): username '{username}', password '{password}' "
                    f"at {settings.SITE_URL}/accounts/login/"
                )
            )
