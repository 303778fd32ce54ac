"""The analysts' pages in a real browser (issue 6): Chromium drives the live server, finds
fields by their labels and controls by their roles, so the pages must be labelled and
usable by keyboard for these tests to pass."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from commitments import services
from commitments.models import StatusUpdate
from tests.browser.steps import LISTS, log_in

# Migrations create the analysts group and the beat schedule: a plain flush after these
# transactional tests would delete them for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SUMMARY = "The ICRC confirms it received Azerbaijan's list of prisoners of war."
NOTE = "Confirmed by phone with the ICRC delegation in Baku."
SOURCE_URL = "https://example.org/icrc-statement-6-nov"


def obligation_status(page: Page, code: str):
    """The status cell of one party's row in the obligations table (the party's name is
    the row's header, the status its first cell)."""
    row = page.get_by_role("row", name=re.compile(rf"\({code}\)"))
    return row.get_by_role("cell").first


def record_form(page: Page):
    return page.get_by_role("form", name="Record a status update")


def fill_record_form(form, effective_on: date, url: str | None = SOURCE_URL) -> None:
    form.get_by_role("combobox", name="Party").select_option("AZE")
    form.get_by_label("New status").select_option(label="Fulfilled")
    form.get_by_label("Effective date").fill(effective_on.isoformat())
    form.get_by_label("Public summary").fill(SUMMARY)
    form.get_by_label("Confidence").select_option(label="High")
    form.get_by_label("Source: publisher").fill("ICRC")
    if url is not None:
        form.get_by_label("Source: URL").fill(url)
    form.get_by_label("Source: publication date").fill("2020-11-06")
    form.get_by_label("Internal note (analysts only)").fill(NOTE)


