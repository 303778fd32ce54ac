"""Development settings: the default of manage.py. DEBUG is on unless DEBUG=false."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# Development only: a fixed key so sessions survive restarts. production.py refuses this.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-development-key-not-for-production")
