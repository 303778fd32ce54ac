"""Watch in a real browser: one click on a commitment's page, and the confirmation email
arrives at a real SMTP server, sent by a real Celery worker with no admin step; the
link confirms the address and the profile lists the subscription."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import log_in
from tests.tracker.conftest import celery_worker  # noqa: F401  (a fixture)
from tests.tracker.test_email import links, path
from tests.tracker.test_worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ADDRESS = "ana@tracker.example"
WIDTHS = {1280: 900, 390: 844}


@pytest.mark.parametrize("width", WIDTHS)
def test_watch_then_the_worker_sends_the_confirmation_and_the_profile_lists_it(
    page: Page,
    lists,
    analyst,
    celery_worker,  # noqa: F811
    smtp_server,
    screenshot,
    width,
):
    analyst.email = ADDRESS
    analyst.save()
    page.set_viewport_size({"width": width, "height": WIDTHS[width]})
    log_in(page, analyst.username)
    page.goto(f"/commitments/{lists.pk}/")
    page.get_by_role("button", name="Watch this commitment").click()
    expect(page.get_by_role("status").filter(has_text=f"We sent a confirmation link to {ADDRESS}")).to_be_visible()
    watch = page.get_by_role("form", name="Email alerts about this commitment")
    expect(watch.get_by_text("Watching", exact=True)).to_be_visible()
    expect(watch.get_by_role("button", name="Stop watching")).to_be_visible()
    screenshot(page, f"watch-{width}")

    # No admin step: the worker sends the confirmation by itself.
    assert wait_for(lambda: len(smtp_server.handler.to(ADDRESS)) == 1)
    (mail,) = smtp_server.handler.to(ADDRESS)
    assert mail["Subject"] == "Confirm your email address for ceasefire commitment alerts"
    (link,) = [u for u in links(mail) if "/alerts/confirm/" in u]
    page.goto(path(link))
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("confirmed", re.IGNORECASE))

    page.get_by_role("link", name="Profile").click()
    subscriptions = page.locator("#subscriptions + table")
    expect(subscriptions).to_contain_text(f"Commitment {lists.reference}: {lists.title}")
    expect(subscriptions).to_contain_text("active")
    page.get_by_role("button", name="Create my calendar link").click()
    feed = page.get_by_role("textbox", name="Calendar link")
    expect(feed).to_have_value(re.compile(r"^http://.+/api/v1/.+\?token=.{20,}$"))
    screenshot(page, f"profile-{width}")

    page.goto(f"/commitments/{lists.pk}/")
    page.get_by_role("button", name="Stop watching").click()
    expect(page.get_by_role("button", name="Watch this commitment")).to_be_visible()
