from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the signal receivers)
        from .api import schema  # noqa: F401  (registers the token schemes with drf-spectacular)
