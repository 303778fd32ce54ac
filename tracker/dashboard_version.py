"""The data version: database triggers that count every write to the tables the
dashboard's charts and the cached API lists show (tracker.models.DashboardVersion),
created by migrations 0014 (the charts' tables) and 0017 (the lists' other tables).

SQLite drops a table's triggers when a migration remakes the table (an altered column):
such a migration must call ``create_triggers`` again (a test checks they are all there)."""

# The tables whose rows the dashboard's charts show (see tracker.models.DashboardVersion):
# migration 0014's triggers.
CHART_TABLES = (
    "commitments_obligation",
    "commitments_commitment",
    "commitments_agreement",
    "commitments_statusupdate",
    "parties_party",
)
# What the commitment list shows besides (core.api.list_cache): the deadline revisions and
# the recipients. Migration 0017's triggers.
LIST_TABLES = (
    "commitments_deadline",
    "commitments_commitment_recipients",
)
TABLES = CHART_TABLES + LIST_TABLES
SLOTS = 64
PG_EVENTS = (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))

# One bump per statement that changed rows (a statement that changed none, such as a sweep
# with nothing to flag every five minutes, must not throw the cached charts away: the
# transition table ``changed`` holds the statement's rows). The slot: the first one no other
# transaction holds, from one chosen by the backend (SKIP LOCKED: a writer never waits for
# another's slot, so the trigger adds no lock wait and no deadlock); a transaction may reuse
# its own slot. Only when all slots are held does it wait. UPSERT: no lost increment, and
# rows reappear after a flush.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_dashboard_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    chosen smallint;
BEGIN
    IF TG_OP <> 'TRUNCATE' THEN  -- nested: a TRUNCATE trigger has no ``changed`` to plan
        IF NOT EXISTS (SELECT 1 FROM changed) THEN
            RETURN NULL;
        END IF;
    END IF;
    SELECT slot INTO chosen FROM tracker_dashboardversion
        ORDER BY (slot - pg_backend_pid() % @SLOTS + @SLOTS) % @SLOTS LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF chosen IS NULL THEN
        chosen := pg_backend_pid() % @SLOTS;
    END IF;
    INSERT INTO tracker_dashboardversion (slot, changes) VALUES (chosen, 1)
        ON CONFLICT (slot) DO UPDATE SET changes = tracker_dashboardversion.changes + 1;
    RETURN NULL;
END
$$;
""".replace("@SLOTS", str(SLOTS))


def create_triggers(apps, schema_editor, tables=CHART_TABLES):
    """Migration 0014: the counters, the function and the charts' tables' triggers."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "INSERT INTO tracker_dashboardversion (slot, changes) SELECT s, 0 FROM generate_series(0, %s) s",
                [SLOTS - 1],
            )
            cursor.execute(PG_FUNCTION)
        elif connection.vendor == "sqlite":
            # SQLite has row triggers only; it has one writer at a time, so one slot.
            cursor.execute("INSERT INTO tracker_dashboardversion (slot, changes) VALUES (0, 0)")
    create_table_triggers(schema_editor, tables)


def create_table_triggers(schema_editor, tables) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables:
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
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER tracker_dashboard_bump_{table}_{event.lower()} AFTER {event} ON {table} "  # noqa: S608
                        "BEGIN INSERT INTO tracker_dashboardversion (slot, changes) VALUES (0, 1) "
                        "ON CONFLICT (slot) DO UPDATE SET changes = changes + 1; END"
                    )


def drop_triggers(apps, schema_editor, tables=CHART_TABLES):
    """Migration 0014 backwards: the charts' tables' triggers and the function."""
    drop_table_triggers(schema_editor, tables)
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP FUNCTION IF EXISTS tracker_dashboard_bump()")


def drop_table_triggers(schema_editor, tables) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables:
                for event, _ in PG_EVENTS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS tracker_dashboard_bump_{event.lower()} ON {table}")
                cursor.execute(f"DROP TRIGGER IF EXISTS tracker_dashboard_bump_truncate ON {table}")
        elif connection.vendor == "sqlite":
            for table in tables:
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS tracker_dashboard_bump_{table}_{event}")


def create_list_triggers(apps, schema_editor):
    """Migration 0017: the list's other tables (LIST_TABLES) move the version too."""
    create_table_triggers(schema_editor, LIST_TABLES)


def drop_list_triggers(apps, schema_editor):
    drop_table_triggers(schema_editor, LIST_TABLES)
