"""What the benchmark scripts share: the database to run on, and a stopwatch."""

import time
from pathlib import Path


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` when missing; for SQLite, the folder."""
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    name = url.rsplit("/", 1)[-1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def timed(fn) -> tuple[float, object]:
    """Seconds ``fn()`` took, and what it returned."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result
