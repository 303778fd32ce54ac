"""The commitment page's status form in a real browser (issue 13), on a laptop and on a
phone: nothing is chosen in advance, one party is recorded by keyboard alone, and "all
parties" is refused at the confirmation box until it is ticked."""

import re

import pytest
from playwright.sync_api import Page, expect

from commitments.models import StatusUpdate
from tests.browser.steps import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CONFIRM = "Record this for all 2 parties: ARM, AZE"


def parties_recorded(summary: str) -> list[str]:
    updates = StatusUpdate.objects.filter(summary=summary)
    return sorted(updates.values_list("obligation__party__code", flat=True))


def choose_by_keyboard(page: Page, select, value: str) -> None:
    """Move down a focused <select> with the arrow key until ``value`` is chosen."""
    select.focus()
    for _ in range(12):
        if select.input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value!r} is not among the choices")


def fill_by_keyboard(page: Page, form, status: str, summary: str) -> None:
    choose_by_keyboard(page, form.get_by_label("New status"), status)
    for label, text in (
        ("Effective date", ""),
        ("Public summary", summary),
        ("Source: publisher", "ICRC"),
        ("Source: URL", "https://example.org/icrc"),
    ):
        field = form.get_by_label(label)
        field.focus()
        if label == "Effective date":  # a date input takes its parts typed in order
            page.keyboard.type("11062020")
        else:
            page.keyboard.press("Control+A")
            page.keyboard.type(text)
    form.get_by_label("Source: publication date").focus()
    page.keyboard.type("11062020")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_status_for_one_party_then_for_all_after_confirming(page: Page, lists, analyst, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, analyst.username)
    page.goto(f"/commitments/{lists.pk}/")
    form = page.get_by_role("form", name="Record a status update")
    party, status = form.get_by_role("combobox", name="Party"), form.get_by_label("New status")
    # Nothing chosen in advance: a careless submit records nothing.
    expect(party).to_have_value("")
    expect(status).to_have_value("")
    expect(form.get_by_label(CONFIRM)).not_to_be_checked()

    # One party, by keyboard alone; Enter in the publication date submits.
    choose_by_keyboard(page, party, "AZE")
    fill_by_keyboard(page, form, "in_progress", "Azerbaijan is compiling its list.")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Status update recorded.")
    assert parties_recorded("Azerbaijan is compiling its list.") == ["AZE"]
    updates = page.get_by_role("list", name="Status updates")
    expect(updates.get_by_role("listitem").filter(has_text="AZE")).to_contain_text(
        re.compile(r"Effective 6 Nov 2020; recorded on \d+ \w+ \d{4} \d\d:\d\d UTC by " + analyst.username)
    )

    # All parties without the confirmation: refused at the confirmation box, input kept.
    form = page.get_by_role("form", name="Record a status update")
    choose_by_keyboard(page, form.get_by_role("combobox", name="Party"), "all")
    fill_by_keyboard(page, form, "in_progress", "Both sides are compiling their lists.")
    form.get_by_role("button", name="Record").press("Enter")
    confirm = form.get_by_label(CONFIRM)
    expect(confirm).to_have_attribute("aria-invalid", "true")
    error = form.locator("ul.errorlist").filter(has_text="Tick this to record the status for every bound party")
    expect(error).to_be_visible()
    expect(form.get_by_role("combobox", name="Party")).to_have_value("all")
    expect(form.get_by_label("Public summary")).to_have_value("Both sides are compiling their lists.")
    assert parties_recorded("Both sides are compiling their lists.") == []
    screenshot(page, f"commitment-all-parties-refused-{width}")

    # Ticked (Space on the focused box), then submitted: one update per bound party.
    confirm.focus()
    page.keyboard.press("Space")
    expect(confirm).to_be_checked()
    form.get_by_role("button", name="Record").press("Enter")
    expect(page.get_by_role("status")).to_have_text("Status update recorded.")
    assert parties_recorded("Both sides are compiling their lists.") == ["ARM", "AZE"]

    # An extension: revision 2 becomes the current one, with who set it, when and why.
    extend = page.get_by_role("form", name="Extend the deadline")
    extend.get_by_label("New due date").fill("2020-11-13")
    extend.get_by_label("Reason").fill("The sides asked for one more week.")
    extend.get_by_label("Source: publisher").fill("OSCE Minsk Group")
    extend.get_by_role("button", name="Extend").press("Enter")
    expect(page.get_by_role("status")).to_have_text("Deadline revised.")
    revisions = page.get_by_role("list", name="Deadline")
    current = revisions.locator("li[aria-current=true]")
    expect(current).to_have_count(1)
    expect(current).to_contain_text("Revision 2 Current")
    expect(current).to_contain_text("due end of 13 Nov 2020 (Europe/Zurich) = 13 Nov 2020 23:00 UTC")
    expect(current).to_contain_text(f"by {analyst.username}")
    expect(current).to_contain_text("Why: The sides asked for one more week.")
    expect(revisions.get_by_role("listitem").filter(has_text="Revision 1")).to_contain_text("(replaced)")
    history = page.get_by_role("list", name="Change history")
    expect(history).to_contain_text("Deadline revision 2 set on")
    # Still past, so still overdue: since the end of the new due day, at once.
    expect(page.get_by_role("table").first).to_contain_text("Overdue since the end of 13 Nov 2020")
    screenshot(page, f"commitment-{width}")
