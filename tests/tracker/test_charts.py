"""The dashboard's charts: the figures they draw, and how they are drawn."""

import re
from datetime import date, timedelta
from itertools import pairwise

import pytest

from commitments.choices import Status
from commitments.models import Obligation
from commitments.services import DeadlineInput
from tests.factories import AgreementFactory
from tracker import charts, selectors

pytestmark = pytest.mark.django_db

GENEVA = "Statement of the OSCE Minsk Group co-chairs on the Geneva meeting"


def bars(timeline: selectors.Timeline) -> list[tuple[date, date, int, int]]:
    """Each bar as (first day, last day, empty units, obligations)."""
    totals = [sum(column[i] for column in timeline.counts.values()) for i in range(len(timeline.buckets))]
    return [(b.start, b.last, b.empty, n) for b, n in zip(timeline.buckets, totals, strict=True)]


def no_run_of_empty_bars(timeline: selectors.Timeline) -> bool:
    totals = [bar[3] for bar in bars(timeline)]
    return all(a or b for a, b in pairwise(totals))


def test_the_timeline_counts_due_moments_per_status_and_day(make_commitment, record, azerbaijan):
    lists = make_commitment()  # within 7 days of 30 Oct 2020 in Zurich: 6 Nov 2020, 23:00 UTC
    make_commitment(reference="later", deadline=DeadlineInput(within_days=10))  # 9 Nov 2020
    record(lists, party=azerbaijan, status=Status.FULFILLED, effective_on=date(2020, 11, 5))

    timeline = selectors.due_timeline(Obligation.objects.all())

    assert timeline.unit == "day"
    # The two empty days between are one gap bar.
    assert bars(timeline) == [
        (date(2020, 11, 6), date(2020, 11, 6), 0, 2),
        (date(2020, 11, 7), date(2020, 11, 8), 2, 0),
        (date(2020, 11, 9), date(2020, 11, 9), 0, 2),
    ]
    assert timeline.counts == {"not_started": [1, 0, 2], "fulfilled": [1, 0, 0]}
    chart = charts.deadline_timeline(timeline)
    assert [label for label, _ in chart.rows] == ["6 Nov 2020", "9 Nov 2020"]  # the table: days with data
    assert "none, 2 days" in chart.wide and "skips runs of days" in chart.note


def test_a_november_of_deadlines_and_one_in_2026_is_drawn_per_day_with_one_gap():
    """The issue: one 2026 agreement turned the timeline into yearly bars, five of them empty."""
    november = [(date(2020, 11, day), "not_started", 1) for day in (6, 9, 10, 12, 20)]
    timeline = selectors.bucket_timeline([*november, (date(2026, 1, 15), "in_progress", 3)])

    assert timeline.unit == "day" and timeline.has_gaps
    assert bars(timeline) == [
        (date(2020, 11, 6), date(2020, 11, 6), 0, 1),
        (date(2020, 11, 7), date(2020, 11, 8), 2, 0),
        (date(2020, 11, 9), date(2020, 11, 9), 0, 1),
        (date(2020, 11, 10), date(2020, 11, 10), 0, 1),
        (date(2020, 11, 11), date(2020, 11, 11), 1, 0),  # one empty day stays one empty day
        (date(2020, 11, 12), date(2020, 11, 12), 0, 1),
        (date(2020, 11, 13), date(2020, 11, 19), 7, 0),
        (date(2020, 11, 20), date(2020, 11, 20), 0, 1),
        (date(2020, 11, 21), date(2026, 1, 14), 1881, 0),  # five years and two months: one bar
        (date(2026, 1, 15), date(2026, 1, 15), 0, 3),
    ]
    assert no_run_of_empty_bars(timeline)
    labels = charts._timeline_labels(timeline)
    assert labels[6:9] == ["none, 7 days", "20 Nov 2020", "none, 5 years"]  # the dates are its neighbours


