"""The agreement form and publishing in a real browser (issue 12), on a phone-sized screen
and with the keyboard only: the time zone is searched as one types, party rows are added
with the "Add a party" button, and a draft is published from its page."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from commitments.models import Agreement
from core.roles import ANALYSTS
from tests.browser.steps import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
TITLE = "Humanitarian truce of 10 October"


def tab_to(page: Page, locator, limit: int = 40) -> None:
    """Press Tab until ``locator`` has the focus, as a keyboard user moves through a form."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} never took the focus")


def field(scope, label: str):
    """The field of exactly this label ("Title", not "Document title")."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def choose(page: Page, text: str) -> None:
    """Pick an option of the focused select by typing its first letters."""
    page.keyboard.type(text)


def test_an_analyst_enters_an_agreement_with_four_parties_by_keyboard_on_a_phone(
    page: Page, lists, analyst, screenshot
):
    page.set_viewport_size(PHONE)
    log_in(page, analyst.username)
    page.goto("/commitments/agreements/new/")
    form = page.get_by_role("form", name="New agreement")

    title = field(form, "Title")
    title.focus()
    page.keyboard.type(TITLE)
    page.keyboard.press("Tab")
    expect(field(form, "Kind")).to_be_focused()
    choose(page, "Joint")
    page.keyboard.press("Tab")
    expect(field(form, "Date")).to_be_focused()
    page.keyboard.type("10102020")  # 10/10/2020, whatever the order of the fields
    tab_to(page, field(form, "Venue"))
    page.keyboard.type("Moscow")
    page.keyboard.press("Tab")

    # The time zone: a text field searching the list of IANA zones as one types.
    zone = field(form, "Venue time zone")
    expect(zone).to_be_focused()
    expect(zone).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Control+A")
    page.keyboard.type("mosc")
    matches = page.get_by_role("listbox", name="Matching time zones")
    expect(matches.get_by_role("option")).to_have_text(["Europe/Moscow"])
    expect(zone).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(matches.get_by_role("option", name="Europe/Moscow")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")  # picks the zone, does not submit
    expect(zone).to_have_value("Europe/Moscow")
    expect(matches).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/agreements/new/$"))

    # Four parties: the first row is there, three more are added with the button, each
    # new row taking the focus.
    parties = page.get_by_role("region", name="Parties")
    add = parties.get_by_role("button", name="Add a party")
    tab_to(page, field(parties.get_by_role("group", name="Party 1"), "Party"))
    choose(page, "Armenia")
    page.keyboard.press("Tab")
    choose(page, "Signatory")
    for number, party, role in ((2, "Azerbaijan", "Signatory"), (3, "Russia", "Mediator"), (4, "France", "Witness")):
        tab_to(page, add)
        page.keyboard.press("Enter")
        row = parties.get_by_role("group", name=f"Party {number}")
        expect(field(row, "Party")).to_be_focused()
        choose(page, party)
        page.keyboard.press("Tab")
        choose(page, role)
    expect(parties.get_by_role("group")).to_have_count(4)
    expect(field(parties.get_by_role("group", name="Party 3"), "Role")).to_have_value("mediator")

    sources = page.get_by_role("region", name="Sources")
    tab_to(page, field(sources, "Publisher"))
    page.keyboard.type("Ministry of Foreign Affairs of Russia")
    page.keyboard.press("Tab")
    page.keyboard.type("https://example.org/statement-10-october")
    tab_to(page, field(sources, "Publication date"))
    page.keyboard.type("10102020")
    tab_to(page, field(sources, "Language"))  # Tab first moves through the date's parts
    page.keyboard.type("ru")
    screenshot(page, "agreement-form-phone")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the form is {width[0]} px wide on a {width[1]} px screen"

    # Enter in a field saves (the add buttons are not the form's default button).
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Agreement saved as a draft.")
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    agreement = Agreement.objects.get(title=TITLE)
    assert agreement.timezone == "Europe/Moscow" and not agreement.published
    assert sorted(agreement.participants.values_list("party__code", "role")) == [
        ("ARM", "signatory"),
        ("AZE", "signatory"),
        ("FRA", "witness"),
        ("RUS", "mediator"),
    ]
    assert agreement.sources.get().language == "ru"
    screenshot(page, "agreement-draft-phone")


def test_a_wrong_time_zone_comes_back_at_its_field_and_four_eyes_needs_a_second_analyst(
    page: Page, lists, analyst, settings
):
    settings.PUBLISH_FOUR_EYES = True
    log_in(page, analyst.username)
    page.goto("/commitments/agreements/new/")
    form = page.get_by_role("form", name="New agreement")
    field(form, "Title").fill(TITLE)
    field(form, "Kind").select_option(label="Protocol")
    field(form, "Date").fill("2020-10-10")
    field(form, "Venue time zone").fill("Moscow")
    form.get_by_role("button", name="Save draft").click()
    zone = field(form, "Venue time zone")
    expect(zone).to_have_attribute("aria-invalid", "true")
    expect(form).to_contain_text("'Moscow' is not a time zone a place has")
    zone.fill("Europe/Moscow")
    form.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()

    # The analyst who entered it is told before pressing anything that another must publish.
    publish = page.get_by_role("region", name="Publish")
    expect(publish).to_contain_text("another analyst must publish it")
    expect(publish.get_by_role("button", name=re.compile("Publish"))).to_be_disabled()

    second = UserFactory(username="bea")
    second.groups.add(Group.objects.get(name=ANALYSTS))
    page.get_by_role("button", name=re.compile("Log out")).click()
    log_in(page, second.username)
    page.goto(f"/commitments/agreements/{Agreement.objects.get(title=TITLE).pk}/")
    page.get_by_role("region", name="Publish").get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_have_text("Published: partners now see this agreement.")
    expect(page.get_by_text(re.compile(r"Published on .* by bea"))).to_be_visible()
