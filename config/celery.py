"""The Celery app. Configured from Django settings (CELERY_* names); tasks are found in
each app's tasks.py. Broker: Redis when REDIS_URL is set, else an embedded filesystem
broker under var/ that needs no server (for a laptop; production uses Redis)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
