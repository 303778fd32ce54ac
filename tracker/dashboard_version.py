"""The dashboard's data version: database triggers count every write to the tables the
charts show (tracker.models.DashboardVersion); the charts are cached under the count.

The triggers' SQL lives, frozen, in the migration that made them (0014): a migration that
changes them carries its own copy. SQLite drops a table's triggers when a migration remakes
the table (an altered column): such a migration must create them again, from its own copy
(tests/tracker/test_dashboard_version.py checks that every table below has them)."""

# The tables whose rows the dashboard's charts show: what the triggers must count.
TABLES = (
    "commitments_obligation",
    "commitments_commitment",
    "commitments_agreement",
    "commitments_statusupdate",
    "parties_party",
)
