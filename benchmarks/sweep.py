"""Benchmark: the deadline sweep against one hand-written SQL UPDATE, on PostgreSQL.

Builds N obligations (default 1,000,000; 10 % past due), then, from the same starting
state each time, times
  (a) a single hand-written UPDATE that flags the past-due rows, and
  (b) tracker.services.deadline_sweep(): the same flagging, clearing and one overdue
      alert per flagged obligation,
and prints both times (median of --repeat runs), their ratio, the sweep's SQL query count
and the process's peak memory. Targets: ratio <= 2.0, memory < 300 MB, queries
independent of N (compare --n 1000).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench python benchmarks/sweep.py [--n N]

The database named in DATABASE_URL is created if missing and its tables are emptied.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DEBUG"] = "false"  # no query log kept in memory
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker_bench")

from benchmarks._common import ensure_database, timed


def build(n: int, now: datetime) -> None:
    """N obligations on N/2 commitments of one agreement, 2 parties; every tenth past due."""
    from django.db import connection

    from commitments.models import Agreement, Commitment, Obligation
    from parties.models import Party
    from tracker.models import Alert

    with connection.cursor() as cursor:
        # The scenario has no subscribers (benchmarks/email.py measures the mail side).
        cursor.execute("TRUNCATE tracker_outboundemail, tracker_subscription, tracker_recipient CASCADE")
        cursor.execute(
            f"TRUNCATE {Alert._meta.db_table}, {Obligation._meta.db_table}, "
            f"{Commitment._meta.db_table}, {Commitment.history.model._meta.db_table} CASCADE"
        )
    agreement, _ = Agreement.objects.get_or_create(
        title="Benchmark agreement",
        signed_on=datetime(2020, 1, 1).date(),
        defaults={"kind": "protocol", "timezone": "UTC"},
    )
    parties = [
        Party.objects.get_or_create(code=code, defaults={"name": code, "kind": "international_organisation"})[0]
        for code in ("bench-a", "bench-b")
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {Commitment._meta.db_table}
                (agreement_id, reference, title, text, category, nature, condition, status, created_at, updated_at)
            SELECT %s, 'p' || i, 'Benchmark commitment', 'text', 'other', 'one_off', '', 'not_started', %s, %s
            FROM generate_series(1, %s) AS i""",
            [agreement.pk, now, now, n // 2],
        )
        cursor.execute(
            f"""INSERT INTO {Obligation._meta.db_table}
                (commitment_id, party_id, status, overdue, due_at, created_at, updated_at)
            SELECT c.id, p.id, 'not_started', false,
                   CASE WHEN (c.id + p.id) %% 10 = 0 THEN %s::timestamptz ELSE %s::timestamptz END, %s, %s
            FROM {Commitment._meta.db_table} c CROSS JOIN (SELECT unnest(%s::bigint[]) AS id) p
            WHERE c.agreement_id = %s""",
            [now - timedelta(days=1), now + timedelta(days=30), now, now, [p.pk for p in parties], agreement.pk],
        )
        cursor.execute(f"VACUUM ANALYZE {Obligation._meta.db_table}")


def reset() -> None:
    from django.db import connection

    from commitments.models import Obligation
    from tracker.models import Alert

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Alert._meta.db_table} CASCADE")
        cursor.execute(f"UPDATE {Obligation._meta.db_table} SET overdue = false, overdue_since = NULL WHERE overdue")
        cursor.execute(f"VACUUM ANALYZE {Obligation._meta.db_table}")
        # Start each timed run from the same state: no checkpoint pending from the last one.
        cursor.execute("CHECKPOINT")


def hand_written(now: datetime) -> int:
    from django.db import connection, transaction

    from commitments.models import Obligation

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {Obligation._meta.db_table}
                SET overdue = true, overdue_since = due_at, updated_at = %s
                WHERE due_at <= %s AND status NOT IN ('fulfilled', 'superseded')
                  AND NOT (overdue AND overdue_since = due_at)""",
            [now, now],
        )
        return cursor.rowcount


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="obligations to build (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, median reported (default 3)")
    args = parser.parse_args()
    if args.n < 10 or args.repeat < 1:
        parser.error("--n must be at least 10 and --repeat at least 1")

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tracker.services import deadline_sweep

    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    now = datetime.now(UTC)
    started = time.perf_counter()
    build(args.n, now)
    print(f"built {args.n:,} obligations in {time.perf_counter() - started:.1f} s")

    bare_times, sweep_times, queries, flagged = [], [], None, None
    for _ in range(args.repeat):
        reset()
        seconds, rows = timed(lambda: hand_written(now))
        bare_times.append(seconds)
        reset()
        with CaptureQueriesContext(connection) as captured:
            seconds, result = timed(lambda: deadline_sweep(now=now))
        sweep_times.append(seconds)
        queries, flagged = len(captured), result.flagged
        assert result.flagged == rows, (result, rows)
        assert result.raised == rows, (result, rows)

    bare, sweep = statistics.median(bare_times), statistics.median(sweep_times)
    print("runs (s):               UPDATE " + " ".join(f"{t:.2f}" for t in bare_times))
    print("                        sweep  " + " ".join(f"{t:.2f}" for t in sweep_times))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"obligations:            {args.n:,} ({flagged:,} past due)")
    print(f"hand-written UPDATE:    {bare:.3f} s (median of {args.repeat})")
    print(f"deadline_sweep():       {sweep:.3f} s (median of {args.repeat}; flags, clears, raises {flagged:,} alerts)")
    print(f"ratio sweep / UPDATE:   {sweep / bare:.2f} (target <= 2.0)")
    print(f"SQL queries in sweep:   {queries}")
    print(f"peak memory (RSS):      {peak_mb:.0f} MB (target < 300 MB)")


if __name__ == "__main__":
    main()
