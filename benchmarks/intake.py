"""Benchmark: importing one agreement with 500 commitments, on PostgreSQL.

Measures, in the same run and on the same database:
  baseline   the existing services one by one: agreement_create + commitment_create x N
  command    manage.py import_agreement FILE (call_command)
  API        POST /api/v1/agreements/import/ (Django's test client, a token, ATOMIC_REQUESTS)
  preview    the dry run (import_agreement(dry_run=True): the import, rolled back)
Every run imports a fresh agreement (its own title) with N commitments binding two
parties each, one in ten chained to the one before. Target: import <= 1.5 x baseline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench_intake python benchmarks/intake.py [--n 500]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
from datetime import date
from io import StringIO
from pathlib import Path

# The project's root, in place of this folder (whose email.py would shadow the standard library's).
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DEBUG"] = "false"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker_bench_intake")
os.environ.setdefault("API_THROTTLE_RATE", "1000000/hour")

from benchmarks._common import ensure_database, timed  # noqa: E402 (after the path is set)

SIGNED_ON = date(2021, 3, 1)


def rows(n: int) -> list[dict]:
    out = []
    for i in range(1, n + 1):
        deadline = {"days": 14, "after": str(i - 1)} if i % 10 == 0 else {"days": 7 + i % 30}
        out.append(
            {
                "reference": str(i),
                "title": f"Commitment {i}",
                "text": f"The parties shall carry out measure {i} of the protocol.",
                "category": "prisoners",
                "nature": "one_off",
                "parties": ["ARM", "AZE"],
                "deadline": deadline,
            }
        )
    return out


def document(title: str, n: int) -> dict:
    return {
        "schema_version": 1,
        "agreement": {"title": title, "kind": "protocol", "date": SIGNED_ON.isoformat(), "timezone": "Asia/Tbilisi"},
        "parties": [
            {"code": "ARM", "name": "Republic of Armenia", "kind": "state"},
            {"code": "AZE", "name": "Republic of Azerbaijan", "kind": "state"},
        ],
        "participants": [{"party": "ARM", "role": "signatory"}, {"party": "AZE", "role": "signatory"}],
        "commitments": rows(n),
    }


def baseline(title: str, n: int, user) -> None:
    """The same rows through the services one by one, as the admin or the API would."""
    from django.db import transaction

    from commitments import services
    from parties.models import Party

    arm, aze = Party.objects.get(code="ARM"), Party.objects.get(code="AZE")
    with transaction.atomic():
        agreement = services.agreement_create(
            title=title,
            kind="protocol",
            signed_on=SIGNED_ON,
            timezone_name="Asia/Tbilisi",
            participants=[(arm, "signatory"), (aze, "signatory")],
            user=user,
        )
        created = {}
        for row in rows(n):
            spec = row["deadline"]
            after = created.get(spec.get("after"))
            created[row["reference"]] = services.commitment_create(
                agreement=agreement,
                reference=row["reference"],
                title=row["title"],
                text=row["text"],
                category=row["category"],
                nature=row["nature"],
                parties=[arm, aze],
                deadline=services.DeadlineInput(within_days=spec["days"], after_commitment=after),
                user=user,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500, help="commitments per agreement (default 500)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (median; default 3)")
    args = parser.parse_args()
    if not 1 <= args.n <= 2000 or args.repeat < 1:
        parser.error("--n must be from 1 to 2,000 and --repeat at least 1")

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from commitments.documents import import_agreement
    from commitments.models import Agreement
    from core.models import ApiToken
    from core.roles import ANALYSTS
    from parties.models import Party

    call_command("migrate", verbosity=0)
    analyst, _ = User.objects.get_or_create(username="bench-analyst")
    analyst.groups.add(Group.objects.get(name=ANALYSTS))
    for code, name in (("ARM", "Republic of Armenia"), ("AZE", "Republic of Azerbaijan")):
        Party.objects.get_or_create(code=code, defaults={"name": name, "kind": "state"})
    _, key = ApiToken.issue(user=analyst, read_only=False)
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    run = Agreement.objects.filter(title__startswith="Intake benchmark").count()

    def title(kind: str, i: int) -> str:
        return f"Intake benchmark {run}-{i} {kind}"

    def once(i: int, folder: str) -> dict[str, float]:
        seconds = {"baseline": timed(lambda: baseline(title("baseline", i), args.n, analyst))[0]}

        path = Path(folder) / f"command-{i}.json"
        path.write_text(json.dumps(document(title("command", i), args.n)), encoding="utf-8")
        seconds["command"] = timed(
            lambda: call_command("import_agreement", str(path), user="bench-analyst", stdout=StringIO())
        )[0]

        body = json.dumps(document(title("api", i), args.n))
        seconds["api"], response = timed(
            lambda: client.post("/api/v1/agreements/import/", body, content_type="application/json")
        )
        assert response.status_code == 201, response.content[:500]

        preview = json.dumps(document(title("preview", i), args.n))
        seconds["preview"], result = timed(lambda: import_agreement(preview, user=analyst, dry_run=True))
        assert result.ok and len(result.preview["commitments"]) == args.n
        return seconds

    with tempfile.TemporaryDirectory() as folder, override_settings(ALLOWED_HOSTS=["testserver"]):
        runs = [once(i, folder) for i in range(args.repeat)]
    times = {name: [run[name] for run in runs] for name in runs[0]}

    median = {name: statistics.median(values) for name, values in times.items()}
    base = median["baseline"]
    print(f"{args.n} commitments (2 obligations each, 1 in 10 chained), median of {args.repeat} runs, PostgreSQL")
    print(f"  baseline (agreement_create + commitment_create x {args.n}): {base:.2f} s")
    for name, label in (
        ("command", "import_agreement command"),
        ("api", "POST /agreements/import/"),
        ("preview", "dry-run preview"),
    ):
        print(f"  {label:<28} {median[name]:.2f} s   ratio {median[name] / base:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
