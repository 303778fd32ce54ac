"""Settings shared by every environment, read from the environment with django-environ.

Every variable is listed in README.md ("Configuration"). Defaults are safe for a laptop:
SQLite inside the project and no external service required.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A .env file in the project root is optional; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Database: SQLite file inside the project unless DATABASE_URL names another.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: WAL lets readers and a writer work at once, and
    # IMMEDIATE transactions wait for the write lock instead of failing mid-transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is the message broker in production (used by the deadline engine).
REDIS_URL = env("REDIS_URL", default="")

# The cache every process shares (web workers, Celery): API throttle counts live in it, so
# that N workers allow the rate once, not N times. CACHE_URL names one; else Redis at
# REDIS_URL's server in the next database number (clearing the cache flushes its whole
# database: never Celery's queue); else a table in the database (made by `migrate`).
CACHE_URL = env("CACHE_URL", default="")
# Redis through utilities.redis_cache: Django's backend, minus a client built per call.
REDIS_CACHE = "utilities.redis_cache.RedisCache"
if CACHE_URL:
    CACHES = {"default": env.cache_url_config(CACHE_URL)}
    if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        CACHES["default"]["BACKEND"] = REDIS_CACHE
elif REDIS_URL:
    _broker = urlsplit(REDIS_URL)
    _database = (int(_broker.path.strip("/") or 0) + 1) % 16
    CACHES = {
        "default": {
            "BACKEND": REDIS_CACHE,
            "LOCATION": _broker._replace(path=f"/{_database}").geturl(),
            "KEY_PREFIX": "tracker",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "tracker_cache"}}

# Mail: EMAIL_URL such as smtp://user:pass@host:587/?tls=True; console by default.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="tracker@localhost")

TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en-gb"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "django_celery_beat",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "axes",
    "csp",
    "core",
    "parties",
    "commitments",
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "utilities.middleware.RefuseNulInQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the request's user on every historical row written during the request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in lockout (django-axes), on /accounts/login/ and /admin/login/ alike. Failures are
# counted per username (many addresses guessing one account) and, separately, per address
# (one address trying many accounts); either reaching the limit locks it out, even with the
# right password, until LOGIN_COOLOFF_MINUTES after the last failure. Kept in the database:
# shared by every process, kept across restarts, and listed (and cleared) in the admin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# The client's address: REMOTE_ADDR unless the site is behind proxies that set a header
# the client cannot forge (then e.g. HTTP_X_FORWARDED_FOR,REMOTE_ADDR and the proxy count).
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("AXES_IPWARE_META_PRECEDENCE_ORDER", default=["REMOTE_ADDR"])
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=None)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# History is read-only in the admin: a past version can be viewed, never restored over
# the present (restoring would rewrite status and deadlines without a source).
SIMPLE_HISTORY_REVERT_DISABLED = True
# Reasons are free text (a deadline extension's reason can be long).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# REST API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.auth.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Every view must declare its permission; one that forgets denies everyone.
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.DenyAll"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON with a depth limit (tracker/api/parsers.py), then DRF's other default parsers.
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # DRF's UserRateThrottle, counted in slices of the window (constant work per request).
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.SlicedUserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env("API_THROTTLE_RATE", default="5000/hour")},
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ceasefire Commitment Tracker API",
    "DESCRIPTION": "Commitments made in ceasefire talks, who they bind, when they fall due, and whether "
    "they were kept. Partners read with a token; analysts write.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AgreementKindEnum": "commitments.choices.AgreementKind",
        "PartyKindEnum": "parties.choices.PartyKind",
        "AlertKindEnum": "tracker.choices.AlertKind",
        "IncidentRoleEnum": "commitments.choices.IncidentRole",
        "DeadlineKindEnum": [("date", "date"), ("relative", "relative")],
    },
}
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"

# Celery: the deadline engine.
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost/"
if REDIS_URL:
    # A task not acknowledged within the visibility timeout is delivered again. Every
    # task ends within CELERY_TASK_TIME_LIMIT (10 min), so 15 min never re-runs a live task,
    # and nothing is scheduled with an ETA or countdown (reminders come from beat and the
    # database), so no delay ever exceeds it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 15 * 60}
else:
    BROKER_DIR = BASE_DIR / "var" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    for folder in ("queue", "processed", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ACKS_LATE = True  # a task is acknowledged when done, not when received...
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # ...and requeued if its worker process dies
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = None  # no result backend: nothing for beat to clean up
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Publishing from a request gives up quickly when the broker is down (the save stands;
# the next scheduled sweep catches up) instead of holding the request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Email alerts.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
TRACKER_OUTBOX_BATCH = env.int("OUTBOX_BATCH", default=200)  # messages per SMTP connection
TRACKER_OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
TRACKER_OUTBOX_BACKOFF = 60  # seconds before the first retry; doubles each time...
TRACKER_OUTBOX_BACKOFF_MAX = 3600  # ...up to an hour
TRACKER_OUTBOX_CLAIM_TIMEOUT = 10 * 60  # a batch claimed longer ago than this is released
EMAIL_TIMEOUT = 30

# Deadline engine: days before a due moment at which due-soon alerts are raised.
TRACKER_REMINDER_LEAD_DAYS = env.list("REMINDER_LEAD_DAYS", cast=int, default=[7, 1])

# Content-Security-Policy (django-csp): only the site's own scripts, styles and images; the
# few inline <style>/<script> elements (badge colours, the charts' SVG, the API docs'
# start-up script) carry the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Calendar feed keys are in the feed's URL: redacted from the loggers that write URLs.
    "filters": {"redact_secrets": {"()": "config.logs.RedactSecrets"}},
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "loggers": {
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_secrets"],
        },
        "django.request": {"filters": ["redact_secrets"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Four eyes: when on, the analyst who last changed a draft agreement (or its commitments)
# cannot publish it; another analyst must.
PUBLISH_FOUR_EYES = env.bool("PUBLISH_FOUR_EYES", default=False)

# A request body may be as large as an agreement document (5 MB, commitments/documents):
# Django's default 2.5 MB would refuse a document the importer takes, with no word of why.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024 + 64 * 1024
