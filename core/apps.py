from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared foundations: roles and access, the API's base, tokens, idempotency, the
    history admin. Imports none of parties, commitments or tracker (docs/architecture.md)."""

    name = "core"
    verbose_name = "Access"

    def ready(self) -> None:
        from .api import schema  # noqa: F401  (registers the token schemes with drf-spectacular)
