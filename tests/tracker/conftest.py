import time

import pytest

from config.celery import app as celery_app
from tests.servers import redis_url


@pytest.fixture
def celery_worker(django_db_serialized_rollback, transactional_db):
    """A real Celery worker (in a thread, solo pool) consuming from the real Redis broker.

    The test's data must be committed for the worker's own DB connection to see it, hence
    transactional_db; serialized rollback restores what migrate created (the roles'
    groups, the beat schedule) after each such test empties the tables."""
    from celery.contrib.testing.worker import start_worker

    redis_url()  # the broker
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=15):
        yield celery_app


def broker_drained(app) -> bool:
    """Every message of this run's queue has been taken and acknowledged (kombu's Redis
    transport keeps the queue in a list and unacknowledged messages in a hash; tasks are
    acknowledged late, when done). Looked at twice: between taking a message off the list
    and noting it as unacknowledged, kombu leaves a moment in which both are empty."""
    import redis

    client = redis.Redis.from_url(app.conf.broker_url)

    def empty() -> bool:
        return client.llen(app.conf.task_default_queue) == 0 and client.hlen("unacked") == 0

    if not empty():
        return False
    time.sleep(0.3)
    return empty()
