"""The incidents section of a commitment's and a party's page in a real browser, on a
laptop and on a phone: the weekly chart fills its column with readable text, the counts
and the table are there, axe finds no violation, and a screenshot of each is kept."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from commitments import incidents
from tests.browser.conftest import SCREENSHOTS
from tests.browser.steps import log_in
from tests.browser.test_accessibility import check
from tests.browser.test_charts import MEASURE
from tests.commitments.incident_scenario import build, make_incident

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SECTION_MEASURE = MEASURE.replace('".charts figure"', '".incidents-section .charts figure"')


@pytest.mark.parametrize(("width", "drawing"), [(1280, "chart-wide"), (390, "chart-narrow")])
def test_the_incidents_section_reads_on_a_laptop_and_a_phone(
    page: Page, analyst, armenia, azerbaijan, make_commitment, width, drawing
):
    scenario = build(analyst=analyst, armenia=armenia, azerbaijan=azerbaijan, make_commitment=make_commitment)
    g_arm, g_aze = scenario.geneva.obligations.get(party=armenia), scenario.geneva.obligations.get(party=azerbaijan)
    # Ten more weeks of reports, then a quiet spell and one more: a gap on the axis.
    for i, day in enumerate([date(2021, 1, 11) + timedelta(days=6 * n) for n in range(12)] + [date(2021, 9, 6)]):
        made = make_incident(analyst, f"attack {i}", day, i % 3 or None, i, [armenia if i % 2 else azerbaijan])
        incidents.incident_link(incident=made, obligations=[g_arm if i % 2 else g_aze], user=analyst)

    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, analyst.username)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for url, name, link in [
        (f"/commitments/{scenario.geneva.pk}/", "incidents-commitment", "The incidents list for this commitment"),
        ("/parties/ARM/", "incidents-party", "All incidents in which Armenia is alleged responsible"),
    ]:
        page.goto(url)
        section = page.locator("section.incidents-section")
        expect(section.get_by_role("heading", name="Incidents")).to_be_visible()
        expect(section.get_by_text("Linked incidents", exact=True)).to_be_visible()
        expect(section.get_by_role("link", name=link)).to_be_visible()
        [chart] = page.evaluate(SECTION_MEASURE)
        assert drawing in chart["drawing"]
        assert chart["share"] >= 0.9, chart
        assert chart["smallest"] >= 11, chart
        assert "2021" in chart["lines"]
        page_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert page_width[0] <= page_width[1]  # nothing wider than the phone
        section.get_by_text("The figures as a table").click()
        expect(section.get_by_role("rowheader", name="28 Dec 2020 (2020-W53)")).to_be_visible()
        check(page, url)  # axe (WCAG 2.1 AA) with the section and its table open
        section.scroll_into_view_if_needed()
        section.screenshot(path=SCREENSHOTS / f"{name}-{width}.png")
