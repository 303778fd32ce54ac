"""Issue 14: an analyst imports an ACLED export in Chromium: upload, the preview lists an
unmapped actor, map it on the spot, import; on a laptop and on a phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from commitments.models import ActorMapping, Incident, IncidentParty, LinkRule
from tests.browser.steps import log_in
from tests.commitments.test_acled_import import FIRST

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
ARTSAKH = "Military Forces of Artsakh (1992-)"


def fits(page: Page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page is {width[0]} px wide on a {width[1]} px screen"


@pytest.mark.parametrize("width", VIEWPORTS)
def test_an_analyst_maps_an_actor_in_the_preview_and_imports(page: Page, analyst, armenia, width, screenshot):
    LinkRule.objects.update(active=False)
    page.set_viewport_size(VIEWPORTS[width])
    log_in(page, analyst.username)
    page.goto("/incidents/import/")
    expect(page.get_by_role("heading", name="Import ACLED events", level=1)).to_be_visible()
    form = page.get_by_role("form", name="Choose an ACLED export")
    form.get_by_label("ACLED export (CSV)").set_input_files(FIRST)
    form.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("heading", name="Preview of acled_2020.csv")).to_be_visible()
    facts = page.get_by_label("What the import would do")
    expect(facts).to_contain_text("Incidents to create")
    expect(facts).to_contain_text("53")
    expect(page.get_by_role("table", name="Refused rows")).to_contain_text("“Skirmish” is none of ACLED's event types.")
    unmapped = page.get_by_role("table", name=re.compile(r"Unmapped actors"))
    expect(unmapped).to_contain_text(ARTSAKH)
    assert not Incident.objects.exists()
    fits(page)
    screenshot(page, f"acled-import-preview-{width}")

    mapping = page.get_by_role("form", name=f"Map {ARTSAKH}")
    mapping.get_by_label(f"Party for {ARTSAKH}").select_option(label="Armenia (ARM)")
    mapping.get_by_role("button", name="Add mapping").click()
    expect(page.get_by_role("status")).to_contain_text(f"Mapped “{ARTSAKH}” to Armenia.")
    expect(page.get_by_role("table", name=re.compile(r"Unmapped actors"))).not_to_contain_text(ARTSAKH)
    assert ActorMapping.objects.get(actor_name=ARTSAKH).party == armenia

    page.get_by_role("form", name="Confirm").get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("Imported acled_2020.csv: 53 incidents created (drafts)")
    fits(page)
    screenshot(page, f"acled-import-done-{width}")
    assert Incident.objects.count() == 53
    assert IncidentParty.objects.filter(incident__acled_event_id="ARM2001", party=armenia, role="involved").exists()
