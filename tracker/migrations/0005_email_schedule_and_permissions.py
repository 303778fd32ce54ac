from django.db import migrations


# The email outbox and the digests join the beat schedule.
# A frozen copy: once installed, the schedule is the admin's to change (in the admin); a
# later migration adds what later code schedules. get_or_create never overwrites an admin's change.
SCHEDULE = [
    # (name, task, every, period)
    ("email outbox", "tracker.send_outbox", 1, "minutes"),
    ("daily digests", "tracker.queue_digests", 15, "minutes"),
]


def install_schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, every, period in SCHEDULE:
        interval, _ = interval_model.objects.get_or_create(every=every, period=period)
        task_model.objects.get_or_create(name=name, defaults={"task": task, "interval": interval})


class Migration(migrations.Migration):
    dependencies = [("tracker", "0004_notifications")]

    operations = [
        migrations.RunPython(install_schedule, migrations.RunPython.noop),
        # The analysts' permissions on email: the post_migrate hook of core/apps.py.
    ]
