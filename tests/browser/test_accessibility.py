"""Every page, on a laptop and on a phone: no WCAG 2.1 A/AA (or axe best-practice)
violation found by axe-core, and nothing wider than the screen."""

import re
from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from commitments import services
from tests.browser.steps import log_in
from tests.commitments.test_import_page import GENEVA_FILE

BROKEN = {"name": "broken.json", "mimeType": "application/json", "buffer": b'{"commitments": [{"deadline": 7}]}'}

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


def check(page: Page, what: str) -> None:
    for details in page.locator("details").all():
        details.evaluate("element => { element.open = true; }")  # the charts' tables too
    results = Axe().run(page, options=RULES)
    assert results.violations_count == 0, f"{what}: {results.generate_report()}"
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{what}: the page is {width[0]} px wide on a {width[1]} px screen"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_page_passes_axe_and_fits_the_screen(page: Page, lists, analyst, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto("/accounts/login/")
    check(page, "login")
    log_in(page, analyst.username)
    for url in (
        "/",
        "/search/?party=AZE&overdue=true",
        "/search/?overdue=yes",  # an error at its field
        f"/commitments/agreements/{lists.agreement_id}/",
        f"/commitments/{lists.pk}/",
        f"/commitments/agreements/{lists.agreement_id}/?as_of=2020-11-10",  # a past view, with its banner
        f"/commitments/{lists.pk}/?as_of=2020-11-10",
        "/parties/ARM/?as_of=2020-11-10",
        f"/commitments/agreements/{lists.agreement_id}/?as_of=2020-02-30",  # an error at the picker
        "/alerts/",
        "/alerts/inbox/",
        "/alerts/inbox/?state=all&view=all",
        "/alerts/inbox/?state=open",  # an error at its field
        "/alerts/focal-points/",
        "/account/",
        "/agreements/?party=ARM&sort=title",
        "/agreements/?sort=newest",  # an error at its field
        "/parties/",
        "/parties/ARM/",
        "/parties/new/",
        "/parties/ARM/edit/",
        f"/agreements/{lists.agreement_id}/report/",
        "/parties/ARM/report/",
        f"/commitments/agreements/{lists.agreement_id}/commitments/new/",
        f"/commitments/agreements/{lists.agreement_id}/commitments/from-text/",
        "/commitments/import/",
    ):
        page.goto(url)
        check(page, url)

    # A form sent back with an error at its field.
    page.goto(f"/commitments/{lists.pk}/")
    form = page.get_by_role("form", name="Record a status update")
    form.get_by_role("combobox", name="Party").select_option("AZE")  # nothing is chosen in advance
    form.get_by_label("New status").select_option("in_progress")
    form.get_by_label("Effective date").fill((date.today() + timedelta(days=3)).isoformat())
    form.get_by_label("Public summary").fill("Lists handed over.")
    form.get_by_label("Source: publisher").fill("ICRC")
    form.get_by_label("Source: publication date").fill("2020-11-06")
    form.get_by_role("button", name="Record").click()
    expect(form.get_by_label("Effective date")).to_have_attribute("aria-invalid", "true")
    check(page, "the commitment page with a form error")

    # The party form sent back with an error at its field.
    page.goto("/parties/new/")
    form = page.get_by_role("form", name="New party")
    form.get_by_label("Code").fill("GEX")
    form.get_by_label("Name", exact=False).first.fill("Georgia")  # Name comes before Short name
    form.get_by_label("Kind").select_option("state")
    form.get_by_role("button", name="Create party").click()
    expect(form.get_by_label("Code")).to_have_attribute("aria-invalid", "true")
    check(page, "the party form with a form error")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_agreement_form_and_a_draft_pass_axe_and_fit_the_screen(page: Page, lists, analyst, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(page, analyst.username)
    page.goto("/commitments/agreements/new/")
    check(page, "the new agreement form")

    form = page.get_by_role("form", name="New agreement")
    form.get_by_label(re.compile(r"^Title")).fill("Humanitarian truce")
    form.get_by_label(re.compile(r"^Kind")).select_option(label="Protocol")
    form.get_by_label(re.compile(r"^Date")).fill("2020-10-10")
    zone = form.get_by_label(re.compile(r"^Venue time zone"))
    zone.fill("europe/")
    expect(page.get_by_role("listbox", name="Matching time zones")).to_be_visible()
    check(page, "the time zone search, open")
    zone.fill("Nowhere")
    form.get_by_role("button", name="Add a party").click()
    form.get_by_role("button", name="Save draft").click()
    expect(form.get_by_label(re.compile(r"^Venue time zone"))).to_have_attribute("aria-invalid", "true")
    check(page, "the agreement form with an error at its field")

    page.goto(f"/commitments/agreements/{lists.agreement_id}/edit/")
    check(page, "the agreement edit form")
    draft = services.agreement_create(
        title="A draft", kind="protocol", signed_on=date(2020, 11, 9), timezone_name="Asia/Baku", user=analyst
    )
    page.goto(f"/commitments/agreements/{draft.pk}/")
    expect(page.get_by_role("button", name="Publish")).to_be_visible()
    check(page, "a draft with its Publish button")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_commitments_entry_pages_pass_axe_with_proposals_and_errors(page: Page, lists, analyst, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(page, analyst.username)
    page.goto(f"/commitments/agreements/{lists.agreement_id}/commitments/from-text/")
    page.get_by_label("Text of the statement").fill(
        "1. The Parties shall submit lists of prisoners of war to the ICRC within 72 hours.\n"
        "2. Armenia will withdraw its forces from the Kalbajar district by 15 November 2020.\n"
    )
    page.get_by_role("button", name="Propose commitments").click()
    expect(page.locator("[data-row]")).to_have_count(2)
    check(page, "the commitments form with proposals")
    page.get_by_role("group", name="Commitment 1", exact=True).get_by_label("Title").fill("")
    page.get_by_role("button", name="Add a commitment").click()
    page.get_by_role("button", name="Save the commitments").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    check(page, "the commitments form with errors")
    # The import page's preview, and a file refused with its problems.
    for upload, what in ((GENEVA_FILE, "the import preview"), (BROKEN, "the import page with problems")):
        page.goto("/commitments/import/")
        page.get_by_role("form", name="Choose a file").get_by_label("File").set_input_files(upload)
        page.get_by_role("button", name="Preview").click()
        expect(page.get_by_role("heading", name=re.compile("^Preview of"))).to_be_visible()
        check(page, what)
