"""The report's colours and line styles: the one home of each, for the HTML, the PDF printed from
it, the charts and the workbook.

RAG fills carry their rating as text too (the words Red, Amber, Green), and each text colour on
its fill has a contrast ratio of at least 4.5:1 (WCAG 2.2, 1.4.3), checked by
``tests/unit/report/test_palette.py`` from the CSS the report actually carries. Comparator lines
differ by dash pattern and carry a direct label, so they are told apart without colour (WCAG
1.4.1), as OHID Fingertips draws England and the region.
"""

from __future__ import annotations

from dataclasses import dataclass

from pmqa_lib.core.format import AMBER, GREEN, RED


@dataclass(frozen=True)
class Swatch:
    """A fill and the text colour written on it."""

    fill: str
    text: str


#: RAG badges (NHS identity colours): white on red and green, near-black on amber
RAG = {
    RED: Swatch("#D5281B", "#FFFFFF"),
    AMBER: Swatch("#FFB81C", "#231F20"),
    GREEN: Swatch("#007F3B", "#FFFFFF"),
}
#: not rated, no data: muted text on a pale fill
NOT_RATED = Swatch("#F0F4F5", "#425563")

INK = "#231F20"
MUTED = "#425563"
RULE = "#D8DDE0"
PALE = "#F0F4F5"
BLUE = "#005EB8"
#: the "no data" wording in tables (text on white)
NO_DATA_TEXT = "#B3261E"

# Making Data Count (NHS England; NHS-R plotthedots): the colours of SPC points and icons
COMMON_CAUSE = "#7B7D7D"
IMPROVEMENT = "#289DE0"
CONCERN = "#E46C0A"
NEUTRAL = "#490092"
#: darker shades of the MDC colours for text and icon letters on white (>= 4.5:1)
MDC_TEXT = {"common": "#5A5C5C", "improvement": "#005A8C", "concern": "#A3480A",
            "neutral": "#490092"}  # fmt: skip

VALUE_LINE = "#425563"
TARGET = "#B3261E"
LIMITS = "#7B7D7D"
INTERVAL = "#A9C6E0"


@dataclass(frozen=True)
class LineStyle:
    colour: str
    dash: tuple  # matplotlib dash pattern (offset, (on, off, ...))
    label: str


#: comparator lines by the assurance table's column: colour, dash pattern, direct label
COMPARATOR_STYLES = {
    "england": LineStyle("#003087", (0, (6, 2)), "England"),
    "sn": LineStyle("#007F3B", (0, (1, 1.5)), "Stat. neighbours"),
    "region": LineStyle("#AE2573", (0, (5, 1.5, 1, 1.5)), "Region"),
}
TARGET_DASH = (0, (2.5, 2.5))


def css_variables() -> str:
    """The ``:root`` custom properties the stylesheet uses for these colours."""
    pairs = {
        "--ink": INK, "--muted": MUTED, "--rule": RULE, "--pale": PALE, "--blue": BLUE,
        "--nodata": NO_DATA_TEXT,
        "--red": RAG[RED].fill, "--red-text": RAG[RED].text,
        "--amber": RAG[AMBER].fill, "--amber-text": RAG[AMBER].text,
        "--green": RAG[GREEN].fill, "--green-text": RAG[GREEN].text,
        "--none": NOT_RATED.fill, "--none-text": NOT_RATED.text,
        "--mdc-common": MDC_TEXT["common"], "--mdc-improvement": MDC_TEXT["improvement"],
        "--mdc-concern": MDC_TEXT["concern"], "--mdc-neutral": MDC_TEXT["neutral"],
    }  # fmt: skip
    return ":root { " + " ".join(f"{k}: {v};" for k, v in pairs.items()) + " }\n"


def relative_luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of a ``#RRGGBB`` (or ``#RGB``) colour."""
    h = colour.strip().lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)
