from django.db import migrations

from core.roles import sync_analysts_group


class Migration(migrations.Migration):
    dependencies = [("tracker", "0006_api_tokens")]

    operations = [migrations.RunPython(sync_analysts_group, migrations.RunPython.noop)]
