"""Entering an agreement's commitments in a real browser (issue 12): rows added with the
keyboard, each showing its due moment in the venue's zone and UTC as it is typed, moved and
removed, then saved together; and the seed statement pasted, its proposals edited and saved."""

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from commitments.choices import ParticipantRole
from commitments.models import AgreementParticipant, Commitment
from parties.models import Party
from tests.browser.steps import log_in
from tests.factories import AgreementFactory
from tracker.demo import load_demo

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "ceasefire_texts" / "geneva_2020_seed.txt"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def agreement():
    """A new agreement of the demo's parties (ARM and AZE sign), with no commitment yet."""
    load_demo()
    Party.objects.filter(code="icrc").update(aliases=["Red Cross"])
    agreement = AgreementFactory(title="Geneva talks, second round", signed_on=date(2020, 10, 30))
    for code in ("ARM", "AZE"):
        AgreementParticipant.objects.create(
            agreement=agreement, party=Party.objects.get(code=code), role=ParticipantRole.SIGNATORY
        )
    return agreement


def row(page: Page, number: int):
    return page.get_by_role("group", name=f"Commitment {number}", exact=True)


def due(page: Page, number: int):
    return row(page, number).locator("output")


def add_row_by_keyboard(page: Page, number: int, reference: str, title: str) -> None:
    """Enter on "Add a commitment": the new row's reference gets the focus; Tab to the title."""
    page.get_by_role("button", name="Add a commitment").focus()
    page.keyboard.press("Enter")
    reference_field = row(page, number).get_by_label("Reference")
    expect(reference_field).to_be_focused()
    page.keyboard.type(reference)
    page.keyboard.press("Tab")
    expect(row(page, number).get_by_label("Title")).to_be_focused()
    page.keyboard.type(title)
    page.keyboard.press("Tab")
    page.keyboard.type(f"The parties shall: {title}.")


def fill_rest(page: Page, number: int, nature: str = "One-off (has a deadline)") -> None:
    current = row(page, number)
    current.get_by_label("Category").select_option(label="Prisoners of war and detainees")
    current.get_by_label("Nature").select_option(label=nature)
    current.get_by_label("Bound parties").select_option(["ARM", "AZE"])


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["laptop", "phone"])
def test_an_analyst_enters_rows_sees_their_due_moments_reorders_removes_and_saves(
    page: Page, agreement, analyst, screenshot, viewport
):
    if viewport:
        page.set_viewport_size(viewport)
    log_in(page, analyst.username)
    page.goto(f"/commitments/agreements/{agreement.pk}/")
    page.get_by_role("link", name="Enter commitments").click()
    expect(page.get_by_role("heading", name="New commitments", level=1)).to_be_visible()
    expect(page.locator("[data-row]")).to_have_count(1)  # the script keeps one blank row

    first = row(page, 1)
    first.get_by_label("Reference").fill("para 1")
    first.get_by_label("Title").fill("POW lists to the ICRC")
    first.get_by_label("Text").fill("Submit lists of prisoners of war to the Red Cross within a week.")
    fill_rest(page, 1)
    first.get_by_label("Within N days of the agreement").check()
    expect(first.get_by_label("Due on")).to_be_hidden()
    first.get_by_label("Within days").fill("7")
    expect(due(page, 1)).to_have_text("end of 6 Nov 2020 (Europe/Zurich) = 6 Nov 2020 23:00 UTC")

    add_row_by_keyboard(page, 2, "para 2", "Remains exchange")
    fill_rest(page, 2)
    row(page, 2).get_by_label("By a date").check()
    row(page, 2).get_by_label("Due on").fill("2020-11-15")
    expect(due(page, 2)).to_have_text("end of 15 Nov 2020 (Europe/Zurich) = 15 Nov 2020 23:00 UTC")

    add_row_by_keyboard(page, 3, "para 3", "Exchange after the lists")
    fill_rest(page, 3)
    row(page, 3).get_by_label("Within N days after another commitment is fulfilled").check()
    row(page, 3).get_by_label("Within days").fill("3")
    row(page, 3).get_by_label("Counted from the fulfilment of").fill("para 1")
    expect(due(page, 3)).to_have_text("3 days after para 1 is fulfilled; not yet due")

    add_row_by_keyboard(page, 4, "para 9", "A row typed by mistake")
    row(page, 4).get_by_label("Within N days of the agreement").check()
    row(page, 4).get_by_label("Within days").fill("99999")
    expect(due(page, 4)).to_contain_text("at most 3,650")  # the server's limit, as typed

    # Move row 3 up with the keyboard: it becomes row 2, and the focus stays on its button.
    page.get_by_role("button", name="Move up commitment 3").focus()
    page.keyboard.press("Enter")
    expect(row(page, 2).get_by_label("Reference")).to_have_value("para 3")
    expect(row(page, 3).get_by_label("Reference")).to_have_value("para 2")
    expect(page.get_by_role("button", name="Move up commitment 2")).to_be_focused()
    expect(page.get_by_role("button", name="Move up commitment 1")).to_be_disabled()

    page.get_by_role("button", name="Remove commitment 4").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-row]")).to_have_count(3)
    expect(page.locator("#rows-announce")).to_have_text("Commitment 4 removed.")
    screenshot(page, f"commitments-new-{'phone' if viewport else 'laptop'}")
    if viewport:
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], width

    page.get_by_role("button", name="Save the commitments").click()
    expect(page.get_by_role("status")).to_have_text("3 commitments saved.")
    expect(page).to_have_url(re.compile(rf"/commitments/agreements/{agreement.pk}/$"))
    saved = {c.reference: c for c in agreement.commitments.select_related("current_deadline")}
    assert set(saved) == {"para 1", "para 2", "para 3"}
    assert saved["para 1"].due_date == date(2020, 11, 6)
    assert saved["para 2"].due_date == date(2020, 11, 15)
    assert saved["para 3"].current_deadline.after_commitment == saved["para 1"]


