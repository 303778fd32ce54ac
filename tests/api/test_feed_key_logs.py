"""A calendar feed key sits in the feed's URL (calendar apps send no headers), so every log
line that carries the URL redacts it: Django's development server and request loggers,
and gunicorn's access and error logs."""

import logging
import threading
from io import StringIO

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

from tests.servers import get, gunicorn

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def feed_key(user) -> str:
    out = StringIO()
    call_command("issue_token", user.username, "--feed", stdout=out, stderr=StringIO())
    return out.getvalue().strip()


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def test_the_development_server_log_does_not_contain_the_feed_key(partner, azerbaijan):
    key = feed_key(partner)
    collected = Collect()
    loggers = [logging.getLogger(name) for name in ("django.server", "django.request")]
    for logger in loggers:
        logger.addHandler(collected)
    # `manage.py runserver`'s own server and request handler, in a thread.
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        ok, _ = get(f"{base}/api/v1/deadlines.ics?party=AZE&token={key}")
        refused, _ = get(f"{base}/api/v1/deadlines.ics?token={key}x")
    finally:
        server.shutdown()
        server.server_close()
        for logger in loggers:
            logger.removeHandler(collected)
    assert (ok, refused) == (200, 401)
    requests = [line for line in collected.lines if "deadlines.ics" in line]
    assert len(requests) >= 2, collected.lines
    assert not [line for line in collected.lines if key in line]
    assert "GET /api/v1/deadlines.ics?party=AZE&token=[redacted] HTTP/1.1" in "\n".join(requests)


def test_gunicorn_access_and_error_logs_do_not_contain_the_feed_key(partner, azerbaijan, tmp_path):
    key = feed_key(partner)
    log = tmp_path / "gunicorn.log"
    # Access logging on, as an operator would switch it on.
    with gunicorn(log, "--access-logfile", "-", "--error-logfile", "-") as url:
        assert get(f"{url}/api/v1/deadlines.ics?token={key}&party=AZE")[0] == 200
        assert get(f"{url}/api/v1/deadlines.ics?token={key}x")[0] == 401
    text = log.read_text()
    assert text.count("/api/v1/deadlines.ics?token=[redacted]") == 2, text
    assert key not in text
