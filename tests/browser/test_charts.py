"""The dashboard's charts in a real browser, on a laptop and on a phone: each fills its
column, its text is 11 px or larger as displayed, agreement names are whole and in date
order (issue 13: 720 of 1,130 px used, names cut, 5 px text on a phone)."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from commitments import services
from parties.models import Party
from tests.browser.conftest import SCREENSHOTS
from tests.browser.steps import log_in
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GENEVA = "Statement of the OSCE Minsk Group co-chairs on the Geneva meeting"
MOSCOW = "Moscow joint statement on a humanitarian ceasefire"
RUSSIA = "Statement of the Russian Foreign Ministry on assistance to Armenia"
REVIEW = "Review of the humanitarian ceasefire"
GAP = "none, 5 years"  # 7 Nov 2020 to 14 Jan 2026

# For each chart: the drawing shown (the other is display: none), its width as a share of
# the figure's content box, the smallest text as displayed (font size times the drawing's
# scale, its displayed width over its viewBox width) and the visible text, top to bottom.
MEASURE = """
() => [...document.querySelectorAll(".charts figure")].map((figure) => {
  const svg = [...figure.querySelectorAll("svg")].find((s) => s.getBoundingClientRect().width > 0);
  const style = getComputedStyle(figure);
  const inner = figure.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const width = svg.getBoundingClientRect().width;
  const scale = width / svg.viewBox.baseVal.width;
  const texts = [...svg.querySelectorAll("text")].filter((t) => t.getBoundingClientRect().height > 0);
  return {
    drawing: svg.getAttribute("class"),
    share: width / inner,
    smallest: Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale)),
    lowest_box: Math.min(...texts.map((t) => t.getBoundingClientRect().height)),
    lines: texts.map((t) => [t.getBoundingClientRect().top, t.textContent])
      .sort((a, b) => a[0] - b[0]).map((line) => line[1]),
  };
})
"""


@pytest.mark.parametrize(("width", "drawing"), [(1280, "chart-wide"), (390, "chart-narrow")])
def test_charts_fill_their_column_with_readable_text_and_whole_names_in_date_order(
    page: Page, lists, analyst, width, drawing
):
    # The case: the demo's deadlines (6 Nov 2020) and one agreement of 2026.
    review = AgreementFactory(title=REVIEW, signed_on=date(2026, 1, 10), published=True)
    services.commitment_create(
        agreement=review,
        reference="1",
        title="Exchange of detainees",
        text="Exchange all detainees by 15 January 2026.",
        category="prisoners",
        nature="one_off",
        parties=list(Party.objects.filter(code__in=["ARM", "AZE"])),
        deadline=services.DeadlineInput(due_on=date(2026, 1, 15)),
        user=analyst,
    )
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, analyst.username)
    charts = page.get_by_role("region", name="Charts")
    expect(charts.get_by_role("figure")).to_have_count(4)
    expect(charts.get_by_text("Obligations by status, month by month")).to_be_visible()

    measured = page.evaluate(MEASURE)
    for chart in measured:
        assert drawing in chart["drawing"]
        assert chart["share"] >= 0.9, chart
        assert chart["smallest"] >= 11, chart
        assert chart["lowest_box"] >= 11, chart
    page_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert page_width[0] <= page_width[1]

    # Agreements oldest first, top to bottom, each name whole (wrapped lines joined).
    agreements = " ".join(measured[0]["lines"])
    assert GENEVA in agreements and MOSCOW in agreements and RUSSIA in agreements
    assert agreements.index(MOSCOW) < agreements.index(GENEVA) < agreements.index(RUSSIA) < agreements.index(REVIEW)
    # Deadlines per day, the five empty years between as one gap, named on the axis.
    assert GAP in measured[2]["lines"] and "6 Nov 2020" in measured[2]["lines"]
    # ...and in the table, also whole.
    figure = charts.get_by_role("figure").first
    figure.get_by_text("The figures as a table").click()
    expect(figure.get_by_role("rowheader", name=f"{GENEVA} (30 Oct 2020)")).to_be_visible()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.get_by_role("heading", name="Charts").scroll_into_view_if_needed()
    charts.screenshot(path=SCREENSHOTS / f"charts-{width}.png")
