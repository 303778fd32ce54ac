"""The dashboard's charts: the figures they draw, and how they are drawn."""

import re
from datetime import date

import pytest

from commitments.models import Obligation
from commitments.services import DeadlineInput
from tests.factories import AgreementFactory
from tracker import charts, selectors

pytestmark = pytest.mark.django_db


def test_the_timeline_counts_due_moments_per_status_and_day(make_commitment, record, azerbaijan):
    lists = make_commitment()  # within 7 days of 30 Oct 2020 in Zurich: 6 Nov 2020, 23:00 UTC
    make_commitment(reference="later", deadline=DeadlineInput(within_days=10))  # 9 Nov 2020
    record(lists, party=azerbaijan, status="fulfilled", effective_on=date(2020, 11, 5))

    timeline = selectors.due_timeline(Obligation.objects.all())

    assert timeline.unit == "day"
    # Fewer than 14 days apart: padded either side, so one day is not the whole axis.
    assert len(timeline.buckets) == 15
    assert timeline.buckets[0] < date(2020, 11, 6) and timeline.buckets[-1] > date(2020, 11, 9)
    on = {day: i for i, day in enumerate(timeline.buckets)}
    assert timeline.counts["not_started"][on[date(2020, 11, 6)]] == 1
    assert timeline.counts["fulfilled"][on[date(2020, 11, 6)]] == 1
    assert timeline.counts["not_started"][on[date(2020, 11, 9)]] == 2
    assert sum(timeline.counts["not_started"]) + sum(timeline.counts["fulfilled"]) == 4


@pytest.mark.parametrize(
    ("last_due", "unit", "first_bucket", "buckets"),
    [
        (date(2021, 3, 1), "week", date(2020, 11, 2), 18),  # Mondays from 2 Nov 2020 to 1 Mar 2021
        (date(2023, 1, 15), "month", date(2020, 11, 1), 27),  # Nov 2020 to Jan 2023
        (date(2030, 6, 1), "year", date(2020, 1, 1), 11),  # 2020 to 2030
    ],
)
def test_the_timeline_buckets_grow_with_the_span(make_commitment, last_due, unit, first_bucket, buckets):
    make_commitment()  # due 6 Nov 2020
    make_commitment(reference="last", deadline=DeadlineInput(due_on=last_due))
    timeline = selectors.due_timeline(Obligation.objects.all())
    assert (timeline.unit, timeline.buckets[0], len(timeline.buckets)) == (unit, first_bucket, buckets)
    assert sum(sum(column) for column in timeline.counts.values()) == 4


def test_no_due_moment_draws_an_empty_timeline(db):
    timeline = selectors.due_timeline(Obligation.objects.all())
    chart = charts.deadline_timeline(timeline)
    assert timeline.buckets == [] and chart.rows == []
    assert "No due moment yet" in chart.svg


def test_status_breakdowns_per_agreement_and_party(make_commitment, record, armenia, azerbaijan, icrc):
    lists = make_commitment()
    make_commitment(reference="icrc", parties=[icrc])
    record(lists, party=armenia, status="fulfilled", effective_on=date(2020, 11, 5))
    older = AgreementFactory(title="Moscow statement", signed_on=date(2020, 10, 10))
    make_commitment(agreement=older, parties=[armenia])

    by_agreement = selectors.status_counts_by_agreement(Obligation.objects.all(), limit=5)
    assert [(a.title, counts) for a, counts in by_agreement] == [
        ("Geneva statement", {"fulfilled": 1, "not_started": 2}),
        ("Moscow statement", {"not_started": 1}),
    ]
    assert [a.title for a, _ in selectors.status_counts_by_agreement(Obligation.objects.all(), limit=1)] == [
        "Geneva statement"
    ]
    assert selectors.status_counts_by_party(Obligation.objects.all(), limit=2) == [
        ("ARM", {"fulfilled": 1, "not_started": 1}),
        ("AZE", {"not_started": 1}),
    ]


def test_a_chart_names_every_status_and_gives_its_figures_as_a_table():
    chart = charts.status_breakdown(
        "By party", "Party", [("ARM", {"fulfilled": 2, "violated": 1}), ("AZE", {"violated": 3})]
    )
    assert chart.columns == ["Fulfilled", "Violated"]
    assert chart.rows == [("ARM", [2, 1]), ("AZE", [0, 3])]
    # The legend carries the labels: colour is never the only carrier of a status.
    assert "Fulfilled" in chart.svg and "Violated" in chart.svg
    assert chart.svg.startswith("<svg") and "<script" not in chart.svg


def test_dashboard_charts_escape_titles_and_show_partners_published_data_only(
    client, make_commitment, analyst, partner
):
    published = AgreementFactory(title="<script>alert(1)</script> Truce", signed_on=date(2021, 1, 1), published=True)
    make_commitment(agreement=published)
    make_commitment()  # on the Geneva statement, not published

    client.force_login(analyst)
    page = client.get("/").text
    assert page.count("<svg") == 3
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; Truce" in page
    assert "Geneva statement" in page
    # Everything the page loads comes from the project: no network needed, no CDN.
    assert re.findall(r'(?:src|href)="(?:https?:)?//', page) == []
    assert '<link rel="stylesheet" href="/static/tracker/tracker.css">' in page

    client.force_login(partner)
    page = client.get("/").text
    assert "Truce" in page and "Geneva statement" not in page
