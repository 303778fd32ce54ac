"""The data version also counts writes to the deadline revisions and the recipients: the
cached commitment list (core.api.list_cache) shows them. Triggers only; no model change."""

from django.db import migrations

from tracker.dashboard_version import create_list_triggers, drop_list_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0016_tokens_move_to_core"),
        # After every migration that remakes these tables on SQLite (which drops triggers).
        ("commitments", "0012_dashboard_indexes"),
    ]

    operations = [migrations.RunPython(create_list_triggers, drop_list_triggers)]
