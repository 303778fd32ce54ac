"""What every chart of the site shares (the dashboard's in tracker/charts.py, the
evidence's in commitments/incident_charts.py): the two layouts each chart is drawn in, the
chart with its data table, and the SVG text helpers. See tracker/charts.py for why each
chart is drawn twice."""

import re
from dataclasses import dataclass
from xml.etree import ElementTree

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Layout:
    """One drawing's size: viewBox width and the smallest font, in SVG units. Shown at
    about its width (see tracker.css), a unit is about a CSS pixel."""

    name: str
    width: int
    font: int
    legend_columns: int
    x_labels: int  # at most this many labels along a time axis


WIDE = Layout("wide", width=1100, font=14, legend_columns=4, x_labels=8)
NARROW = Layout("narrow", width=360, font=13, legend_columns=2, x_labels=5)
LAYOUTS = (WIDE, NARROW)


@dataclass(frozen=True)
class Chart:
    title: str
    svgs: dict[str, SafeString]  # layout name -> the drawing
    row_heading: str  # the data table's first column heading
    columns: list[str]  # the data table's column headings after the first
    rows: list[tuple[str, list[int]]]  # (row label, one figure per column)
    note: str = ""  # how to read it, under the title

    @property
    def wide(self) -> SafeString:
        return self.svgs[WIDE.name]

    @property
    def narrow(self) -> SafeString:
        return self.svgs[NARROW.name]


def _finish(root: ElementTree.Element, layout: Layout) -> SafeString:
    """The SVG element as markup: marked with its layout for CSS, hidden from screen readers
    (the table under each chart carries the same figures)."""
    root.set("class", f"{root.get('class', '')} chart-{layout.name}".strip())
    root.set("aria-hidden", "true")
    root.set("focusable", "false")
    return mark_safe(ElementTree.tostring(root, encoding="unicode"))  # noqa: S308 - escaped by ElementTree


# Control characters are not allowed in XML; a label keeps its words.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text)


CHAR_WIDTH = 0.58  # average glyph width of system-ui as a share of the font size
ON_DARK, ON_LIGHT = "#fff", "#111"


def _text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (#rrggbb)."""
    red, green, blue = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * red**2.2 + 0.7152 * green**2.2 + 0.0722 * blue**2.2
    return ON_LIGHT if luminance > 0.22 else ON_DARK


def _text(parent, x: float, y: float, text: str, size: int, **attributes) -> ElementTree.Element:
    element = ElementTree.SubElement(
        parent, "text", {"x": f"{x:.1f}", "y": f"{y:.1f}", "font-size": str(size), **attributes}
    )
    element.text = text
    return element
