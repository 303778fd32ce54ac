"""Test settings: the same database choice as the environment, fast hashing, local mail."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from .base import *  # noqa: F403
from .base import REDIS_URL, env

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Real-worker tests use Redis: TEST_REDIS_URL, else REDIS_URL, else the local default
# (database 15). A queue of this run's own keeps stray messages of other runs out.
CELERY_BROKER_URL = env("TEST_REDIS_URL", default=REDIS_URL or "redis://127.0.0.1:6379/15")
# With `pytest -n` (make test) each worker has its own Redis database too: the tests' keys
# (throttle counts by user id, which every worker's database numbers alike) never meet.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1, ...
if _worker.removeprefix("gw").isdigit():
    _broker = urlsplit(CELERY_BROKER_URL)
    _database = (int(_broker.path.strip("/") or 0) - int(_worker[2:])) % 16
    CELERY_BROKER_URL = _broker._replace(path=f"/{_database}").geturl()
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 15 * 60}
CELERY_TASK_DEFAULT_QUEUE = f"tracker-test-{os.getpid()}"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: real-worker tests read and write from two threads,
    # and only a file database waits for locks (timeout, WAL) instead of failing at once.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"tracker-test-{os.getpid()}.sqlite3")}  # noqa: F405

# The cache is a table in the test database (pytest-django creates it), so that servers
# started by a test against that database share it; CACHE_URL (e.g. Redis) still wins.
if not env("CACHE_URL", default=""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "tracker_cache"}}

# Static files come from the apps' folders (no collectstatic before tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