def test_the_unit_grows_with_how_many_days_hold_due_moments():
    start = date(2020, 11, 2)  # a Monday
    daily = [(start + timedelta(days=i), "not_started", 1) for i in range(200)]  # 200 days: 29 weeks
    weekly = selectors.bucket_timeline(daily)
    assert (weekly.unit, len(weekly.buckets), weekly.has_gaps) == ("week", 29, False)
    assert weekly.buckets[0].start == start and weekly.buckets[-1].last == start + timedelta(weeks=29, days=-1)

    two_years = [(start + timedelta(days=i), "not_started", 1) for i in range(730)]
    monthly = selectors.bucket_timeline(two_years)
    assert (monthly.unit, len(monthly.buckets), monthly.buckets[0].start) == ("month", 25, date(2020, 11, 1))
    assert sum(monthly.counts["not_started"]) == 730

    # A due day every third year from year 1 to 9999: 50-year bars, bounded, no run of gaps.
    spread = [(date(year, 6, 1), "fulfilled", 1) for year in range(1, 10_000, 3)]
    timeline = selectors.bucket_timeline(spread)
    assert (timeline.unit, timeline.years) == ("year", 200)
    assert len(timeline.buckets) <= selectors.TIMELINE_MAX_BUCKETS and no_run_of_empty_bars(timeline)
    assert sum(timeline.counts["fulfilled"]) == len(spread)
    assert charts._timeline_labels(timeline)[:2] == ["1\u2013199", "200\u2013399"]


def test_no_due_moment_draws_an_empty_timeline(db):
    timeline = selectors.due_timeline(Obligation.objects.all())
    chart = charts.deadline_timeline(timeline)
    assert timeline.buckets == [] and chart.rows == []
    assert "No due moment yet" in chart.wide and "No due moment yet" in chart.narrow


def test_status_breakdowns_per_agreement_in_date_order_and_per_party(
    make_commitment, record, armenia, azerbaijan, icrc
):
    lists = make_commitment()
    make_commitment(reference="icrc", parties=[icrc])
    record(lists, party=armenia, status=Status.FULFILLED, effective_on=date(2020, 11, 5))
    older = AgreementFactory(title="Moscow statement", signed_on=date(2020, 10, 10))
    make_commitment(agreement=older, parties=[armenia])
    oldest = AgreementFactory(title="Bishkek protocol", signed_on=date(1994, 5, 5))
    make_commitment(agreement=oldest, parties=[armenia])

    # The most recently signed ones, drawn oldest first.
    by_agreement = selectors.status_counts_by_agreement(Obligation.objects.all(), limit=2)
    assert [(a.title, counts) for a, counts in by_agreement] == [
        ("Moscow statement", {"not_started": 1}),
        ("Geneva statement", {"fulfilled": 1, "not_started": 2}),
    ]
    assert selectors.status_counts_by_party(Obligation.objects.all(), limit=2) == [
        ("ARM", {"fulfilled": 1, "not_started": 2}),
        ("AZE", {"not_started": 1}),
    ]


def texts(svg: str) -> list[tuple[float, str]]:
    """The SVG's text elements as (y, text), top to bottom."""
    found = re.findall(r'<text x="[\d.]+" y="([\d.]+)"[^>]*>([^<]*)</text>', svg)
    return sorted((float(y), text) for y, text in found)


def test_a_breakdown_draws_rows_top_to_bottom_with_full_names_wrapped_never_cut():
    rows = [(f"{GENEVA} (30 Oct 2020)", {"fulfilled": 2, "violated": 1}), ("Moscow statement", {"violated": 3})]
    chart = charts.status_breakdown("By agreement", "Agreement", rows)

    assert chart.columns == ["Fulfilled", "Violated"]
    assert chart.rows == [(f"{GENEVA} (30 Oct 2020)", [2, 1]), ("Moscow statement", [0, 3])]  # the table
    for svg in (chart.wide, chart.narrow):
        lines = [text for _, text in texts(svg)]
        # The legend first (colour is never the only carrier of a status), then each row's
        # name, whole, over one or more lines, in the order given.
        assert lines[:2] == ["Fulfilled", "Violated"]
        joined = " ".join(lines)
        assert f"{GENEVA} (30 Oct 2020)" in joined
        assert joined.index("Geneva meeting") < joined.index("Moscow statement")
        assert f"<title>{GENEVA} (30 Oct 2020): Fulfilled 2, Violated 1</title>" in svg  # on hover
        assert svg.startswith("<svg") and "<script" not in svg and "<style" not in svg
    assert len([t for _, t in texts(chart.wide) if "Geneva" in t or "OSCE" in t]) == 1  # one line on a laptop
    assert len([t for _, t in texts(chart.narrow) if "Geneva" in t or "OSCE" in t or "co-chairs" in t]) == 2
    assert 'class="breakdown chart-wide"' in chart.wide and 'viewBox="0 0 1100 ' in chart.wide
    assert 'class="breakdown chart-narrow"' in chart.narrow and 'viewBox="0 0 360 ' in chart.narrow


