"""The weekly chart of linked incidents by party, on a commitment's and a party's page:
drawn on the server as SVG the way tracker/charts.py draws the dashboard's (a wide and a
narrow drawing, CSS shows the one that fits; no script; the figures also as a table, so
colour is never the only carrier: the legend names each party, the table gives each
figure). Bars stack the parties per ISO week (Monday to Sunday); a run of weeks with no
incident is drawn as one narrow gap so that years of data stay readable on a phone."""

from dataclasses import dataclass
from datetime import date
from xml.etree import ElementTree

from django.utils.dateformat import format as date_format

from core.charts import CHAR_WIDTH, LAYOUTS, WIDE, Chart, Layout, _clean, _finish, _text, _text_colour

from .incident_selectors import IncidentWeeks

# Okabe-Ito (readable with colour-blindness), yellow left out (too pale on white); parties
# past the palette share "Other parties".
PARTY_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000"]
OTHER_COLOUR = "#8c8c8c"
OTHER = ("", "Other parties")
GAP_WEEKS = 4  # this many empty weeks in a row or more are one gap


@dataclass(frozen=True)
class Place:
    """A place on the time axis: a week (``start``), or a gap of ``weeks`` empty weeks."""

    start: date
    weeks: int = 1
    gap: bool = False


def _series(data: IncidentWeeks) -> list[tuple[str, str, str, list[int]]]:
    """(code, name, colour, counts) per series, the palette's worth of parties then the rest."""
    fits = len(data.parties) <= len(PARTY_COLOURS)
    shown = data.parties if fits else data.parties[: len(PARTY_COLOURS) - 1]  # the last colour: "Other"
    series = [
        (code, name, colour, data.counts[code]) for (code, name), colour in zip(shown, PARTY_COLOURS, strict=False)
    ]
    rest = [code for code, _ in data.parties[len(shown) :]]
    if rest:
        other = [sum(data.counts[code][i] for code in rest) for i in range(len(data.weeks))]
        series.append((OTHER[0], OTHER[1], OTHER_COLOUR, other))
    return series


def _places(weeks: list[date], totals: list[int]) -> list[tuple[Place, int | None]]:
    """The axis: each week with its index in ``weeks``, runs of GAP_WEEKS empty ones as one gap."""
    places: list[tuple[Place, int | None]] = []
    i = 0
    while i < len(weeks):
        run = i
        while run < len(weeks) and not totals[run]:
            run += 1
        if run - i >= GAP_WEEKS:
            places.append((Place(start=weeks[i], weeks=run - i, gap=True), None))
            i = run
            continue
        places.append((Place(start=weeks[i]), i))
        i += 1
    return places


def _step(top: int) -> int:
    """About five whole-number steps from 0 to ``top``."""
    return next(base * 10**power for power in range(12) for base in (1, 2, 5) if base * 10**power * 5 >= top)


def _legend(svg, series, layout: Layout) -> float:
    size, x, y, line = layout.font, 0.0, 0.0, layout.font * 1.6
    for code, name, colour, _ in series:
        label = f"{name} ({code})" if code else name
        advance = size * 1.5 + len(label) * size * CHAR_WIDTH + size
        if x and x + advance > layout.width:
            x, y = 0.0, y + line
        ElementTree.SubElement(
            svg, "rect", {"x": f"{x:.1f}", "y": f"{y:.1f}", "width": str(size), "height": str(size), "fill": colour}
        )
        _text(svg, x + size * 1.4, y + size * 0.9, label, size, fill="#222")
        x += advance
    return y + line


def _week_label(day: date) -> str:
    return f"Week of {date_format(day, 'j M Y')}"


