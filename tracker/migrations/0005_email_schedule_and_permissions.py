from django.db import migrations

from core.roles import sync_analysts_group
from tracker.schedule import install_schedule


class Migration(migrations.Migration):
    dependencies = [("tracker", "0004_notifications")]

    operations = [
        migrations.RunPython(install_schedule, migrations.RunPython.noop),
        migrations.RunPython(sync_analysts_group, migrations.RunPython.noop),
    ]
