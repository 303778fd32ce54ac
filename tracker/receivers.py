"""Queue the deadline engine when deadlines or statuses change, after the commit, so the
worker reads committed data. If the broker is down the save still succeeds: the failure
is logged and the next scheduled sweep catches up."""

import logging

from django.db import transaction
from django.dispatch import receiver

from commitments.signals import deadlines_changed, status_recorded

logger = logging.getLogger(__name__)


def enqueue_sweep() -> None:
    from .tasks import sweep_deadlines

    try:
        sweep_deadlines.apply_async()
    except Exception:  # any broker error: the save must not fail because of it
        logger.exception("could not queue the deadline sweep; the next scheduled sweep will catch up")


@receiver(deadlines_changed)
@receiver(status_recorded)
def sweep_after_commit(**kwargs) -> None:
    transaction.on_commit(enqueue_sweep)
