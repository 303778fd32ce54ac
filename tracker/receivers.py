"""Reactions to the commitments app's domain events.

Work for a worker is queued with transaction.on_commit, so the worker reads committed
data. If the broker is down the save still succeeds: the failure is logged and the next
scheduled run catches up. Status-changed alerts and their outbox rows are written at
once, in the transaction that recorded the status update (incident-linked alerts, in the
one that linked the incident); so are the changed obligations'
overdue flags and the resolution of their alerts whose cause is gone (see
services.obligations_refresh), so that no page says "overdue" right after a fulfilment or
an extension."""

from django.db import transaction
from django.dispatch import receiver

from commitments.signals import deadlines_changed, incident_disclosed, incident_linked, status_recorded

from .task_queue import enqueue_task


@receiver(deadlines_changed)
def deadlines_moved(commitment_ids, **kwargs) -> None:
    from commitments.models import Obligation

    from .services import obligations_refresh

    obligations_refresh(obligations=Obligation.objects.filter(commitment_id__in=commitment_ids))
    transaction.on_commit(lambda: enqueue_task("tracker.sweep_deadlines"))


@receiver(status_recorded)
def status_changed(status_update_ids, **kwargs) -> None:
    from commitments.models import Obligation

    from .notifications import status_changed_alerts_raise
    from .services import obligations_refresh

    status_changed_alerts_raise(status_update_ids=status_update_ids)
    obligations_refresh(obligations=Obligation.objects.filter(status_updates__in=status_update_ids))
    transaction.on_commit(lambda: enqueue_task("tracker.sweep_deadlines"))


@receiver(incident_linked)
def incident_linked_alerts(link_ids, **kwargs) -> None:
    from .notifications import incident_linked_alerts_raise

    incident_linked_alerts_raise(link_ids=link_ids)


@receiver(incident_disclosed)
def incident_disclosed_alerts(incident_ids, **kwargs) -> None:
    from .notifications import incident_alerts_requeue

    incident_alerts_requeue(incident_ids=incident_ids)
