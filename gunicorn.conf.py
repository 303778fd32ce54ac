"""gunicorn's production settings, read by `gunicorn config.wsgi` from the project root.

Each can be moved by an environment variable (README.md, "Production"); the defaults are
what benchmarks/load.py measures.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi"
# Behind a reverse proxy that terminates TLS; PORT as set by most process managers.
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# Sync workers: each request holds one process, so a slow one cannot stall the others, and
# the ORM's connections need no care. 2 x cores + 1 keeps the cores busy while some workers
# wait on PostgreSQL (gunicorn's own advice).
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
# A request past this is killed and its worker restarted: it stops a runaway, not an export.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle workers now and then so that a slow leak cannot grow without bound; the jitter
# keeps them from restarting together.
max_requests = 1000
max_requests_jitter = 100
# Trust X-Forwarded-* (SECURE_PROXY_SSL_HEADER) only from the proxy on this host by default.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Feed keys (?token=) are redacted from the access and error logs: config/logs.py.
logger_class = "config.logs.RedactingGunicornLogger"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
