"""Settings modules: ``base`` (shared, from the environment), ``local`` (development,
the default of manage.py), ``production`` (the default of wsgi/asgi), ``test``."""
