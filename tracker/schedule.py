"""The default periodic schedule of the deadline engine, kept in django-celery-beat's
tables so that an admin can change it in the admin. Installing it again never
overwrites what an admin changed."""

DEFAULT_SCHEDULE = [
    # (name, task, every, period)
    ("deadline sweep", "tracker.sweep_deadlines", 5, "minutes"),
    ("deadline reminders", "tracker.send_reminders", 1, "hours"),
    ("email outbox", "tracker.send_outbox", 1, "minutes"),
    ("daily digests", "tracker.queue_digests", 15, "minutes"),
    ("idempotency keys purge", "tracker.purge_idempotency_keys", 1, "hours"),
]


def install_schedule(apps, schema_editor=None) -> None:
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, every, period in DEFAULT_SCHEDULE:
        interval, _ = interval_model.objects.get_or_create(every=every, period=period)
        task_model.objects.get_or_create(name=name, defaults={"task": task, "interval": interval})