def test_an_error_comes_back_at_its_row_and_field_with_the_rows_kept(page: Page, agreement, analyst):
    log_in(page, analyst.username)
    page.goto(f"/commitments/agreements/{agreement.pk}/commitments/new/")
    first = row(page, 1)
    first.get_by_label("Reference").fill("para 1")
    first.get_by_label("Title").fill("POW lists")
    fill_rest(page, 1)  # a one-off without a deadline
    add_row_by_keyboard(page, 2, "para 2", "Remains")
    fill_rest(page, 2, nature="Ongoing")
    page.get_by_role("button", name="Save the commitments").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(row(page, 1)).to_contain_text("A one-off commitment needs a deadline")
    expect(row(page, 1).get_by_label("Text")).to_have_attribute("aria-invalid", "true")
    expect(row(page, 2).get_by_label("Reference")).to_have_value("para 2")
    assert not Commitment.objects.filter(agreement=agreement).exists()


def test_an_analyst_pastes_the_seed_edits_a_proposal_and_saves_them(page: Page, agreement, analyst, screenshot):
    text = "".join(line for line in SEED.read_text(encoding="utf-8").splitlines(keepends=True) if line[:1] != "#")
    log_in(page, analyst.username)
    page.goto(f"/commitments/agreements/{agreement.pk}/")
    page.get_by_role("link", name="Propose them from the statement's text").click()
    page.get_by_label("Text of the statement").fill(text)
    page.get_by_role("button", name="Propose commitments").click()

    expect(page.get_by_text(re.compile(r"\d+ commitments proposed from the text"))).to_be_visible()
    rows = page.locator("[data-row]")
    count = rows.count()
    assert count >= 5  # the seed's five pledges (and Russia's conditional one)
    pow_row = next(r for r in rows.all() if "lists of prisoners of war" in r.get_by_label("Text").input_value())
    expect(pow_row.get_by_label("Within days")).to_have_value("7")
    expect(pow_row.locator("output")).to_have_text("end of 6 Nov 2020 (Europe/Zurich) = 6 Nov 2020 23:00 UTC")
    pow_row.get_by_label("Title").fill("POW lists to the ICRC (edited)")
    screenshot(page, "commitments-from-text")
    assert not Commitment.objects.filter(agreement=agreement).exists()  # nothing saved yet

    page.get_by_role("button", name="Save the commitments").click()
    expect(page.get_by_role("status")).to_have_text(f"{count} commitments saved.")
    assert agreement.commitments.count() == count
    edited = agreement.commitments.get(title="POW lists to the ICRC (edited)")
    assert edited.due_date == date(2020, 11, 6)
    assert sorted(edited.obligations.values_list("party__code", flat=True)) == ["ARM", "AZE"]
