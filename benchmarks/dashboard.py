"""Benchmark: the analysts' dashboard with 10,000 commitments, against its own SQL.

Builds N commitments (default 10,000; two obligations each) over 200 agreements and six
parties, with due moments spread over two years (a tenth overdue), 2,000 status updates
and 1,000 unacknowledged alerts. Then, in the same run, times
  (a) GET / as a logged-in analyst through the test client (session, middleware, queries,
      four SVG charts drawn twice each, cached while their figures stay the same; template),
      median and slowest of --repeat runs (targets: < 150 ms at --n 100000 on PostgreSQL,
      < 100 ms at 10,000, and at most 2.0 times (b));
  (b) the baseline: the very SQL statements (a) ran, replayed on a raw cursor;
  (c) GET / when the charts must be redrawn (as after any change to what they show);
and prints these, the ratio of (a) to (b) (the cost of Python around the database), the
query count (the same whatever --n: run at two and compare) and the page size. Runs on
the database in DATABASE_URL; by default a SQLite
file of its own under var/ (so the development database is left alone).

    python benchmarks/dashboard.py [--n N] [--repeat R]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench python benchmarks/dashboard.py
    DATABASE_URL=... python benchmarks/dashboard.py --n 100000   # the issue's target size
"""

import argparse
import os
import resource
import statistics
import sys
import time
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not benchmarks/, whose email.py would shadow the standard library's
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DEBUG"] = "false"  # no query log kept in memory; templates as in production
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-dashboard.sqlite3'}")
warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: no collectstatic needed here

from benchmarks._common import ensure_database, timed  # noqa: E402

AGREEMENTS = 200
PARTIES = ("ARM", "AZE", "RUS", "FRA", "USA", "TUR")
STATUSES = ("not_started", "in_progress", "fulfilled", "partially_fulfilled", "not_fulfilled", "disputed")


def build(n: int, now: datetime, analyst) -> None:
    """The data set, in bulk (the benchmark measures reads, not the write services)."""
    from django.db import transaction

    from commitments.models import Agreement, Commitment, Obligation, StatusUpdate
    from parties.models import Party
    from tracker.models import Alert

    if Commitment.objects.filter(reference__startswith="bench-").count() == n:
        return
    with transaction.atomic():
        for model in (Alert, StatusUpdate, Obligation, Commitment, Agreement):
            model.objects.all()._raw_delete(model.objects.db)
        parties = [Party.objects.get_or_create(code=c, defaults={"name": c, "kind": "state"})[0] for c in PARTIES]
        agreements = Agreement.objects.bulk_create(
            Agreement(
                title=f"Benchmark agreement {i}",
                kind="protocol",
                signed_on=date(2020, 1, 1) + timedelta(days=i),
                timezone="UTC",
                published=True,
            )
            for i in range(AGREEMENTS)
        )
        commitments = Commitment.objects.bulk_create(
            Commitment(
                agreement=agreements[i % AGREEMENTS],
                reference=f"bench-{i}",
                title=f"Commitment {i}",
                text=f"Verbatim text of commitment {i}",
                category="prisoners",
                nature="one_off",
                status=STATUSES[i % len(STATUSES)],
            )
            for i in range(n)
        )
        obligations = []
        for i, commitment in enumerate(commitments):
            due = now + timedelta(days=(i % 730) - 73)  # two years, a tenth already past
            for k in range(2):
                status = STATUSES[(i + k) % len(STATUSES)]
                overdue = due <= now and status != "fulfilled"
                obligations.append(
                    Obligation(
                        commitment=commitment,
                        party=parties[(i + k) % len(parties)],
                        status=status,
                        due_at=due,
                        overdue=overdue,
                        overdue_since=due if overdue else None,
                    )
                )
        obligations = Obligation.objects.bulk_create(obligations, batch_size=2000)
        StatusUpdate.objects.bulk_create(
            (
                StatusUpdate(
                    obligation=o,
                    status=o.status,
                    effective_on=date(2020, 6, 1),
                    summary="Benchmark update",
                    confidence="medium",
                    recorded_by=analyst,
                )
                for o in obligations[:2000]
            ),
            batch_size=1000,
        )
        Alert.objects.bulk_create(
            (
                Alert(kind="overdue", obligation=o, party_id=o.party_id, due_at=o.due_at, raised_at=now)
                for o in obligations
                if o.overdue
            ),
            batch_size=1000,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="commitments (default 10,000; 2 obligations each)")
    parser.add_argument("--repeat", type=int, default=20, help="timed renders (default 20)")
    args = parser.parse_args()
    if args.n < AGREEMENTS or args.repeat < 1:
        parser.error(f"--n must be at least {AGREEMENTS} and --repeat at least 1")

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from core.roles import ANALYSTS
    from tracker import dashboard_charts

    call_command("migrate", verbosity=0)
    analyst, _ = User.objects.get_or_create(username="bench-analyst")
    analyst.groups.add(Group.objects.get(name=ANALYSTS))
    started = time.perf_counter()
    build(args.n, datetime.now(UTC), analyst)
    with connection.cursor() as cursor:  # planner statistics, as autovacuum keeps them after a bulk load
        cursor.execute("ANALYZE")
    print(
        f"data: {args.n:,} commitments, {2 * args.n:,} obligations, {AGREEMENTS} agreements "
        f"on {connection.vendor} (ready in {time.perf_counter() - started:.1f} s)"
    )

    # Static file names unhashed: no collectstatic manifest is needed to render.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=storages):
        client = Client()
        client.force_login(analyst)
        first = client.get("/")
        assert first.status_code == 200, first.status_code
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/")
        html = page.content.decode()
        assert html.count("<svg") == 8 and "Overdue now" in html, "the dashboard did not render its parts"
        statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("BEGIN", "COMMIT"))]

        def render():
            client.get("/")

        def replay():
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()

        def render_changed():
            # The charts are cached on what they show: a new key stands for changed data.
            dashboard_charts.VERSION = f"bench-{time.perf_counter_ns()}"
            client.get("/")

        pages, sqls, changed = [], [], []
        for _ in range(args.repeat):  # interleaved, so machine noise hits both alike
            pages.append(timed(render)[0])
            sqls.append(timed(replay)[0])
        for _ in range(min(5, args.repeat)):
            changed.append(timed(render_changed)[0])

    page_ms, sql_ms = statistics.median(pages) * 1000, statistics.median(sqls) * 1000
    target_ms = 150 if args.n >= 100_000 else 100
    print(f"(a) dashboard GET /:     {page_ms:.1f} ms median, {max(pages) * 1000:.1f} ms slowest of {args.repeat}")
    verdict = "met" if page_ms < target_ms else "NOT met"
    print(f"    target:              < {target_ms} ms median at {args.n:,} ({verdict})")
    print(f"(b) its SQL, replayed:   {sql_ms:.1f} ms median ({len(statements)} statements)")
    ratio = page_ms / sql_ms
    print(f"    ratio (a)/(b):       {ratio:.2f} (target <= 2.0: {'met' if ratio <= 2.0 else 'NOT met'})")
    print(f"    queries:             {len(statements)} at n={args.n:,} (constant in N: compare a run at another --n)")
    print(f"    page size:           {len(html) / 1024:.0f} KiB")
    changed_ms = statistics.median(changed) * 1000
    print(f"(c) GET /, charts redrawn: {changed_ms:.1f} ms median of {len(changed)} (as after a change to their data)")
    print(f"    process peak RSS:    {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
