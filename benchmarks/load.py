"""Benchmark: gunicorn as in production, under concurrent clients, against a bare Django view.

Starts gunicorn with the project's gunicorn.conf.py (sync workers, 2 x cores + 1) on
production settings (benchmarks/load_settings.py: config.settings.production with plain
HTTP allowed on loopback, plus a bare view at /bare/), on a PostgreSQL database of its own
and Redis. Seeds --n commitments (benchmarks/dashboard.py's data set), a partner with an API
token and an analyst with a session, then drives, one after the other, each with --clients
concurrent clients for --seconds, in turns (--rounds slices each, so that the machine's other
load weighs on all alike):
  bare       GET /bare/: the whole middleware stack, no query (the baseline)
  api list   GET /api/v1/commitments/ with the partner's token (one page)
  csv export GET /api/v1/exports/commitments.csv with the partner's token (every obligation)
  dashboard  GET / as the analyst
and prints requests per second, p50, p99 and errors for each, and the API list's rate as a
share of the bare view's (target: at least 0.5, and no errors). The clients are Python
threads with their own connections, in two processes; they share the machine with the server.

    python benchmarks/load.py [--n 1000] [--clients 20] [--seconds 30]

The API's per-user throttle (API_THROTTLE_RATE) is lifted for the run: it would answer 429
once a client has sent 5,000 requests in an hour, which measures the limit, not the server.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Before any other import: not benchmarks/ first on the path, whose email.py would shadow
# the standard library's (which http.client imports).
sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import http.client  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

HOST = "127.0.0.1"

# The server's environment, as production would have it (README.md, "Production").
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "benchmarks.load_settings",
    "DEBUG": "false",
    "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": HOST,
    "DATABASE_URL": os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker_load"),
    # Database 14 for the broker, so 15 for the cache: away from a development server's.
    "REDIS_URL": os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/14"),
    "API_THROTTLE_RATE": "100000000/hour",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(SERVER_ENV)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def seed(n: int) -> dict[str, dict[str, str]]:
    """Migrate, build the data set, collect static files; return each target's headers."""
    from benchmarks._common import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client

    from benchmarks.dashboard import build
    from core.models import ApiToken
    from core.roles import ANALYSTS, PARTNERS

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # production serves the manifest's names
    analyst, _ = User.objects.get_or_create(username="bench-analyst")
    analyst.groups.add(Group.objects.get(name=ANALYSTS))
    build(n, datetime.now(UTC), analyst)
    partner, _ = User.objects.get_or_create(username="bench-partner")
    partner.groups.add(Group.objects.get(name=PARTNERS))
    _, key = ApiToken.issue(user=partner, name="load benchmark")
    client = Client()
    client.force_login(analyst)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    token = {"Authorization": f"Token {key}"}
    return {
        "bare": {},
        "api list": token,
        "csv export": token,
        "dashboard": {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"},
    }


PATHS = {
    "bare": "/bare/",
    "api list": "/api/v1/commitments/",
    "csv export": "/api/v1/exports/commitments.csv",
    "dashboard": "/",
}


def get(conn: http.client.HTTPConnection, path: str, headers: dict) -> tuple[int, bytes]:
    # gunicorn's sync workers close the connection after each response; http.client then
    # opens a new one for the next request, as a browser or a script would.
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def drive(port: int, path: str, headers: dict, threads: int, seconds: float) -> tuple[list[float], int, str]:
    """In one process: `threads` clients for `seconds`; latencies of the 200s, errors, an error."""
    latencies: list[float] = []
    errors = [0]
    first_error = [""]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        mine, failed = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status, body = get(conn, path, headers)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                status, body = 0, repr(exc).encode()
            if status == 200:
                mine.append(time.perf_counter() - started)
            else:
                failed += 1
                first_error[0] = first_error[0] or f"{status}: {body[:200]!r}"
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, errors[0], first_error[0]


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}: see var/load-gunicorn.log")
        try:
            if get(http.client.HTTPConnection(HOST, port, timeout=5), "/bare/", {})[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit("gunicorn did not answer within 30 s")


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1] if len(values) > 1 else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000, help="commitments (default 1,000; 2 obligations each)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--seconds", type=float, default=30, help="seconds per target (default 30)")
    parser.add_argument("--rounds", type=int, default=3, help="turns each target's time is split into (default 3)")
    parser.add_argument("--processes", type=int, default=2, help="client processes sharing the clients (default 2)")
    args = parser.parse_args()
    if args.n < 200 or args.clients < 1 or args.seconds <= 0 or args.processes < 1 or args.rounds < 1:
        parser.error("--n must be at least 200; --clients, --seconds, --rounds and --processes positive")

    started = time.perf_counter()
    headers = seed(args.n)
    print(f"data: {args.n:,} commitments, {2 * args.n:,} obligations (ready in {time.perf_counter() - started:.1f} s)")

    port = free_port()
    (ROOT / "var").mkdir(exist_ok=True)
    log = (ROOT / "var" / "load-gunicorn.log").open("w")
    server_env = {**os.environ, **SERVER_ENV, "GUNICORN_BIND": f"{HOST}:{port}"}
    server = subprocess.Popen(  # noqa: S603 (a fixed command line, no shell)
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(port, server)
        for name, path in PATHS.items():  # each answers before it is measured
            status, body = get(http.client.HTTPConnection(HOST, port, timeout=60), path, headers[name])
            if status != 200:
                sys.exit(f"{name}: GET {path} answered {status}: {body[:300]!r}")
        workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
        print(
            f"gunicorn: {workers} sync workers ({multiprocessing.cpu_count()} cores), production settings; "
            f"{args.clients} clients in {args.processes} processes, {args.seconds:g} s per target "
            f"in {args.rounds} turns"
        )
        print(f"{'target':<12}{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
        rates = {}
        failed = False
        # The targets take turns in --rounds slices, so that a change in the machine's other
        # load during the run weighs on each of them alike (the ratio is what matters).
        slice_seconds = args.seconds / args.rounds
        shares = [args.clients // args.processes + (i < args.clients % args.processes) for i in range(args.processes)]
        results = {name: ([], 0, "") for name in PATHS}
        with ProcessPoolExecutor(args.processes) as pool:
            for _ in range(args.rounds):
                for name, path in PATHS.items():
                    runs = [pool.submit(drive, port, path, headers[name], n, slice_seconds) for n in shares if n]
                    latencies, errors, first_error = results[name]
                    for run in runs:
                        mine, their_errors, their_first = run.result()
                        latencies += mine
                        errors += their_errors
                        first_error = first_error or their_first
                    results[name] = (latencies, errors, first_error)
        for name, (latencies, errors, first_error) in results.items():
            rates[name] = len(latencies) / args.seconds
            print(
                f"{name:<12}{len(latencies):>10}{rates[name]:>10.1f}"
                f"{percentile(latencies, 0.50) * 1000:>10.1f}{percentile(latencies, 0.99) * 1000:>10.1f}{errors:>8}"
            )
            if errors:
                failed = True
                print(f"  first error: {first_error}")
        ratio = rates["api list"] / rates["bare"] if rates["bare"] else 0
        print(f"api list / bare: {ratio:.2f} (target >= 0.5): {'met' if ratio >= 0.5 else 'NOT met'}")
        print(f"errors: {'some (see above)' if failed else 'none'}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


if __name__ == "__main__":
    main()
