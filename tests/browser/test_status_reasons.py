"""Reasons for non-fulfilment and cited incidents on the commitment page's status form, in
a real browser, on a laptop and a phone (issue 14): the boxes show only for a status that
says a pledge is not kept; the analyst records "violated" for Azerbaijan on para 1 of the
Geneva statement with the reason "Refusal" and a linked incident, and sees both."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from commitments import incidents
from commitments.models import Commitment, StatusUpdate
from commitments.services import SourceInput
from tests.browser.steps import log_in
from tracker.demo import load_demo

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def civilians(analyst) -> tuple[Commitment, object]:
    """The demo's para 1 of the Geneva statement, and an incident linked to Azerbaijan's
    obligation under it (a draft: analysts see it, partners would not)."""
    load_demo()
    commitment = Commitment.objects.get(title="No deliberate targeting of civilians")
    incident = incidents.incident_create(
        fields={
            "occurred_on": date(2020, 11, 2),
            "location": "Stepanakert",
            "admin1": "Nagorno-Karabakh",
            "event_type": "explosions_remote_violence",
            "sub_event_type": "shelling_artillery_missile_attack",
        },
        sources=[SourceInput(publisher="OSCE SMM", published_on=date(2020, 11, 3))],
        user=analyst,
    )
    incidents.incident_link(
        incident=incident, obligations=[commitment.obligations.get(party__code="AZE")], user=analyst
    )
    return commitment, incident


@pytest.mark.parametrize("width", [1280, 390])
def test_violated_with_a_reason_and_a_linked_incident(page: Page, civilians, analyst, screenshot, width):
    commitment, incident = civilians
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, analyst.username)
    page.goto(f"/commitments/{commitment.pk}/")
    form = page.get_by_role("form", name="Record a status update")
    reasons = form.get_by_role("group", name="Reasons for non-fulfilment", include_hidden=True)
    cited = form.get_by_role("group", name="Incidents cited as evidence", include_hidden=True)
    # No status chosen yet: nothing to give reasons for.
    expect(reasons).to_be_hidden()
    expect(cited).to_be_hidden()
    form.get_by_role("combobox", name="Party").select_option("AZE")
    form.get_by_label("New status").select_option("violated")
    expect(reasons).to_be_visible()
    reasons.get_by_label("Refusal").check()
    incident_box = cited.get_by_label("02 Nov 2020 · Stepanakert, Nagorno-Karabakh", exact=False)
    expect(incident_box).to_have_count(1)
    incident_box.check()
    # Changing to a status that keeps the pledge hides and disables the boxes ...
    form.get_by_label("New status").select_option("fulfilled")
    expect(reasons).to_be_hidden()
    expect(reasons.get_by_label("Refusal")).to_be_disabled()
    # ... and back: the ticks are still there.
    form.get_by_label("New status").select_option("violated")
    expect(reasons.get_by_label("Refusal")).to_be_checked()
    form.get_by_label("Effective date").fill("2020-11-03")
    form.get_by_label("Public summary").fill("Residential areas of Stepanakert shelled.")
    form.get_by_label("Source: publisher").fill("OSCE SMM")
    form.get_by_label("Source: publication date").fill("2020-11-03")
    screenshot(page, f"status-reasons-form-{width}")
    form.get_by_role("button", name="Record").click()

    expect(page.get_by_role("status")).to_have_text("Status update recorded.")
    update = StatusUpdate.objects.get(summary="Residential areas of Stepanakert shelled.")
    assert (update.obligation.party.code, update.status) == ("AZE", "violated")
    assert [r.code for r in update.reasons.all()] == ["refusal"]
    assert list(update.incidents.all()) == [incident]
    item = (
        page.get_by_role("list", name="Status updates").get_by_role("listitem").filter(has_text="Stepanakert shelled")
    )
    expect(item).to_contain_text("Reasons: Refusal")
    expect(item).to_contain_text("Incidents cited: Shelling/artillery/missile attack, Stepanakert, 02 Nov 2020 (draft)")
    item.scroll_into_view_if_needed()
    screenshot(page, f"status-reasons-{width}")
