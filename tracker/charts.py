"""The dashboard's charts, drawn on the server as SVG: no script, no network, and every
figure also given as a table (colour is never the only carrier of a status).

Each chart is drawn twice, for a wide screen and for a phone, and CSS shows the one that
fits (tracker.css, "Charts"): an SVG scales with its width, so one drawing cannot keep its
text readable (11 px or more) on both a 1,130 px column and a 350 px one. The time charts
are pygal's; the per-agreement and per-party bars are laid out here, so that a long name
wraps over lines above its bar instead of being cut."""

import textwrap
from xml.etree import ElementTree

import pygal
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString
from pygal.style import Style

from commitments.choices import STATUS_COLOURS, Status
from core.charts import (
    CHAR_WIDTH,
    LAYOUTS,
    WIDE,
    Chart,
    Layout,
    _clean,
    _finish,
    _text,
    _text_colour,
)

from .selectors import StatusCounts, StatusSeries, Timeline


def _statuses(present: set[str]) -> list[str]:
    """The statuses that occur, in the vocabulary's order (so colours and legends are stable)."""
    return [status for status in Status.values if status in present]


# --- Status breakdowns: one bar per row (an agreement, a party), stacked by status ---


def _legend(svg, statuses: list[str], layout: Layout, y: float) -> float:
    """Swatch and name of each status, flowing over lines; returns the y below it."""
    size, x, line = layout.font, 0.0, layout.font * 1.6
    for status in statuses:
        label = Status(status).label
        advance = size * 1.5 + len(label) * size * CHAR_WIDTH + size
        if x and x + advance > layout.width:
            x, y = 0.0, y + line
        ElementTree.SubElement(
            svg,
            "rect",
            {"x": f"{x:.1f}", "y": f"{y:.1f}", "width": str(size), "height": str(size), "fill": STATUS_COLOURS[status]},
        )
        _text(svg, x + size * 1.4, y + size * 0.9, label, size, fill="#222")
        x += advance
    return y + line


def _breakdown_svg(rows: list[tuple[str, StatusCounts]], statuses: list[str], layout: Layout, empty: str):
    size = layout.font
    svg = ElementTree.Element(
        "svg", {"xmlns": "http://www.w3.org/2000/svg", "class": "breakdown", "font-family": "system-ui, sans-serif"}
    )
    y = _legend(svg, statuses, layout, 0) + size * 0.5
    if not rows:
        _text(svg, 0, y + size * 1.5, empty, size + 4, fill="#222")
        y += size * 3
    widest = max((sum(counts.values()) for _, counts in rows), default=1) or 1
    total_room = size * CHAR_WIDTH * (len(str(widest)) + 1)  # the total, right of the bar
    scale = (layout.width - total_room) / widest
    chars = max(12, int(layout.width / (size * CHAR_WIDTH)))
    bar = size * 1.7
    for label, counts in rows:
        row = ElementTree.SubElement(svg, "g", {"class": "row"})
        figures = ", ".join(f"{Status(s).label} {counts[s]}" for s in statuses if counts.get(s))
        ElementTree.SubElement(row, "title").text = f"{label}: {figures or 'none'}"
        for line in textwrap.wrap(label, chars, break_long_words=True) or [""]:
            y += size * 1.25
            _text(row, 0, y, line, size, fill="#222")
        y += size * 0.45
        x = 0.0
        for status in statuses:
            n = counts.get(status, 0)
            if not n:
                continue
            width = n * scale
            colour = STATUS_COLOURS[status]
            ElementTree.SubElement(
                row,
                "rect",
                {"x": f"{x:.1f}", "y": f"{y:.1f}", "width": f"{width:.1f}", "height": f"{bar:.1f}", "fill": colour},
            )
            if width >= size * CHAR_WIDTH * len(str(n)) + 6:
                _text(
                    row,
                    x + width / 2,
                    y + bar / 2 + size * 0.35,
                    str(n),
                    size,
                    fill=_text_colour(colour),
                    **{"text-anchor": "middle"},
                )
            x += width
        _text(row, x + size * 0.3, y + bar / 2 + size * 0.35, str(sum(counts.values())), size, fill="#222")
        y += bar + size * 0.6
    height = round(y + size * 0.5)
    svg.set("viewBox", f"0 0 {layout.width} {height}")
    svg.set("width", str(layout.width))
    svg.set("height", str(height))
    return _finish(svg, layout)


