"""Two sweeps at the same moment on PostgreSQL raise every alert once."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from commitments.models import Obligation
from tests.tracker.test_sweep import build_obligations
from tracker import services
from tracker.models import Alert

pytestmark = pytest.mark.postgres


def run_concurrently(target, count: int = 2) -> list:
    """Start ``count`` threads, each with its own database connection, released together."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = target(index)
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_two_concurrent_sweeps_flag_and_raise_each_alert_once(transactional_db, django_db_serialized_rollback):
    build_obligations(400)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    results = run_concurrently(lambda _: services.deadline_sweep(now=now))
    assert sum(r.flagged for r in results) == 400
    assert sum(r.raised for r in results) == 400
    assert Alert.objects.count() == 400
    assert Obligation.objects.filter(overdue=True).count() == 400


def test_two_concurrent_reminder_runs_raise_each_alert_once(transactional_db, django_db_serialized_rollback):
    build_obligations(400)
    now = datetime(2020, 1, 29, tzinfo=UTC)  # all due 1 Feb 2020: within 7 days
    results = run_concurrently(lambda _: services.reminders_raise(now=now))
    assert sum(results) == 400
    assert Alert.objects.filter(kind="due_soon").count() == 400
