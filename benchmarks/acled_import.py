"""Benchmark: importing N ACLED rows (default 100,000) into PostgreSQL.

Measures, in the same run, on the same database and the same file:
  COPY       PostgreSQL's own COPY of the file into a bare table of 31 text columns
  import     commitments.acled.acled_import: the first import (every event created, with
             its parties, source, history, and link proposals by one active rule)
  re-import  the same file again (every event unchanged: nothing written)
  memory     the process's peak resident set size (ru_maxrss), and its growth over the import
The file is generated in ACLED's export format: realistic lengths (notes of 150 to 600
characters), non-ASCII place names, quotes and line breaks in notes, both date formats,
some empty fatalities. Targets: import <= 5.0 x COPY, memory under 300 MB, re-import <=
import.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench_acled python benchmarks/acled_import.py [--n 100000]
"""

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DEBUG"] = "false"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker_bench_acled")

from benchmarks._common import ensure_database, timed  # noqa: E402 (after the path is set)

AGREEMENT_DAY = date(2020, 10, 30)
ACTORS = {
    "Military Forces of Azerbaijan (1993-)": "AZE",
    "Military Forces of Armenia (2018-)": "ARM",
    "Police Forces of Azerbaijan (1993-)": "AZE",
    "Police Forces of Armenia (2018-)": "ARM",
    "Civilians (Azerbaijan)": None,
    "Civilians (Armenia)": None,
    "Protesters (Armenia)": None,
}
UNMAPPED = ("Unidentified Armed Group (Azerbaijan)", "Military Forces of Artsakh (1992-)")
PLACES = (
    ("Azerbaijan", 31, "Tartar", "Tartar", "Tərtər", 40.3406, 46.9317),
    ("Azerbaijan", 31, "Aghdam", "Aghdam", "Ağdam", 39.9911, 46.9297),
    ("Azerbaijan", 31, "Barda", "Barda", "Bərdə", 40.3744, 47.1267),
    ("Armenia", 51, "Gegharkunik", "Martuni", "Մարտունի", 40.1389, 45.3064),
    ("Armenia", 51, "Syunik", "Goris", "Գորիս", 39.5111, 46.3417),
)
KINDS = (
    ("Battles", "Armed clash", "Political violence", ""),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "Political violence", "Civilian targeting"),
    ("Violence against civilians", "Attack", "Political violence", "Civilian targeting"),
    ("Protests", "Peaceful protest", "Demonstrations", ""),
    ("Strategic developments", "Disrupted weapons use", "Strategic developments", ""),
)
WORDS = [
    "shelling",
    "residential",
    "area",
    "reportedly",
    "killed",
    "injured",
    "village",
    "positions",
    "ministry",
    "defence",
    "claimed",
    "artillery",
    "houses",
    "damaged",
    "school",
    "drone",
    "strike",
    "soldiers",
    "civilians",
    "ceasefire",
    "violation",
    "sources",
]


def generate(path: Path, n: int, prefix: str) -> int:
    """Write ``n`` events in ACLED's format (streamed); returns the file's size in bytes."""
    from commitments.acled_rows import COLUMNS

    rng = random.Random(14)  # noqa: S311 - test data, the same every run
    actors = list(ACTORS) + list(UNMAPPED)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for i in range(n):
            country, iso, admin1, admin2, place, lat, lon = PLACES[i % len(PLACES)]
            event_type, sub, disorder, targeting = KINDS[i % len(KINDS)]
            day = AGREEMENT_DAY + timedelta(days=rng.randint(-300, 700))
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 90)))
            notes = f'On {day:%-d %B %Y}, near {place}: {words}; the ministry said "{rng.choice(WORDS)}".'
            if i % 50 == 0:
                notes += "\nUpdated: figures revised."
            actor1, actor2 = rng.choice(actors), rng.choice(actors)
            writer.writerow(
                [
                    f"{prefix}{i}",
                    day.isoformat() if i % 3 else f"{day.day:02d} {day:%B %Y}",
                    day.year,
                    1 + i % 3,
                    disorder,
                    event_type,
                    sub,
                    actor1,
                    "Police Forces of Azerbaijan (1993-); Unidentified Armed Group (Azerbaijan)" if i % 7 == 0 else "",
                    1,
                    actor2,
                    "",
                    7,
                    17,
                    targeting,
                    iso,
                    "Caucasus and Central Asia",
                    country,
                    admin1,
                    admin2,
                    "",
                    place,
                    f"{lat + rng.uniform(-0.2, 0.2):.4f}",
                    f"{lon + rng.uniform(-0.2, 0.2):.4f}",
                    1 + i % 3,
                    "Azerbaijani Ministry of Defence; Armenpress; Trend News Agency",
                    "National-International",
                    notes,
                    "" if i % 11 == 0 else rng.randint(0, 12),
                    "crowd size=no report" if event_type == "Protests" else "",
                    1_600_000_000 + i,
                ]
            )
    return path.stat().st_size


