from django.db import migrations

from core.roles import sync_analysts_group
from tracker.schedule import install_schedule


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0002_alert"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(install_schedule, migrations.RunPython.noop),
        migrations.RunPython(sync_analysts_group, migrations.RunPython.noop),
    ]
