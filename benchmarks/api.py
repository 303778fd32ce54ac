"""Benchmark: the partner API and the CSV export against bare baselines, on PostgreSQL.

Builds 100,000 commitments (200,000 obligations), then measures, in the same run:
  (a) one page of 100 commitments through the API, against a bare Django view returning
      the same fields from .values() (target: ratio <= 2.0);
  (b) the full CSV export through the API, against PostgreSQL's own
      COPY (SELECT ...) TO STDOUT of the same columns (target: ratio <= 3.0, and peak
      memory under 200 MB).
Both sides go through the same in-process client and middleware.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench python benchmarks/api.py [--n N]
"""

import argparse
import io
import os
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DEBUG"] = "false"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker_bench")
os.environ.setdefault("API_THROTTLE_RATE", "1000000/hour")

from benchmarks._common import ensure_database, timed


def bare_page(request):
    """The baseline: the same fields for one page, from .values(), as JSON."""
    from django.http import JsonResponse

    from commitments.api.serializers import COMMITMENT_ROW, OBLIGATION_ROW
    from commitments.models import Commitment, Obligation

    # The same fields the API reads (one list for both), without DRF around them.
    rows = list(Commitment.objects.order_by("-updated_at", "-pk").values(*COMMITMENT_ROW)[:100])
    ids = [r["id"] for r in rows]
    by_commitment: dict = {}
    for o in Obligation.objects.filter(commitment_id__in=ids).order_by("party__code").values(*OBLIGATION_ROW):
        by_commitment.setdefault(o.pop("commitment_id"), []).append(o)
    for r in rows:
        r["obligations"] = by_commitment.get(r["id"], [])
    return JsonResponse({"results": rows})


def urlpatterns_with_baseline():
    from django.urls import include, path

    return [path("bare/", bare_page), path("", include("config.urls"))]


urlpatterns = []  # filled in main(), once Django is set up