def status_breakdown(
    title: str, row_heading: str, rows: list[tuple[str, StatusCounts]], note: str = "", empty: str = "No obligation yet"
) -> Chart:
    """One horizontal bar per row (an agreement, a party), top to bottom in the order given,
    stacked by obligation status; the full label wraps over lines above its bar."""
    rows = [(_clean(label), counts) for label, counts in rows]
    statuses = _statuses(set().union(*(counts for _, counts in rows)))
    return Chart(
        title=title,
        svgs={layout.name: _breakdown_svg(rows, statuses, layout, empty) for layout in LAYOUTS},
        row_heading=row_heading,
        columns=[Status(status).label for status in statuses],
        rows=[(label, [counts.get(status, 0) for status in statuses]) for label, counts in rows],
        note=note,
    )


# --- Time charts (pygal) ---


def _style(statuses: list[str], layout: Layout) -> Style:
    size = layout.font
    return Style(
        background="transparent",
        plot_background="transparent",
        foreground="#222",
        foreground_strong="#111",
        foreground_subtle="#ddd",
        font_family="system-ui, sans-serif",
        label_font_size=size,
        major_label_font_size=size,
        legend_font_size=size,
        value_font_size=size,
        value_label_font_size=size,
        no_data_font_size=size + 6,
        opacity=".85",
        opacity_hover=".85",
        colors=tuple(STATUS_COLOURS[status] for status in statuses),
    )


def _options(statuses: list[str], layout: Layout, **options) -> dict:
    return {
        "js": [],
        "disable_xml_declaration": True,
        "style": _style(statuses, layout),
        "legend_at_bottom": True,
        # No more columns than entries: pygal reserves a negative height for the legend otherwise.
        "legend_at_bottom_columns": max(1, min(layout.legend_columns, len(statuses))),
        "legend_box_size": layout.font,
        "truncate_legend": -1,
        "truncate_label": -1,
        "print_zeroes": False,
        "width": layout.width,
        "margin": 4,
        **options,
    }


def _pygal_svg(chart: pygal.graph.graph.Graph, layout: Layout) -> SafeString:
    """The chart as inline SVG, without pygal's tooltip script. pygal escapes every label."""
    root = chart.render_tree()
    for parent in list(root.iter()):
        for script in parent.findall("script"):
            parent.remove(script)  # pygal's tooltip script: the pages run no script
        for tooltip in parent.findall("g[@class='tooltip']"):
            parent.remove(tooltip)  # ...so no tooltip, whose inline style the CSP would refuse
    for title in root.findall("title"):
        root.remove(title)  # "Pygal"; the figure's caption names the chart
    return _finish(root, layout)


def _count_axis(top: int) -> dict:
    """pygal options for an axis of counts: from 0, whole numbers only, about five steps
    (none without a count: pygal fails on y labels with no series)."""
    if not top:
        return {}
    step = next(base * 10**power for power in range(12) for base in (1, 2, 5) if base * 10**power * 5 >= top)
    return {"include_x_axis": True, "y_labels": list(range(0, top + step, step))}


