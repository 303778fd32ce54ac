"""Issue 12, must show: an analyst imports a JSON file after a preview, in Chromium, with the
keyboard, on a laptop and on a phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from commitments.models import Agreement
from tests.browser.steps import log_in
from tests.commitments.test_import_page import GENEVA_FILE, TITLE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
GENEVA_DUE = "end of 6 Nov 2020 (Europe/Zurich) = 6 Nov 2020 23:00 UTC"  # as the agreement page gives it
LOCAL, UTC = "end of 6 Nov 2020: 2020-11-07 00:00 (UTC+01:00)", "2020-11-06 23:00 UTC"


def fits(page: Page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page is {width[0]} px wide on a {width[1]} px screen"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_analyst_imports_a_json_file_after_a_preview(page: Page, analyst, viewport, screenshot):
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(page, analyst.username)
    page.goto("/commitments/import/")
    expect(page.get_by_role("heading", name="Import an agreement or commitments", level=1)).to_be_visible()

    form = page.get_by_role("form", name="Choose a file")
    chooser = form.get_by_label("File")
    chooser.set_input_files(GENEVA_FILE)  # what the file dialog does; the rest by keyboard
    chooser.focus()
    page.keyboard.press("Tab")
    expect(form.get_by_label("Agreement (for a CSV)")).to_be_focused()
    page.keyboard.press("Tab")
    expect(form.get_by_label("Publish on import")).to_be_focused()
    page.keyboard.press("Tab")
    expect(form.get_by_role("button", name="Preview")).to_be_focused()
    page.keyboard.press("Enter")

    # The preview: every commitment, due at the end of 6 Nov in Geneva and in UTC; nothing stored.
    expect(page.get_by_role("heading", name="Preview of geneva-2020-10-30.json")).to_be_visible()
    table = page.get_by_role("table", name="Commitments (5)")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(5)
    for index in range(5):
        expect(rows.nth(index)).to_contain_text(LOCAL)
        expect(rows.nth(index)).to_contain_text(UTC)
    expect(table).to_contain_text("POW lists to the ICRC")
    expect(page.get_by_role("list", name="Parties")).to_contain_text(
        "Republic of Armenia (ARM) — new: created on import"
    )
    assert not Agreement.objects.filter(title=TITLE).exists()
    fits(page)
    screenshot(page, f"import-preview-{viewport}")

    confirm = page.get_by_role("form", name="Confirm")
    confirm.get_by_role("button", name="Import").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("Imported 5 commitments into")
    agreement = Agreement.objects.get(title=TITLE)
    expect(page).to_have_url(re.compile(rf"/commitments/agreements/{agreement.pk}/$"))
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    commitments = page.locator("table.stack tbody tr")
    expect(commitments).to_have_count(5)
    expect(commitments.filter(has_text="POW lists to the ICRC")).to_contain_text(GENEVA_DUE)
    fits(page)
    assert agreement.commitments.count() == 5 and not agreement.published


def test_a_bad_file_shows_its_problem_at_the_file_field_and_nothing_is_imported(page: Page, analyst, tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"schema_version": 1, "agreement": {')
    log_in(page, analyst.username)
    page.goto("/commitments/import/")
    form = page.get_by_role("form", name="Choose a file")
    form.get_by_label("File").set_input_files(bad)
    form.get_by_role("button", name="Preview").click()
    chooser = page.get_by_role("form", name="Choose a file").get_by_label("File")
    expect(chooser).to_have_attribute("aria-invalid", "true")
    problems = page.get_by_role("table", name="Problems")
    expect(problems).to_contain_text("document")
    expect(problems).to_contain_text("Not valid JSON")
    expect(page.get_by_role("button", name="Import")).to_have_count(0)
    assert Agreement.objects.count() == 0
