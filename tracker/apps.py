from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(using, **kwargs) -> None:
    """`migrate` also makes the database cache's table (when settings.CACHES uses one):
    no separate `createcachetable` step to forget on a deployment."""
    call_command("createcachetable", database=using, verbosity=0)


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"

    def ready(self) -> None:
        from core.api import list_cache

        from . import receivers  # noqa: F401  (connects the signal receivers)
        from .dashboard_charts import data_version

        # The cached API lists are keyed by the data version, which core cannot import.
        list_cache.register_data_version(data_version)

        post_migrate.connect(create_cache_table, sender=self)
