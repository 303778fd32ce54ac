"""Celery tasks: thin wrappers over tracker.services, with no arguments to go stale.

Every task is idempotent, so the project-wide acks_late + reject_on_worker_lost can run a
task again after a worker dies mid-way (see config/settings/base.py)."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


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