def test_chart_text_is_at_least_13_units_and_labels_are_escaped():
    rows = [("<b>Truce</b> & \x07bell", {"disputed": 1})]
    for chart in (
        charts.status_breakdown("By party", "Party", rows),
        charts.deadline_timeline(selectors.bucket_timeline([(date(2020, 11, 6), "disputed", 1)])),
        charts.status_over_time(selectors.StatusSeries("week", [date(2020, 11, 8)], [{"disputed": 1}])),
    ):
        for svg in (chart.wide, chart.narrow):
            sizes = [int(size) for size in re.findall(r'font-size(?::|=")(\d+)(?:px|")', svg)]
            assert sizes and min(sizes) >= 13, sizes
            assert "<b>" not in svg and "\x07" not in svg
    assert "&lt;b&gt;Truce&lt;/b&gt; &amp;  bell" in charts.status_breakdown("By party", "Party", rows).wide


def test_obligations_by_status_week_by_week_from_the_log(make_commitment, record, armenia, azerbaijan, geneva):
    """By hand: the Geneva statement, signed Friday 30 Oct 2020, binds Armenia and Azerbaijan
    to two commitments (four obligations). Azerbaijan's lists: in progress from Mon 2 Nov,
    fulfilled from Thu 5 Nov; Armenia's: fulfilled from Wed 11 Nov, recorded later with a
    back-dated update to 'in progress' from 3 Nov. The other commitment: Armenia not
    fulfilled from Sun 15 Nov (a Sunday counts in its own week)."""
    lists = make_commitment()
    remains = make_commitment(reference="remains")
    record(lists, party=azerbaijan, status=Status.IN_PROGRESS, effective_on=date(2020, 11, 2))
    record(lists, party=azerbaijan, status=Status.FULFILLED, effective_on=date(2020, 11, 5))
    record(lists, party=armenia, status=Status.FULFILLED, effective_on=date(2020, 11, 11))
    record(lists, party=armenia, status=Status.IN_PROGRESS, effective_on=date(2020, 11, 3))  # back-dated
    record(remains, party=armenia, status=Status.NOT_FULFILLED, effective_on=date(2020, 11, 15))

    series = selectors.status_over_time(Obligation.objects.all(), today=date(2020, 11, 18), first=geneva.signed_on)

    assert series.unit == "week"
    assert series.days == [date(2020, 11, 1), date(2020, 11, 8), date(2020, 11, 15), date(2020, 11, 18)]
    assert series.counts == [
        {"not_started": 4},
        {"fulfilled": 1, "in_progress": 1, "not_started": 2},
        {"fulfilled": 2, "not_fulfilled": 1, "not_started": 1},
        {"fulfilled": 2, "not_fulfilled": 1, "not_started": 1},
    ]
    chart = charts.status_over_time(series)
    assert chart.title == "Obligations by status, week by week"
    assert chart.columns == ["Not started", "In progress", "Fulfilled", "Not fulfilled"]
    assert chart.rows == [
        ("1 Nov 2020", [4, 0, 0, 0]),
        ("8 Nov 2020", [2, 1, 1, 0]),
        ("15 Nov 2020", [1, 0, 2, 1]),
        ("Today (18 Nov 2020)", [1, 0, 2, 1]),
    ]