def _svg(data: IncidentWeeks, series, places, layout: Layout):
    size = layout.font
    svg = ElementTree.Element(
        "svg",
        {"xmlns": "http://www.w3.org/2000/svg", "class": "incident-weeks", "font-family": "system-ui, sans-serif"},
    )
    top_y = _legend(svg, series, layout) + size * 0.8
    totals = [sum(counts[i] for *_, counts in series) for i in range(len(data.weeks))]
    top = max(totals, default=0) or 1
    step = _step(top)
    top = -(-top // step) * step
    left = size * CHAR_WIDTH * len(str(top)) + size * 0.6
    plot_height = 220 if layout is WIDE else 180
    bottom_y = top_y + plot_height
    plot_width = layout.width - left - size * 0.3
    slot = plot_width / max(1, len(places))
    for tick in range(0, top + 1, step):
        y = bottom_y - tick / top * plot_height
        ElementTree.SubElement(
            svg,
            "line",
            {"x1": f"{left:.1f}", "x2": f"{layout.width:.1f}", "y1": f"{y:.1f}", "y2": f"{y:.1f}", "stroke": "#ddd"},
        )
        _text(svg, left - size * 0.4, y + size * 0.35, str(tick), size, fill="#222", **{"text-anchor": "end"})
    bar = max(1.0, slot * 0.8)
    for n, (place, index) in enumerate(places):
        x = left + n * slot + (slot - bar) / 2
        if place.gap:
            group = ElementTree.SubElement(svg, "g", {"class": "gap"})
            ElementTree.SubElement(group, "title").text = f"{place.weeks} weeks without incidents"
            _text(group, x + bar / 2, bottom_y - size * 0.3, "\u22ef", size, fill="#555", **{"text-anchor": "middle"})
            continue
        y = bottom_y
        for _code, name, colour, counts in series:
            count = counts[index]
            if not count:
                continue
            height = count / top * plot_height
            y -= height
            segment = ElementTree.SubElement(svg, "g", {"class": "segment"})
            ElementTree.SubElement(segment, "title").text = f"{_week_label(place.start)}: {name} {count}"
            ElementTree.SubElement(
                segment,
                "rect",
                {"x": f"{x:.1f}", "y": f"{y:.1f}", "width": f"{bar:.1f}", "height": f"{height:.1f}", "fill": colour},
            )
            if height >= size * 1.2 and bar >= size * CHAR_WIDTH * len(str(count)) + 4:
                _text(
                    segment,
                    x + bar / 2,
                    y + height / 2 + size * 0.35,
                    str(count),
                    size,
                    fill=_text_colour(colour),
                    **{"text-anchor": "middle"},
                )
    ElementTree.SubElement(
        svg,
        "line",
        {"x1": f"{left:.1f}", "x2": f"{layout.width:.1f}", "y1": f"{bottom_y:.1f}", "y2": f"{bottom_y:.1f}"},
        stroke="#555",
    )
    y = _axis_labels(svg, places, left, slot, bottom_y, layout)
    height = round(y + size * 0.4)
    svg.set("viewBox", f"0 0 {layout.width} {height}")
    svg.set("width", str(layout.width))
    svg.set("height", str(height))
    return _finish(svg, layout)


def _axis_labels(svg, places, left: float, slot: float, bottom_y: float, layout: Layout) -> float:
    """The Monday of a few weeks (the first, the last, evenly between; never a gap), day
    and month over the year; returns the y below them."""
    size = layout.font
    weeks = [n for n, (place, _) in enumerate(places) if not place.gap]
    room = size * CHAR_WIDTH * 7  # "28 Dec" and a margin
    most = max(1, min(layout.x_labels, int((layout.width - left) / room)))
    every = max(1, -(-len(weeks) // most))
    chosen = weeks[::every]
    if weeks and weeks[-1] not in chosen:
        if chosen and (weeks[-1] - chosen[-1]) * slot < room:
            chosen.pop()
        chosen.append(weeks[-1])
    for n in chosen:
        day = places[n][0].start
        # Centred under its bar, but never past the drawing's edge (the first and last).
        half = size * CHAR_WIDTH * len(date_format(day, "j M")) / 2 + 2
        x = min(max(left + (n + 0.5) * slot, half), layout.width - half)
        _text(svg, x, bottom_y + size * 1.3, date_format(day, "j M"), size, fill="#222", **{"text-anchor": "middle"})
        _text(svg, x, bottom_y + size * 2.6, str(day.year), size, fill="#222", **{"text-anchor": "middle"})
    return bottom_y + size * 2.6


def incidents_by_week(data: IncidentWeeks) -> Chart:
    """The weekly chart of ``data`` (commitments.incident_selectors.incident_weeks)."""
    data = IncidentWeeks(weeks=data.weeks, parties=[(c, _clean(n)) for c, n in data.parties], counts=data.counts)
    series = _series(data)
    totals = [sum(counts[i] for *_, counts in series) for i in range(len(data.weeks))]
    places = _places(data.weeks, totals)
    note = (
        "Incidents per week (Monday to Sunday, by the place's own date), stacked by the party whose obligation"
        " each is linked to: one linked to two parties' obligations counts for each."
    )
    if any(place.gap for place, _ in places):
        note += f" A run of {GAP_WEEKS} or more weeks without incidents is one narrow gap (\u22ef)."
    columns = [f"{name} ({code})" if code else name for code, name, _, _ in series]
    rows = [
        (
            f"{date_format(week, 'j M Y')} ({week.isocalendar().year}-W{week.isocalendar().week:02d})",
            [counts[i] for *_, counts in series],
        )
        for i, week in enumerate(data.weeks)
        if totals[i]
    ]
    return Chart(
        title="Linked incidents per week, by party",
        svgs={layout.name: _svg(data, series, places, layout) for layout in LAYOUTS},
        row_heading="Week from Monday (ISO week)",
        columns=columns,
        rows=rows,
        note=note,
    )
