"""A second click on the commitment page's Record button while the first is on its way
(an impatient double click) records one status update."""

import contextlib
import re
from datetime import date

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from commitments.models import StatusUpdate
from tests.browser.steps import LISTS, log_in
from tests.browser.test_analyst_pages import fill_record_form, obligation_status, record_form

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_second_click_on_record_records_no_second_update(page: Page, lists, analyst):
    log_in(page, analyst.username)
    page.goto(f"/commitments/{lists.pk}/")
    expect(page.get_by_role("heading", name=LISTS, level=1)).to_be_visible()
    form = record_form(page)
    fill_record_form(form, date(2020, 11, 6))

    # A second click counts when the first request is still on its way (a slow network):
    # the browser's POSTs go on to the server, and the answers are held until both are
    # sent. (Without holding them, the first answer is back before a second click.)
    url, held = f"**/commitments/{lists.pk}/", []

    def hold(route):
        if route.request.method != "POST":
            return route.continue_()
        held.append((route, route.fetch(max_redirects=0)))

    def wait_for_posts(count: int) -> None:
        for _ in range(200):
            if len(held) == count:
                return
            page.wait_for_timeout(50)
        raise AssertionError(f"{len(held)} POST(s) reached the server, not {count}")

    page.route(url, hold)
    form.get_by_role("button", name="Record").click(no_wait_after=True)
    wait_for_posts(1)
    page.keyboard.press("Enter")  # the button has the focus (click() would wait for the navigation)
    wait_for_posts(2)
    assert held[0][1].status == held[1][1].status == 302
    for route, response in held:
        with contextlib.suppress(PlaywrightError):  # the first navigation, replaced by the second
            route.fulfill(response=response)
    page.unroute(url)

    # The page tells both answers: the first recorded, the second recorded nothing.
    expect(page.get_by_role("status")).to_have_text(
        ["Status update recorded.", re.compile(r"^This form was already submitted, .* Nothing was recorded twice\.$")]
    )
    expect(obligation_status(page, "AZE")).to_have_text("Fulfilled")
    assert StatusUpdate.objects.filter(obligation__commitment=lists).count() == 1
    entries = page.get_by_role("list", name="Status updates").get_by_role("listitem").filter(has_text="AZE")
    expect(entries).to_have_count(1)
