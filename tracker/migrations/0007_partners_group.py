from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tracker", "0006_api_tokens")]

    # The analysts and partners groups follow core.roles, kept in step after every migrate by a
    # post_migrate hook (core/apps.py): this migration no longer runs the live code.
    operations = []