def copy_baseline(path: Path) -> None:
    from django.db import connection, transaction

    from commitments.acled_rows import COLUMNS

    columns = ", ".join(f"{c} text" for c in COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_acled_bare")
        cursor.execute(f"CREATE TABLE bench_acled_bare ({columns})")
        with (
            path.open("rb") as source,
            cursor.cursor.copy("COPY bench_acled_bare FROM STDIN (FORMAT csv, HEADER true)") as copy,
        ):
            while block := source.read(1 << 20):
                copy.write(block)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="events (default 100,000)")
    args = parser.parse_args()
    if not 1 <= args.n <= 1_000_000:
        parser.error("--n must be from 1 to 1,000,000")

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection

    from commitments.acled import acled_import
    from commitments.models import AcledImport, ActorMapping, Agreement, Commitment, LinkRule, Obligation
    from parties.models import Party

    if connection.vendor != "postgresql":
        sys.exit("This benchmark compares with PostgreSQL's COPY: set DATABASE_URL to a PostgreSQL database.")
    call_command("migrate", verbosity=0)
    user, _ = User.objects.get_or_create(username="bench-analyst")
    parties = {}
    for code, name in (("ARM", "Republic of Armenia"), ("AZE", "Republic of Azerbaijan")):
        parties[code], _ = Party.objects.get_or_create(code=code, defaults={"name": name, "kind": "state"})
    for actor, code in ACTORS.items():
        ActorMapping.objects.get_or_create(actor_name=actor, defaults={"party": parties.get(code)})
    agreement, _ = Agreement.objects.get_or_create(
        title="ACLED benchmark statement", signed_on=AGREEMENT_DAY, defaults={"kind": "joint_statement"}
    )
    commitment, _ = Commitment.objects.get_or_create(
        agreement=agreement,
        reference="1",
        defaults={
            "title": "Refrain from targeting civilians",
            "text": "…",
            "category": "civilian_protection",
            "nature": "ongoing",
        },
    )
    for party in parties.values():
        Obligation.objects.get_or_create(commitment=commitment, party=party)
    # The rules the migrations seed propose links; one more makes sure of one rule at least.
    LinkRule.objects.get_or_create(
        name="Explosions/remote violence → civilian protection",
        defaults={"event_type": "explosions_remote_violence", "category": "civilian_protection"},
    )
    prefix = f"B{AcledImport.objects.count()}X"  # fresh event ids on every run

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "acled.csv"
        size = generate(path, args.n, prefix)
        rss_before = peak_mb()
        copy_seconds, _ = timed(lambda: copy_baseline(path))

        def run():
            with path.open("rb") as stream:
                return acled_import(stream=stream, file_name="acled.csv", user=user)

        first_seconds, first = timed(run)
        rss_after = peak_mb()
        again_seconds, again = timed(run)
    assert first.created == args.n and first.refused == 0, (first.created, first.refused, first.errors[:3])
    assert again.unchanged == args.n and again.created == again.updated == 0

    print(f"{args.n:,} ACLED events ({size / 1e6:.1f} MB CSV), PostgreSQL, one run")
    print(f"  COPY into a bare text table:  {copy_seconds:6.2f} s")
    print(
        f"  first import:                 {first_seconds:6.2f} s   ratio {first_seconds / copy_seconds:.2f} "
        f"(target <= 5.0); {first.created:,} created, {first.links_proposed:,} links proposed"
    )
    print(
        f"  re-import (all unchanged):    {again_seconds:6.2f} s   {again_seconds / first_seconds:.2f} x the first "
        "(target <= 1.0)"
    )
    print(
        f"  peak RSS: {peak_mb():.0f} MB (target < 300); before the import {rss_before:.0f} MB, "
        f"after it {rss_after:.0f} MB"
    )


if __name__ == "__main__":
    main()
