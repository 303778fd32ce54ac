"""Celery tasks: thin wrappers over the services, with no arguments to go stale.

Every task is idempotent, so the project-wide acks_late + reject_on_worker_lost can run a
task again after a worker dies mid-way (see docs/deadline-engine.md)."""

import dataclasses
import logging
import time

from celery import shared_task

from core import idempotency

from . import notifications, services

logger = logging.getLogger(__name__)

SEND_BUDGET_SECONDS = 120  # then leave the rest to the next run, well inside the time limit


@shared_task(name="tracker.sweep_deadlines")
def sweep_deadlines() -> dict:
    result = services.deadline_sweep()
    logger.info("deadline sweep: %s", result)
    return result.__dict__


@shared_task(name="tracker.send_reminders")
def send_reminders() -> int:
    raised = services.reminders_raise()
    logger.info("reminders raised: %d", raised)
    return raised


@shared_task(name="tracker.queue_digests")
def queue_digests() -> int:
    queued = notifications.digests_queue()
    logger.info("digests queued: %d", queued)
    return queued


@shared_task(name="tracker.send_outbox")
def send_outbox() -> dict:
    """Send due messages batch by batch (one SMTP connection each) until none is due or the
    time budget is spent. Failed sends are rescheduled on their rows with exponential
    backoff, not with Celery countdowns, so no delay outlives the broker's visibility."""
    started, total = time.monotonic(), notifications.SendResult()
    while time.monotonic() - started < SEND_BUDGET_SECONDS:
        result = notifications.outbox_send()
        for field in dataclasses.fields(total):
            setattr(total, field.name, getattr(total, field.name) + getattr(result, field.name))
        if not (result.sent or result.cancelled or result.failed) or result.retried:
            break
    logger.info("outbox: %s", total)
    return dataclasses.asdict(total)


@shared_task(name="tracker.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    purged = idempotency.keys_purge()
    logger.info("idempotency keys purged: %d", purged)
    return purged


@shared_task(name="tracker.send_email_change_link", autoretry_for=(OSError,), max_retries=5, retry_backoff=True)
def send_email_change_link(user_id: int, new_email: str) -> bool:
    """The link that confirms a new account address (tracker/account.py). Its arguments
    cannot go stale: the link itself is checked against the account when opened."""
    from . import account

    return account.email_change_send(user_id=user_id, new_email=new_email)
