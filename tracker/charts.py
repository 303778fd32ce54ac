"""The dashboard's charts, drawn on the server as SVG by pygal: no script, no network, and
every figure also given as a table (colour is never the only carrier of a status)."""

from dataclasses import dataclass
from xml.etree import ElementTree

import pygal
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from pygal.style import Style

from commitments.choices import STATUS_COLOURS, Status

from .selectors import StatusCounts, Timeline


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString
    row_heading: str  # the data table's first column heading
    columns: list[str]  # the data table's column headings after the first
    rows: list[tuple[str, list[int]]]  # (row label, one figure per column)


def _style(statuses: list[str]) -> Style:
    return Style(
        background="transparent",
        plot_background="transparent",
        foreground="#222",
        foreground_strong="#111",
        foreground_subtle="#ddd",
        font_family="system-ui, sans-serif",
        label_font_size=13,
        major_label_font_size=13,
        legend_font_size=14,
        value_font_size=13,
        colors=tuple(STATUS_COLOURS[status] for status in statuses),
    )


def _statuses(present: set[str]) -> list[str]:
    """The statuses that occur, in the vocabulary's order (so colours and legends are stable)."""
    return [status for status in Status.values if status in present]


def _svg(chart: pygal.graph.graph.Graph) -> SafeString:
    """The chart as inline SVG, without pygal's tooltip script. pygal escapes every label."""
    root = chart.render_tree()
    for parent in list(root.iter()):
        for script in parent.findall("script"):
            parent.remove(script)  # pygal's tooltip script: the pages run no script
        for tooltip in parent.findall("g[@class='tooltip']"):
            parent.remove(tooltip)  # ...so no tooltip, whose inline style the CSP would refuse
    for title in root.findall("title"):
        root.remove(title)  # "Pygal"; the figure's caption names the chart
    # The table under each chart carries the same figures for screen readers.
    root.set("aria-hidden", "true")
    root.set("focusable", "false")
    return mark_safe(ElementTree.tostring(root, encoding="unicode"))  # noqa: S308 - escaped by ElementTree


def _options(statuses: list[str], **options) -> dict:
    return {
        "js": [],
        "disable_xml_declaration": True,
        "style": _style(statuses),
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "truncate_legend": -1,
        "print_zeroes": False,
        "width": 720,
        **options,
    }


LABEL_CHARS = 36  # the full label is in the table under the chart


def status_breakdown(title: str, row_heading: str, rows: list[tuple[str, StatusCounts]]) -> Chart:
    """One horizontal bar per row (an agreement, a party), stacked by obligation status."""
    statuses = _statuses(set().union(*(counts for _, counts in rows)))
    chart = pygal.HorizontalStackedBar(
        **_options(statuses, height=120 + 36 * max(len(rows), 1), print_values=True),
        x_labels=[Truncator(label).chars(LABEL_CHARS) for label, _ in rows],
        no_data_text="No obligation yet",
    )
    for status in statuses:
        chart.add(Status(status).label, [counts.get(status) for _, counts in rows])
    return Chart(
        title=title,
        svg=_svg(chart),
        row_heading=row_heading,
        columns=[Status(status).label for status in statuses],
        rows=[(label, [counts.get(status, 0) for status in statuses]) for label, counts in rows],
    )


BUCKET_LABELS = {"day": "j M Y", "week": "j M Y", "month": "M Y", "year": "Y"}
BUCKET_TITLES = {"day": "day", "week": "week (from Monday)", "month": "month", "year": "year"}


def deadline_timeline(timeline: Timeline) -> Chart:
    """Due moments on a time axis: obligations falling due per calendar bucket, stacked by
    status. Empty buckets are kept, so the axis is linear in time."""
    statuses = _statuses(set(timeline.counts))
    if timeline.years > 1:  # 2020 to 2029; there is no year 0, so the first may be 1 to 9
        title = f"Obligations falling due per {timeline.years} years (UTC)"
        ends = [bucket.year - bucket.year % timeline.years + timeline.years - 1 for bucket in timeline.buckets]
        labels = [f"{bucket.year}\u2013{end}" for bucket, end in zip(timeline.buckets, ends, strict=True)]
    else:
        title = f"Obligations falling due per {BUCKET_TITLES[timeline.unit]} (UTC)"
        labels = [date_format(bucket, BUCKET_LABELS[timeline.unit]) for bucket in timeline.buckets]
    chart = pygal.StackedBar(
        **_options(statuses, height=380),
        x_labels=labels,
        x_label_rotation=30,
        show_minor_x_labels=False,
        x_labels_major_every=max(1, len(labels) // 8),
        no_data_text="No due moment yet",
    )
    for status in statuses:
        chart.add(Status(status).label, [n or None for n in timeline.counts[status]])
    rows = [
        (label, [timeline.counts[status][i] for status in statuses])
        for i, label in enumerate(labels)
        if any(timeline.counts[status][i] for status in statuses)
    ]
    return Chart(
        title=title,
        svg=_svg(chart),
        row_heading="Falling due in",
        columns=[Status(status).label for status in statuses],
        rows=rows,
    )
