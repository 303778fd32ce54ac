"""The as-of date picker in a real browser, on a laptop and a phone: an analyst picks a
day on the Geneva agreement's page by keyboard, reads the statuses of that day under a
banner, and goes back to today."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from commitments import services
from commitments.choices import Status
from tests.browser.steps import LISTS, log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {1280: {"width": 1280, "height": 900}, 390: {"width": 390, "height": 844}}


def _record(commitment, code: str, status: str, effective_on: date, summary: str, user) -> None:
    services.status_update_record(
        commitment=commitment,
        party=commitment.obligations.get(party__code=code).party,
        status=status,
        effective_on=effective_on,
        summary=summary,
        sources=[services.SourceInput(publisher="ICRC", published_on=effective_on)],
        user=user,
    )


def lists_row(page: Page):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=LISTS, exact=True))


@pytest.mark.parametrize("width", VIEWPORTS)
def test_an_analyst_reads_the_geneva_agreement_as_of_10_november(page: Page, lists, analyst, screenshot, width):
    _record(lists, "ARM", Status.IN_PROGRESS, date(2020, 11, 3), "Armenia says its lists are being compiled.", analyst)
    _record(lists, "AZE", Status.FULFILLED, date(2020, 11, 12), "Azerbaijan handed its lists to the ICRC.", analyst)
    page.set_viewport_size(VIEWPORTS[width])
    log_in(page, analyst.username)
    page.goto(f"/commitments/agreements/{lists.agreement_id}/")
    expect(lists_row(page)).to_contain_text("AZE: Fulfilled")

    picker = page.get_by_role("form", name="Status as of a day")
    day = picker.get_by_label("Status as of")
    day.focus()
    day.fill("2020-11-10")
    # Tab moves within the date's own fields in Chromium; Enter submits the form, as on
    # any text field; Shift+Tab back from the button would be the same.
    picker.get_by_role("button", name="Show").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"\?as_of=2020-11-10$"))
    expect(page.get_by_text("Status as of 10 Nov 2020")).to_be_visible()
    row = lists_row(page)
    expect(row).to_contain_text("ARM: In progress")
    expect(row).to_contain_text("AZE: Not started")
    expect(row).to_contain_text("ARM overdue, 4 days late")
    expect(row).to_contain_text("AZE overdue, 4 days late")
    expect(row).to_contain_text("In progress effective 3 Nov 2020: Armenia says its lists are being compiled.")
    expect(row).not_to_contain_text("Azerbaijan handed its lists")
    expect(picker.get_by_label("Status as of")).to_have_value("2020-11-10")
    screenshot(page, f"asof-{width}")

    page.get_by_role("link", name="Back to today").click()
    expect(page).to_have_url(re.compile(rf"/commitments/agreements/{lists.agreement_id}/$"))
    expect(page.get_by_text("Status as of 10 Nov 2020")).to_have_count(0)
    expect(lists_row(page)).to_contain_text("AZE: Fulfilled")
    expect(lists_row(page)).to_contain_text("Fulfilled effective 12 Nov 2020: Azerbaijan handed its lists to the ICRC.")


def test_a_day_that_is_not_one_is_shown_at_the_picker(page: Page, lists, analyst):
    log_in(page, analyst.username)
    response = page.goto(f"/commitments/agreements/{lists.agreement_id}/?as_of=2020-02-30")
    assert response.status == 400
    picker = page.get_by_role("form", name="Status as of a day")
    expect(picker).to_contain_text("'2020-02-30' is not a date")
    expect(picker.get_by_label("Status as of")).to_have_attribute("aria-invalid", "true")
