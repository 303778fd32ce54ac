"""gunicorn's settings, read by `gunicorn config.wsgi` from the project root."""

wsgi_app = "config.wsgi"
# Feed keys (?token=) are redacted from the access and error logs: config/logs.py.
logger_class = "config.logs.RedactingGunicornLogger"
accesslog = "-"