@pytest.mark.parametrize(
    ("first", "today", "unit", "points", "first_point"),
    [
        (date(2020, 10, 30), date(2020, 10, 30), "week", 1, date(2020, 10, 30)),  # signed today
        (date(2020, 10, 30), date(2022, 10, 20), "week", 104, date(2020, 11, 1)),
        (date(2020, 10, 30), date(2022, 11, 20), "month", 26, date(2020, 10, 31)),
        (date(1900, 1, 1), date(2026, 12, 2), "month", 120, date(2017, 1, 31)),  # the last ten years
        (date(2030, 1, 1), date(2026, 12, 2), "week", 1, date(2026, 12, 2)),  # signed in the future
    ],
)
def test_the_compliance_series_is_bounded(first, today, unit, points, first_point):
    got_unit, days = selectors.status_series_days(first, today)
    assert (got_unit, len(days), days[0], days[-1]) == (unit, points, first_point, today)
    assert days == sorted(set(days))


def test_dashboard_charts_escape_titles_and_show_partners_published_data_only(
    client, make_commitment, analyst, partner
):
    published = AgreementFactory(title="<script>alert(1)</script> Truce", signed_on=date(2021, 1, 1), published=True)
    make_commitment(agreement=published)
    make_commitment()  # on the Geneva statement, not published

    client.force_login(analyst)
    page = client.get("/").text
    assert page.count("<svg") == 8  # four charts, each drawn wide and narrow
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; Truce" in page
    assert "Geneva statement" in page
    assert "Obligations by status, month by month" in page  # from 2020 to today
    # Everything the page loads comes from the project: no network needed, no CDN.
    assert re.findall(r'(?:src|href)="(?:https?:)?//', page) == []
    assert '<link rel="stylesheet" href="/static/tracker/tracker.css">' in page

    client.force_login(partner)
    page = client.get("/").text
    assert "Truce" in page and "Geneva statement" not in page


def test_the_compliance_chart_follows_a_new_status_update_at_once(client, make_commitment, record, analyst, azerbaijan):
    """The charts are cached; the key changes with the log, so no stale chart is shown."""
    lists = make_commitment()
    client.force_login(analyst)
    row = re.compile(r'<th scope="row">Today \([^)]*\)</th>((?:<td>\d+</td>)+)')
    page = client.get("/").text
    assert row.search(page).group(1) == "<td>2</td>"

    record(lists, party=azerbaijan, status=Status.FULFILLED, effective_on=date(2020, 11, 5))
    page = client.get("/").text
    assert row.search(page).group(1) == "<td>1</td><td>1</td>"  # not started 1, fulfilled 1


@pytest.mark.parametrize("signed_on", [date(1, 1, 1), date(1900, 1, 1), date(9999, 12, 31)])
def test_an_agreement_of_year_1_or_9999_keeps_the_compliance_chart_bounded(client, make_commitment, analyst, signed_on):
    """Dates older than the input window (stored before it existed) or far out."""
    lists = make_commitment()
    type(lists.agreement).objects.filter(pk=lists.agreement_id).update(
        signed_on=signed_on, title="Truce\x07 of =HYPERLINK(1)"
    )
    client.force_login(analyst)
    response = client.get("/")
    assert response.status_code == 200
    rows = response.context["charts"][3].rows
    assert 1 <= len(rows) <= selectors.COMPLIANCE_MAX_POINTS
    assert rows[-1][1] == ([2] if signed_on.year < 9999 else [])  # a future agreement does not count yet


def test_a_partner_sees_an_agreement_in_the_compliance_chart_once_it_is_published(client, make_commitment, partner):
    lists = make_commitment()  # on the Geneva statement, not published
    client.force_login(partner)
    assert client.get("/").context["charts"][3].rows == []
    agreement = lists.agreement
    agreement.published = True
    agreement.save()  # as agreement_publish does: its updated_at is in the charts' cache key
    assert client.get("/").context["charts"][3].rows[-1][1] == [2]
