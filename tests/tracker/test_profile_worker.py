"""The profile's email change through a real Celery worker and a real SMTP server: the
link is sent by the worker, and opening it changes the address."""

from tests.tracker.test_email import links, path
from tests.tracker.test_worker import wait_for

NEW = "new.address@tracker.example"


def test_the_worker_sends_the_email_change_link_and_opening_it_changes_the_address(
    celery_worker, smtp_server, client, analyst
):
    analyst.email = "ana@tracker.example"
    analyst.save()
    client.force_login(analyst)
    assert client.post("/account/", {"action": "email", "email": NEW}).status_code == 302
    assert wait_for(lambda: len(smtp_server.handler.to(NEW)) == 1)
    (mail,) = smtp_server.handler.to(NEW)
    assert mail["Subject"] == "Confirm your new email address for the Ceasefire Commitment Tracker"
    (link,) = [u for u in links(mail) if "/account/email/" in u]
    analyst.refresh_from_db()
    assert analyst.email == "ana@tracker.example"  # not before the link is opened
    assert client.get(path(link)).status_code == 200
    analyst.refresh_from_db()
    assert analyst.email == NEW
