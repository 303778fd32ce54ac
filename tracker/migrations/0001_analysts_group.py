from django.db import migrations

from core.roles import sync_analysts_group


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("parties", "0001_initial"),
        ("commitments", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_analysts_group, migrations.RunPython.noop)]