def _time_axis(labels: list[str], keep: set[int], layout: Layout, from_end: bool = False) -> dict:
    """pygal options for a time axis: at most about ``layout.x_labels`` labels, counted from
    the first (or the last) named place, and always those at ``keep`` (gaps, today) with no
    other label too close to them; level when each fits its room, else slanted."""
    named = [i for i, label in enumerate(labels) if label]  # blank places have no label
    every = max(1, -(-len(named) // layout.x_labels))
    chosen = {i for n, i in enumerate(reversed(named) if from_end else named) if n % every == 0}
    chosen = {i for i in chosen if not any(0 < abs(i - k) < every for k in keep)} | (keep & set(named))
    major = [labels[i] for i in sorted(chosen)]
    room = layout.width / max(1, len(labels)) * every  # the width between two labels
    widest = max((len(label) for label in major), default=0) * layout.font * CHAR_WIDTH
    return {
        "x_labels": labels,
        "x_labels_major": major,
        "show_minor_x_labels": False,
        "x_label_rotation": 0 if widest < room * 0.9 else 40,
    }


BUCKET_LABELS = {"day": "j M Y", "week": "j M Y", "month": "M Y", "year": "Y"}
BUCKET_TITLES = {"day": "day", "week": "week (from Monday)", "month": "month", "year": "year"}
MIN_PLACES = 9
UNIT_PLURALS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}


def _bucket_label(timeline: Timeline, day) -> str:
    if timeline.unit == "year" and timeline.years > 1:
        start = max(1, day.year - day.year % timeline.years)
        return f"{start}\u2013{day.year - day.year % timeline.years + timeline.years - 1}"
    return date_format(day, BUCKET_LABELS[timeline.unit])


def _gap_label(bucket) -> str:
    """A run of empty buckets by its length (its neighbours on the axis give its dates)."""
    days = (bucket.last - bucket.start).days + 1
    for unit, length in (("year", 365), ("month", 30), ("week", 7), ("day", 1)):
        if days >= 2 * length or unit == "day":
            n = days // length
            return f"none, {n} {unit}{'s' if n > 1 else ''}"
    return "none"


def _timeline_labels(timeline: Timeline) -> list[str]:
    return [_gap_label(bucket) if bucket.gap else _bucket_label(timeline, bucket.start) for bucket in timeline.buckets]


def deadline_timeline(timeline: Timeline) -> Chart:
    """Due moments on a time axis: obligations falling due per calendar bucket, stacked by
    status. A run of empty buckets is one gap bar, labelled with its dates and "none"."""
    statuses = _statuses(set(timeline.counts))
    unit = f"{timeline.years} years" if timeline.years > 1 else BUCKET_TITLES[timeline.unit]
    title = f"Obligations falling due per {unit} (UTC)"
    labels = _timeline_labels(timeline)
    gaps = {i for i, bucket in enumerate(timeline.buckets) if bucket.gap}
    note = ""
    if gaps:
        plural = f"{timeline.years}-year periods" if timeline.years > 1 else UNIT_PLURALS[timeline.unit]
        note = (
            f"The axis skips runs of {plural} when nothing falls due: each is one empty place, “none”, with its length."
        )
    # A few bars would each be as wide as the chart: blank places either side keep a bar
    # about as wide as on a busy chart.
    pad = max(0, MIN_PLACES - len(labels)) // 2
    places = [""] * pad + labels + [""] * pad
    top = max((sum(column[i] for column in timeline.counts.values()) for i in range(len(labels))), default=0)
    svgs = {}
    for layout in LAYOUTS:
        chart = pygal.StackedBar(
            **_options(statuses, layout, height=400 if layout is WIDE else 340),
            **_time_axis(places, {pad + i for i in gaps}, layout),
            **_count_axis(top),
            no_data_text="No due moment yet",
        )
        for status in statuses:
            chart.add(Status(status).label, [None] * pad + [n or None for n in timeline.counts[status]] + [None] * pad)
        svgs[layout.name] = _pygal_svg(chart, layout)
    rows = [
        (label, [timeline.counts[status][i] for status in statuses])
        for i, label in enumerate(labels)
        if any(timeline.counts[status][i] for status in statuses)
    ]
    return Chart(
        title=title,
        svgs=svgs,
        row_heading="Falling due in",
        columns=[Status(status).label for status in statuses],
        rows=rows,
        note=note,
    )


SERIES_TITLES = {"week": "week by week", "month": "month by month"}
SERIES_POINTS = {"week": "the end of each week (Sunday)", "month": "the end of each month"}


def status_over_time(series: StatusSeries) -> Chart:
    """Compliance over time: obligations by their status on each day of ``series``, stacked
    (an area per status), from the append-only log."""
    statuses = _statuses(set().union(*series.counts))
    labels = [date_format(day, "j M Y") for day in series.days]
    # The last point is today: "Today" on the axis, with its date in the table.
    axis = [*labels[:-1], "Today"] if labels else []
    dated = [*labels[:-1], f"Today ({labels[-1]})"] if labels else []
    svgs = {}
    for layout in LAYOUTS:
        chart = pygal.StackedLine(
            **_options(statuses, layout, height=380 if layout is WIDE else 340),
            **_time_axis(axis, {len(labels) - 1}, layout, from_end=True),
            **_count_axis(max((sum(counts.values()) for counts in series.counts), default=0)),
            fill=True,
            show_dots=len(labels) == 1,  # one day is a point, not an area
            no_data_text="No obligation yet",
        )
        for status in statuses:
            chart.add(Status(status).label, [counts.get(status, 0) for counts in series.counts])
        svgs[layout.name] = _pygal_svg(chart, layout)
    return Chart(
        title=f"Obligations by status, {SERIES_TITLES[series.unit]}",
        svgs=svgs,
        row_heading="Status on",
        columns=[Status(status).label for status in statuses],
        rows=[
            (label, [counts.get(status, 0) for status in statuses])
            for label, counts in zip(dated, series.counts, strict=True)
        ],
        note=f"Each obligation by its status at {SERIES_POINTS[series.unit]} and today, from the status log.",
    )
