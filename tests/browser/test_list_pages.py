"""The agreements list, the parties list, a party's page and the party form in a real
browser, by keyboard, on a laptop and on a 390 px phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from parties.models import Party
from tests.browser.steps import log_in
from tests.commitments.list_helpers import draft_agreement

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GENEVA = "Statement of the OSCE Minsk Group co-chairs on the Geneva meeting"
MOSCOW = "Moscow joint statement on a humanitarian ceasefire"
DRAFT = "Secret draft truce"
NAME = re.compile(r"^Name:?$")  # not "Short name"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def draft(lists, analyst):
    return draft_agreement(Party.objects.get(code="AZE"), analyst, title=DRAFT)


def tab_to(page: Page, locator, limit: int = 60) -> None:
    """Press Tab until ``locator`` has the focus, as a keyboard user does."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def fits(page: Page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page is {width[0]} px wide on a {width[1]} px screen"


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["laptop", "phone"])
def test_an_analyst_filters_and_sorts_the_agreements_by_keyboard(page: Page, draft, analyst, viewport):
    if viewport:
        page.set_viewport_size(viewport)
    log_in(page, analyst.username)
    nav = page.get_by_role("navigation", name="Main")
    tab_to(page, nav.get_by_role("link", name="Agreements", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Agreements", level=1)).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("caption")).to_have_text("4 agreements")
    expect(table.get_by_role("row").filter(has_text=DRAFT)).to_contain_text("Draft")
    fits(page)

    # Party: Armenia, status: violated, chosen from the keyboard; Enter in the words submits.
    form = page.get_by_role("search", name="Filter agreements")
    party = form.get_by_label("Party")
    tab_to(page, party)
    party.select_option("ARM")
    page.keyboard.press("Tab")
    expect(form.get_by_label("Obligation status")).to_be_focused()
    form.get_by_label("Obligation status").select_option("violated")
    words = form.get_by_label("Words")
    words.focus()
    page.keyboard.type("ceasefire")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/agreements/\?q=ceasefire&party=ARM&status=violated"))
    expect(table.get_by_role("caption")).to_have_text("1 agreement")
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name=MOSCOW))
    expect(row).to_contain_text("Violated: 2")
    fits(page)

    # Back to all of them, sorted by title from the column header, by keyboard.
    tab_to(page, form.get_by_role("link", name="Clear"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/agreements/$"))
    tab_to(page, table.get_by_role("link", name=re.compile(r"^Title")))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?sort=title$"))
    expect(page.get_by_role("columnheader", name=re.compile(r"^Title"))).to_have_attribute("aria-sort", "ascending")
    first = table.get_by_role("row").nth(1)
    expect(first).to_contain_text(MOSCOW)
    fits(page)

    # A value the list does not know: the error at its field.
    page.goto("/agreements/?sort=newest&kind=ceasefire_agreement")
    sort = page.get_by_label("Sort by")
    expect(sort).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Unknown value 'newest'")).to_be_visible()
    expect(page.get_by_label("Kind")).to_have_value("ceasefire_agreement")  # the rest kept


def test_a_partner_sees_no_draft_on_the_lists_or_a_partys_page(page: Page, draft, partner):
    log_in(page, partner.username)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements").click()
    expect(page.get_by_role("table").get_by_role("caption")).to_have_text("3 agreements")
    expect(page.get_by_text(DRAFT)).to_have_count(0)
    expect(page.get_by_label("Published or draft")).to_have_count(0)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Parties").click()
    page.get_by_role("link", name="Republic of Azerbaijan").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Republic of Azerbaijan"), level=1)).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text(DRAFT)
    expect(page.get_by_role("main")).not_to_contain_text("Draft pledge")
    expect(page.get_by_role("link", name="Edit this party")).to_have_count(0)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["laptop", "phone"])
def test_an_analyst_creates_a_party_with_aliases_by_keyboard(page: Page, lists, analyst, viewport):
    if viewport:
        page.set_viewport_size(viewport)
    log_in(page, analyst.username)
    page.goto("/parties/")
    tab_to(page, page.get_by_role("link", name="New party"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="New party", level=1)).to_be_visible()
    form = page.get_by_role("form", name="New party")
    fits(page)

    # A code that is no country: refused at the field, the rest kept.
    tab_to(page, form.get_by_label("Code"))
    page.keyboard.type("geo")
    page.keyboard.press("Tab")
    expect(form.get_by_label(NAME)).to_be_focused()
    page.keyboard.type("Georgia")
    form.get_by_label("Kind").select_option("state")
    aliases = form.get_by_label("Aliases")
    aliases.focus()
    page.keyboard.type("Georgian")
    page.keyboard.press("Enter")  # a new line in the text area, not a submission
    page.keyboard.type("Tbilisi")
    form.get_by_label("Code").fill("GEX")
    form.get_by_label(NAME).focus()
    page.keyboard.press("Enter")
    code = form.get_by_label("Code")
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(code).to_have_accessible_description(re.compile(r"'GEX' is not an ISO 3166-1 alpha-3 country code"))
    expect(form.get_by_label("Aliases")).to_have_value("Georgian\nTbilisi")
    fits(page)

    code.fill("geo")
    form.get_by_label(NAME).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/parties/GEO/$"))
    expect(page.get_by_role("status")).to_have_text("Party Georgia (GEO) created.")
    expect(page.get_by_role("main")).to_contain_text("also called Georgian, Tbilisi")
    assert Party.objects.get(code="GEO").aliases == ["Georgian", "Tbilisi"]
    fits(page)

    # Its page offers the edit form, which keeps one alias a line.
    tab_to(page, page.get_by_role("link", name="Edit this party"))
    page.keyboard.press("Enter")
    edit = page.get_by_role("form", name="Edit Georgia")
    expect(edit.get_by_label("Aliases")).to_have_value("Georgian\nTbilisi")
    edit.get_by_label("Short name").fill("Georgia")
    edit.get_by_label("Reason for the change").fill("Short name for the tables.")
    edit.get_by_role("button", name="Save").press("Enter")
    expect(page.get_by_role("status")).to_have_text("Party saved.")


def test_a_partys_page_shows_its_record_and_agreements(page: Page, lists, analyst):
    page.set_viewport_size(PHONE)
    log_in(page, analyst.username)
    page.goto("/parties/")
    page.get_by_role("link", name="Republic of Armenia").click()
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="On-time record")).to_be_visible()
    # The swept demo: Armenia's POW lists and verification comments are overdue.
    expect(main).to_contain_text("0 fulfilled on time")
    agreements = main.get_by_role("table").last
    expect(agreements.get_by_role("row").filter(has_text=GENEVA)).to_contain_text("Signatory")
    fits(page)
    main.get_by_role("link", name=re.compile(r"Violated 1 obligation")).click()
    expect(page).to_have_url(re.compile(r"/search/\?party=ARM&status=violated$"))
