"""The weekly chart's drawing (commitments/incident_charts.py): long quiet runs are one
gap, parties past the palette share "Other parties", names are escaped and cleaned."""

from datetime import date, timedelta

from commitments.incident_charts import GAP_WEEKS, incidents_by_week
from commitments.incident_selectors import IncidentWeeks

MONDAY = date(2020, 12, 28)


def weeks(n: int) -> list[date]:
    return [MONDAY + timedelta(weeks=i) for i in range(n)]


def test_a_long_quiet_run_is_one_gap_and_left_out_of_the_table():
    counts = [1] + [0] * 50 + [2]
    chart = incidents_by_week(IncidentWeeks(weeks=weeks(52), parties=[("ARM", "Armenia")], counts={"ARM": counts}))
    assert chart.wide.count('class="gap"') == 1 and chart.narrow.count('class="gap"') == 1
    assert f"{GAP_WEEKS} or more weeks without incidents" in chart.note
    assert [label for label, _ in chart.rows] == [
        "28 Dec 2020 (2020-W53)",
        "20 Dec 2021 (2021-W51)",
    ]
    assert chart.columns == ["Armenia (ARM)"]


def test_a_short_quiet_run_stays_on_the_axis():
    chart = incidents_by_week(IncidentWeeks(weeks=weeks(4), parties=[("ARM", "Armenia")], counts={"ARM": [1, 0, 0, 1]}))
    assert 'class="gap"' not in chart.wide and "gap" not in chart.note


def test_parties_past_the_palette_share_other_parties():
    parties = [(f"P{i}", f"Party {i}") for i in range(9)]
    chart = incidents_by_week(IncidentWeeks(weeks=weeks(1), parties=parties, counts={code: [1] for code, _ in parties}))
    assert chart.columns[:6] == [f"Party {i} (P{i})" for i in range(6)]
    assert chart.columns[6:] == ["Other parties"]
    assert chart.rows == [("28 Dec 2020 (2020-W53)", [1, 1, 1, 1, 1, 1, 3])]


def test_hostile_names_are_escaped_and_control_characters_dropped():
    name = '<script>alert(1)</script>\x07=cmd "Ω"'
    chart = incidents_by_week(IncidentWeeks(weeks=weeks(1), parties=[("X", name)], counts={"X": [1]}))
    assert "<script>" not in chart.wide and "&lt;script&gt;" in chart.wide
    assert "\x07" not in chart.wide and "Ω" in chart.narrow
