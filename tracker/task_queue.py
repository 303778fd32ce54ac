"""Queueing a worker's task without letting a broker failure fail the caller (used after
commit by receivers and notifications)."""

import logging

logger = logging.getLogger(__name__)


def enqueue_task(name: str) -> None:
    from config.celery import app

    try:
        app.send_task(name)
    except Exception:  # any broker error: the save must not fail because of it
        logger.exception("could not queue %s; the next scheduled run will catch up", name)
