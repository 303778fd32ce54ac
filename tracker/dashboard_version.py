"""The data version: database triggers count every write to the tables that the
dashboard's charts and the cached API lists show (tracker.models.DashboardVersion); the
charts and the list pages are cached under the count.

The triggers' SQL lives, frozen, in the migrations that made them (0014: the charts'
tables; 0017: the lists' other tables): a migration that changes them carries its own copy.
SQLite drops a table's triggers when a migration remakes the table (an altered column):
such a migration must create them again, from its own copy
(tests/tracker/test_dashboard_version.py checks that every table below has them)."""

# The tables whose rows the dashboard's charts show (migration 0014's triggers).
CHART_TABLES = (
    "commitments_obligation",
    "commitments_commitment",
    "commitments_agreement",
    "commitments_statusupdate",
    "parties_party",
)
# What the cached commitment list shows besides (core.api.list_cache): the deadline
# revisions and the recipients (migration 0017's triggers).
LIST_TABLES = (
    "commitments_deadline",
    "commitments_commitment_recipients",
)
# Every table the triggers must count.
TABLES = CHART_TABLES + LIST_TABLES