def build(n: int) -> None:
    from django.db import connection

    from commitments.models import Agreement, Commitment, Deadline, Obligation
    from parties.models import Party

    now = datetime.now(UTC)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM commitments_commitment WHERE reference LIKE 'api-%%'")
        if cursor.fetchone()[0] == n:
            return
    tables = [m._meta.db_table for m in (Obligation, Deadline, Commitment)]
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE tracker_alert, tracker_outboundemail, commitments_statusupdatesource, "
            "commitments_statusupdate, " + ", ".join(tables) + " CASCADE"
        )
    agreement, _ = Agreement.objects.get_or_create(
        title="API benchmark",
        signed_on=datetime(2020, 1, 1).date(),
        defaults={"kind": "protocol", "timezone": "Europe/Zurich", "published": True},
    )
    parties = [Party.objects.get_or_create(code=c, defaults={"name": c, "kind": "state"})[0] for c in ("ARM", "AZE")]
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO commitments_commitment (agreement_id, reference, title, text, category, nature, condition,
                   status, created_at, updated_at)
               SELECT %s, 'api-' || i, 'Commitment ' || i, 'Verbatim text of commitment ' || i, 'prisoners',
                   'one_off', '', 'not_started', %s, %s - (i || ' seconds')::interval
               FROM generate_series(1, %s) AS i""",
            [agreement.pk, now, now, n],
        )
        cursor.execute(
            """INSERT INTO commitments_deadline (commitment_id, revision, within_days, due_date, due_at, reason,
                   source_url, source_publisher, recorded_at)
               SELECT id, 1, 7, DATE '2020-01-08', TIMESTAMPTZ '2020-01-08 23:00+00', '', '', '', %s
               FROM commitments_commitment WHERE agreement_id = %s""",
            [now, agreement.pk],
        )
        cursor.execute(
            """UPDATE commitments_commitment c SET current_deadline_id = d.id
               FROM commitments_deadline d WHERE d.commitment_id = c.id AND c.agreement_id = %s""",
            [agreement.pk],
        )
        cursor.execute(
            """INSERT INTO commitments_obligation (commitment_id, party_id, status, due_at, overdue, overdue_since,
                   created_at, updated_at)
               SELECT c.id, p.id, 'not_started', TIMESTAMPTZ '2020-01-08 23:00+00', true,
                   TIMESTAMPTZ '2020-01-08 23:00+00', %s, %s
               FROM commitments_commitment c CROSS JOIN (SELECT unnest(%s::bigint[]) AS id) p
               WHERE c.agreement_id = %s""",
            [now, now, [p.pk for p in parties], agreement.pk],
        )
        cursor.execute("VACUUM ANALYZE")


def median_time(fn, repeat: int) -> float:
    return statistics.median(timed(fn)[0] for _ in range(repeat))


CSV_SQL = """COPY (
    SELECT o.commitment_id, c.agreement_id, a.title, a.signed_on, c.reference, c.title, c.category, c.nature,
           p.code, p.name, CASE WHEN p.kind = 'state' THEN p.code ELSE '' END, o.status, c.status,
           d.due_date, o.due_at, o.overdue, o.overdue_since, o.updated_at
    FROM commitments_obligation o
    JOIN commitments_commitment c ON c.id = o.commitment_id
    JOIN commitments_agreement a ON a.id = c.agreement_id
    JOIN parties_party p ON p.id = o.party_id
    LEFT JOIN commitments_deadline d ON d.id = c.current_deadline_id
    WHERE a.published
    ORDER BY o.commitment_id, p.code
) TO STDOUT WITH (FORMAT csv, HEADER)"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="commitments (default 100,000; 2 obligations each)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each page timing (median; default 5)")
    args = parser.parse_args()
    if args.n < 100 or args.repeat < 1:
        parser.error("--n must be at least 100 and --repeat at least 1")

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from core.models import ApiToken
    from core.roles import PARTNERS

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build(args.n)
    print(f"data: {args.n:,} commitments, {2 * args.n:,} obligations (built in {time.perf_counter() - started:.1f} s)")
    partner, _ = User.objects.get_or_create(username="bench-partner")
    partner.groups.add(Group.objects.get(name=PARTNERS))
    _, key = ApiToken.issue(user=partner, read_only=True)
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")

    global urlpatterns
    urlpatterns = urlpatterns_with_baseline()
    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"]):
        api = lambda: client.get("/api/v1/commitments/", {"page_size": 100})  # noqa: E731
        bare = lambda: client.get("/bare/")  # noqa: E731
        assert api().status_code == 200 and bare().status_code == 200
        assert len(api().json()["results"]) == 100 == len(bare().json()["results"])
        api_page, bare_page_time = median_time(api, args.repeat), median_time(bare, args.repeat)

        def export() -> tuple[int, int]:
            response = client.get("/api/v1/exports/commitments.csv")
            size = rows = 0
            for chunk in response.streaming_content:
                size += len(chunk)
                rows += chunk.count(b"\n")
            return size, rows

        started = time.perf_counter()
        size, rows = export()
        csv_time = time.perf_counter() - started
        tracemalloc.start()  # a second, untimed run: tracing slows Python several-fold
        export()
        _, csv_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    started = time.perf_counter()
    buffer = io.BytesIO()
    with connection.cursor() as cursor, cursor.connection.cursor().copy(CSV_SQL) as copy:
        for data in copy:
            buffer.write(data)
    copy_time = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"(a) API page of 100:      {api_page * 1000:.1f} ms (median of {args.repeat})")
    print(f"    bare .values() view:  {bare_page_time * 1000:.1f} ms")
    print(f"    ratio:                {api_page / bare_page_time:.2f} (target <= 2.0)")
    print(f"(b) CSV export via API:   {csv_time:.2f} s, {rows - 1:,} rows, {size / 1e6:.1f} MB")
    print(f"    PostgreSQL COPY:      {copy_time:.2f} s, {buffer.getbuffer().nbytes / 1e6:.1f} MB")
    print(f"    ratio:                {csv_time / copy_time:.2f} (target <= 3.0)")
    print(f"    Python memory peak during the export (tracemalloc): {csv_peak / 1e6:.1f} MB (target < 200 MB)")
    print(f"    process peak RSS:     {rss:.0f} MB")


if __name__ == "__main__":
    main()
