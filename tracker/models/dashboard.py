from django.db import models


class DashboardVersion(models.Model):
    """Counts of writes to what the dashboard's charts show, kept by database triggers
    (migration 0014) so that every write path (ORM, bulk updates, imports, raw SQL) moves
    it in the same transaction. The charts are cached under the sum of ``changes``.

    Several slots on PostgreSQL: concurrent writers bump different rows (one row would
    make every writing transaction wait for the previous one to commit)."""

    slot = models.PositiveSmallIntegerField(primary_key=True)
    changes = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"slot {self.slot}: {self.changes}"
