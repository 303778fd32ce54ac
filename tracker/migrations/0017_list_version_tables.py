"""The data version also counts writes to the deadline revisions and the recipients: the
cached commitment list (core.api.list_cache) shows them. Triggers only; no model change.

A frozen copy, as of this migration, of the triggers of 0014 (tracker/dashboard_version.py
says what they count and why) on two more tables; the function they call is 0014's."""

from django.db import migrations

TABLES = (
    "commitments_deadline",
    "commitments_commitment_recipients",
)
PG_EVENTS = (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))


def create_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in TABLES:
                # A trigger with a transition table takes one event only.
                for event, rows in PG_EVENTS:
                    cursor.execute(
                        f"CREATE TRIGGER tracker_dashboard_bump_{event.lower()} AFTER {event} ON {table} "
                        f"REFERENCING {rows} TABLE AS changed "
                        "FOR EACH STATEMENT EXECUTE FUNCTION tracker_dashboard_bump()"
                    )
                cursor.execute(
                    f"CREATE TRIGGER tracker_dashboard_bump_truncate AFTER TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION tracker_dashboard_bump()"
                )
        elif connection.vendor == "sqlite":
            for table in TABLES:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER tracker_dashboard_bump_{table}_{event.lower()} AFTER {event} ON {table} "  # noqa: S608
                        "BEGIN INSERT INTO tracker_dashboardversion (slot, changes) VALUES (0, 1) "
                        "ON CONFLICT (slot) DO UPDATE SET changes = changes + 1; END"
                    )


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in TABLES:
                for event, _ in PG_EVENTS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS tracker_dashboard_bump_{event.lower()} ON {table}")
                cursor.execute(f"DROP TRIGGER IF EXISTS tracker_dashboard_bump_truncate ON {table}")
        elif connection.vendor == "sqlite":
            for table in TABLES:
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS tracker_dashboard_bump_{table}_{event}")


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0016_tokens_move_to_core"),
        # After every migration that remakes these tables on SQLite (which drops triggers).
        ("commitments", "0012_dashboard_indexes"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
