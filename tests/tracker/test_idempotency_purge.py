"""Expired idempotency keys are purged by the scheduled task, on a real worker."""

from datetime import timedelta

from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.models import IdempotencyKey
from tests.tracker.test_worker import wait_for


def test_the_scheduled_purge_deletes_keys_older_than_24_hours(celery_worker, analyst):
    now = timezone.now()
    for key, age in (("old", timedelta(hours=25)), ("recent", timedelta(hours=23))):
        IdempotencyKey.objects.create(user=analyst, key=key, request_hash="0" * 64, created_at=now - age)
    scheduled = PeriodicTask.objects.get(name="idempotency keys purge")
    assert (scheduled.interval.every, scheduled.interval.period) == (1, "hours")
    celery_worker.send_task(scheduled.task)
    assert wait_for(lambda: not IdempotencyKey.objects.filter(key="old").exists())
    assert IdempotencyKey.objects.filter(key="recent").exists()
