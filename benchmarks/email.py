"""Benchmark: the email outbox sending 10,000 messages to a local SMTP server (aiosmtpd).

Queues N messages (default 10,000: 100 confirmed subscribers x 100 overdue alerts) with
the same services the sweep uses, then sends them with two concurrent senders, as two
workers would, and prints the send rate, the SMTP connections opened, and the duplicate
and lost counts (targets: 0 and 0). The baseline, measured in the same run, sends the
same number of rendered messages with bare smtplib over the same number of connections;
the ratio is the outbox's cost (claiming, rendering, marking each row) on top of SMTP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench python benchmarks/email.py [--n N]

The database named in DATABASE_URL is created if missing; its tracker tables are emptied.
"""

import sys
from pathlib import Path

# This file is named like the standard library's email package: keep its folder off the
# import path, or `import smtplib` would import this script instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import smtplib  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DEBUG"] = "false"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker_bench")

from benchmarks._common import ensure_database  # noqa: E402


def build(n_subscribers: int, n_alerts: int) -> int:
    from datetime import UTC, date, datetime

    from django.utils import timezone

    from commitments.models import Agreement, Commitment, Obligation
    from parties.models import Party
    from tracker import notifications
    from tracker.models import Alert, OutboundEmail, Recipient, Subscription

    OutboundEmail.objects.all().delete()
    Subscription.objects.all().delete()
    Recipient.objects.all().delete()
    Alert.objects.all().delete()
    Obligation.objects.filter(commitment__agreement__title="Email benchmark").delete()
    Commitment.objects.filter(agreement__title="Email benchmark").delete()
    # Published: the subscribers are addresses with no login, who hear about published agreements only.
    agreement, _ = Agreement.objects.update_or_create(
        title="Email benchmark",
        signed_on=date(2020, 1, 1),
        defaults={"kind": "protocol", "timezone": "UTC", "published": True},
    )
    party, _ = Party.objects.get_or_create(
        code="bench-mail", defaults={"name": "Benchmark party", "kind": "international_organisation"}
    )
    due = datetime(2020, 2, 1, tzinfo=UTC)
    commitments = Commitment.objects.bulk_create(
        Commitment(
            agreement=agreement,
            reference=f"m{i}",
            title=f"Pledge {i}",
            text="Verbatim text.",
            category="other",
            nature="one_off",
        )
        for i in range(n_alerts)
    )
    obligations = Obligation.objects.bulk_create(
        Obligation(commitment=c, party=party, due_at=due, overdue=True, overdue_since=due) for c in commitments
    )
    now = timezone.now()
    Alert.objects.bulk_create(
        Alert(kind="overdue", obligation=o, party=party, due_at=due, raised_at=now) for o in obligations
    )
    recipients = Recipient.objects.bulk_create(
        Recipient(email=f"reader{i}@partner.example", confirmed_at=now) for i in range(n_subscribers)
    )
    Subscription.objects.bulk_create(Subscription(recipient=r, agreement=agreement) for r in recipients)
    return notifications.alert_messages_queue(alerts=Alert.objects.filter(raised_at=now))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="messages (a multiple of 100; default 10,000)")
    parser.add_argument("--senders", type=int, default=2, help="concurrent senders (default 2)")
    args = parser.parse_args()
    if args.n < 100 or args.n % 100 or args.senders < 1:
        parser.error("--n must be a positive multiple of 100 and --senders at least 1")

    import django

    ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from tests.smtp import SMTPServer
    from tracker import notifications
    from tracker.emails import render_message
    from tracker.models import OutboundEmail

    call_command("migrate", verbosity=0)
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    batch = settings.TRACKER_OUTBOX_BATCH

    queued = build(args.n // 100, 100)
    print(f"queued {queued:,} messages on {connection.vendor}")

    # Baseline: the same messages, rendered beforehand, sent with bare smtplib.
    rendered = [
        render_message(m).message()
        for m in OutboundEmail.objects.select_related(
            "recipient",
            "subscription__agreement",
            "subscription__party",
            "alert__obligation__commitment__agreement",
            "alert__obligation__party",
            "alert__status_update",
        )[:queued]
    ]
    started = time.perf_counter()
    for start in range(0, len(rendered), batch):
        with smtplib.SMTP("127.0.0.1", server.port) as smtp:
            for message in rendered[start : start + batch]:
                smtp.send_message(message)
    baseline = time.perf_counter() - started
    server.handler.messages.clear()
    server.handler.connections = 0

    def sender() -> None:
        from django.db import connection as thread_connection

        try:
            while notifications.outbox_send().sent:
                pass
        finally:
            thread_connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=sender) for _ in range(args.senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    server.stop()

    received = Counter(str(m["Message-ID"]) for m in server.handler.messages)
    expected = {f"<outbox-{pk}@" for pk in OutboundEmail.objects.values_list("pk", flat=True)}
    duplicates = sum(count - 1 for count in received.values())
    lost = len(expected) - len({mid.split("@")[0] + "@" for mid in received})
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bare smtplib baseline:  {baseline:.2f} s ({queued / baseline:,.0f} messages/s)")
    print(f"outbox, {args.senders} senders:     {elapsed:.2f} s ({queued / elapsed:,.0f} messages/s)")
    print(f"ratio outbox / bare:    {elapsed / baseline:.2f}")
    print(f"SMTP connections:       {server.handler.connections} (batches of {batch})")
    print(f"duplicates:             {duplicates} (target 0)")
    print(f"lost:                   {lost} (target 0)")
    print(f"peak memory (RSS):      {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
