from django.apps import AppConfig
from django.db.models.signals import post_migrate


def sync_roles(sender, using, apps=None, plan=None, **kwargs) -> None:
    """The roles' groups follow core.roles after every migrate: a rule of the live code,
    not a frozen step of one migration (Django itself makes permissions this way). Only
    after ``migrate`` (``plan`` given, ``apps`` its state): a flush leaves the tables empty
    as before, so that a test's serialized rollback restores its own rows."""
    if plan is None:
        return
    from .roles import sync_analysts_group

    sync_analysts_group(apps, using)


class CoreConfig(AppConfig):
    """Shared foundations: roles and access, the API's base, tokens, idempotency, the
    history admin. Imports none of parties, commitments or tracker (docs/architecture.md)."""

    name = "core"
    verbose_name = "Access"

    def ready(self) -> None:
        from .api import schema  # noqa: F401  (registers the token schemes with drf-spectacular)

        post_migrate.connect(sync_roles, sender=self)
