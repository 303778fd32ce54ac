"""Secrets out of the logs: a calendar feed key travels in the feed's URL (`?token=`, as
calendar apps send no headers), and every access log writes URLs. A logging filter
redacts it from Django's loggers (settings.LOGGING) and from gunicorn's access and error
logs (gunicorn.conf.py's logger class)."""

import logging
import re

from gunicorn.glogging import Logger

SECRET_PARAMETER = re.compile(r"([?&;]token=)[^&;\s\"']*", re.IGNORECASE)


def redact(text: str) -> str:
    return SECRET_PARAMETER.sub(r"\1[redacted]", text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message with ``?token=`` values redacted, before any handler
    (or a parent logger's handler) formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_redact = RedactSecrets()


class RedactingGunicornLogger(Logger):
    """gunicorn's logger, its access log (the request line) and error log (which names
    the URL of a request that failed) redacted."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(_redact)  # the same instance: a configuration reload adds it once
