from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("parties", "0001_initial"),
        ("commitments", "0001_initial"),
    ]

    # The analysts and partners groups follow core.roles, kept in step after every migrate by a
    # post_migrate hook (core/apps.py): this migration no longer runs the live code.
    operations = []