def test_an_analyst_records_that_azerbaijan_submitted_its_list(page: Page, lists, analyst, screenshot):
    log_in(page, analyst.username)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()

    # The dashboard lists the POW lists among what is overdue, for Azerbaijan too.
    overdue = page.get_by_role("region", name=re.compile(r"^Overdue"))
    aze_row = (
        overdue.get_by_role("row")
        .filter(has=page.get_by_role("link", name=LISTS, exact=True))
        .filter(has=page.get_by_role("cell", name="AZE", exact=True))
    )
    expect(aze_row).to_have_count(1)
    expect(aze_row).to_contain_text("Overdue")
    screenshot(page, "dashboard")

    aze_row.get_by_role("link", name=LISTS, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/commitments/{lists.pk}/$"))
    expect(page.get_by_role("heading", name=LISTS, level=1)).to_be_visible()
    expect(obligation_status(page, "AZE")).to_have_text("Not started")
    expect(page.get_by_role("list", name="Status updates")).to_contain_text("No update recorded yet.")

    # Every field of both forms has a label of its own (no two forms share an id).
    extend = page.get_by_role("form", name="Extend the deadline")
    for label in ("New due date", "Reason", "Source: publisher", "Source: URL", "Source: publication date"):
        expect(extend.get_by_label(label)).to_be_editable()

    form = record_form(page)
    fill_record_form(form, date(2020, 11, 6), url=None)
    # Keyboard: Tab moves from the publisher to the URL, and Enter there submits.
    form.get_by_label("Source: publisher").focus()
    page.keyboard.press("Tab")
    url = form.get_by_label("Source: URL")
    expect(url).to_be_focused()
    page.keyboard.type(SOURCE_URL)
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_have_text("Status update recorded.")
    # Redirected after the POST to the top of the page, where the confirmation is.
    expect(page).to_have_url(re.compile(rf"/commitments/{lists.pk}/#content$"))
    expect(page.get_by_role("status")).to_be_in_viewport()
    expect(obligation_status(page, "AZE")).to_have_text("Fulfilled")
    expect(obligation_status(page, "ARM")).to_have_text("Not started")
    # Fulfilled is no longer overdue, at once (not at the next sweep); Armenia still is.
    expect(page.get_by_role("row", name=re.compile(r"\(AZE\)"))).not_to_contain_text("Overdue")
    expect(page.get_by_role("row", name=re.compile(r"\(ARM\)"))).to_contain_text("Overdue")

    timeline = page.get_by_role("list", name="Status updates")
    entry = timeline.get_by_role("listitem").filter(has_text="AZE")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("6 Nov 2020")
    expect(entry).to_contain_text("Fulfilled")
    expect(entry).to_contain_text("confidence high")
    expect(entry).to_contain_text(SUMMARY)
    expect(entry.get_by_role("link", name="ICRC", exact=True)).to_have_attribute("href", SOURCE_URL)
    expect(entry).to_contain_text("ICRC (6 Nov 2020)")
    expect(entry).to_contain_text(f"Internal note: {NOTE}")  # analysts see internal notes
    screenshot(page, "commitment")

    update = StatusUpdate.objects.get(obligation__commitment=lists)
    assert (update.obligation.party.code, update.status, update.effective_on) == ("AZE", "fulfilled", date(2020, 11, 6))
    assert (update.internal_note, update.recorded_by) == (NOTE, analyst)
    assert list(update.sources.values_list("publisher", "url", "published_on")) == [
        ("ICRC", SOURCE_URL, date(2020, 11, 6))
    ]


def test_an_invalid_form_shows_the_error_at_the_field_and_keeps_the_input(page: Page, lists, analyst, screenshot):
    log_in(page, analyst.username)
    search = page.get_by_role("searchbox", name="Search commitments")
    search.fill("prisoners")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=prisoners$"))
    page.get_by_role("link", name=LISTS, exact=True).click()
    expect(page.get_by_role("heading", name=LISTS, level=1)).to_be_visible()

    form = record_form(page)
    future = date.today() + timedelta(days=10)
    fill_record_form(form, future)

    # A missing publisher: the browser itself refuses to send the form.
    publisher = form.get_by_label("Source: publisher")
    publisher.fill("")
    form.get_by_role("button", name="Record").click()
    assert publisher.evaluate("field => field.validity.valueMissing")
    expect(publisher).to_be_focused()
    expect(page.get_by_role("status")).to_have_count(0)

    # An effective date in the future: the server refuses it, next to the field.
    publisher.fill("ICRC")
    form.get_by_role("button", name="Record").click()
    effective = form.get_by_label("Effective date")
    expect(effective).to_have_attribute("aria-invalid", "true")
    expect(effective).to_have_accessible_description(re.compile(r"The effective date is in the future\.$"))
    expect(form.get_by_role("listitem").filter(has_text="The effective date is in the future.")).to_be_visible()
    screenshot(page, "commitment-invalid-form")

    # What was typed is kept, so fixing the date is enough.
    expect(effective).to_have_value(future.isoformat())
    expect(form.get_by_role("combobox", name="Party")).to_have_value("AZE")
    expect(form.get_by_label("New status")).to_have_value("fulfilled")
    expect(form.get_by_label("Public summary")).to_have_value(SUMMARY)
    expect(form.get_by_label("Confidence")).to_have_value("high")
    expect(form.get_by_label("Source: publisher")).to_have_value("ICRC")
    expect(form.get_by_label("Source: URL")).to_have_value(SOURCE_URL)
    expect(form.get_by_label("Source: publication date")).to_have_value("2020-11-06")
    expect(form.get_by_label("Internal note (analysts only)")).to_have_value(NOTE)
    expect(form.get_by_role("combobox", name="Party")).not_to_have_attribute("aria-invalid", "true")
    for label in ("New status", "Public summary", "Source: publisher", "Source: URL"):
        expect(form.get_by_label(label)).not_to_have_attribute("aria-invalid", "true")
    expect(obligation_status(page, "AZE")).to_have_text("Not started")
    assert not StatusUpdate.objects.filter(obligation__commitment=lists).exists()

    effective.fill("2020-11-06")
    form.get_by_role("button", name="Record").click()
    expect(page.get_by_role("status")).to_have_text("Status update recorded.")
    expect(obligation_status(page, "AZE")).to_have_text("Fulfilled")
    assert StatusUpdate.objects.get(obligation__commitment=lists).effective_on == date(2020, 11, 6)


def test_a_partner_sees_the_update_without_the_internal_note_and_no_form(
    page: Page, lists, analyst, partner, screenshot
):
    services.status_update_record(
        commitment=lists,
        party=lists.obligations.get(party__code="AZE").party,
        status="fulfilled",
        effective_on=date(2020, 11, 6),
        summary=SUMMARY,
        sources=[services.SourceInput(publisher="ICRC", url=SOURCE_URL, published_on=date(2020, 11, 6))],
        confidence="high",
        internal_note=NOTE,
        user=analyst,
    )
    log_in(page, partner.username)
    page.get_by_role("link", name=LISTS, exact=True).first.click()
    expect(page.get_by_role("heading", name=LISTS, level=1)).to_be_visible()

    expect(obligation_status(page, "AZE")).to_have_text("Fulfilled")
    entry = page.get_by_role("list", name="Status updates").get_by_role("listitem").filter(has_text="AZE")
    expect(entry).to_contain_text(SUMMARY)
    expect(entry.get_by_role("link", name="ICRC", exact=True)).to_have_attribute("href", SOURCE_URL)
    expect(page.get_by_text(NOTE)).to_have_count(0)
    expect(page.get_by_text("Internal note")).to_have_count(0)

    # A partner reads: the only forms are the as-of day picker (GET) and Watch (their own
    # email alerts); nothing that writes to the commitment.
    main = page.get_by_role("main")
    expect(main.locator("form:not(.as-of):not(.watch)")).to_have_count(0)
    expect(main.locator("input:not([type=hidden]):not(#as-of-day), textarea, select")).to_have_count(0)
    reading = re.compile("^(Show|Watch this commitment)$")
    expect(main.get_by_role("button").filter(has_not_text=reading)).to_have_count(0)
    expect(page.get_by_role("heading", name="Record a status update")).to_have_count(0)
    screenshot(page, "commitment-partner")
