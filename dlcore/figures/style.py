"""The shared look of every figure: the Okabe–Ito palette, text sizes for a
screen (``NORMAL``) and a projector (``PROJECTOR``), titles and margins, and
the sizes of a figure's parts that stacking needs (text widths, legends).

Figures are built at ``NORMAL`` size; ``ui.charts.project`` scales any
figure for the projector afterwards (one projector path)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

# Okabe & Ito (2008), "Color Universal Design": blue, vermillion, bluish
# green, orange, reddish purple, sky blue, yellow, black.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#E69F00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)


@dataclass(frozen=True)
class ChartStyle:
    """Sizes that change between a laptop screen and a projector.

    Attributes:
        font_size: Base chart text size in px.
        line_width: Trace line width in px.
        marker_size: Marker diameter in px.
        height: Default figure height in px.
    """

    font_size: int = 14
    line_width: float = 2.0
    marker_size: int = 7
    height: int = 380


# Every chart is drawn on the white template. As Plotly's default it is applied
# when a figure is serialised, to the same JSON; named on each figure, Plotly
# validated the whole template again: ~20 of a live chart's ~40 ms.
pio.templates.default = "plotly_white"

NORMAL = ChartStyle()
PROJECTOR = ChartStyle(font_size=20, line_width=4.0, marker_size=11, height=440)


def apply_layout(fig: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    """Applies the shared look (palette, fonts, margins, titles) to a figure."""
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        font={"size": NORMAL.font_size},
        height=NORMAL.height,
        margin={"l": 10, "r": 10, "t": 50 + NORMAL.font_size, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
        colorway=list(OKABE_ITO),
        uirevision="keep",  # keep the user's zoom while live data arrives
    )
    fig.update_xaxes(title_text=x_title, automargin=True)
    fig.update_yaxes(title_text=y_title, automargin=True)
    return fig


# Sizes of the animated figures' parts as multiples of the font size (px),
# measured on the app's chart font (Source Sans) in Chromium, rounded up.
LINE = 1.35  # one line of text
AXIS_BAND = 4.0  # x tick labels and the axis title below a plot area, and a gap
BELOW_RAIL = 1.0  # slider ticks and labels below its rail: BELOW_RAIL·size + 38 px
LEGEND_ROW = 1.5  # one entry of a legend
LEGEND_WIDTH = 560  # px a legend may fill: the plot width at 1024 px with the sidebar open


def text_width(text: str, size: float) -> float:
    """Estimated width in px of one line of chart text: wide (CJK) characters
    take one em, others half an em (tags such as ``<br>`` take none)."""
    plain = re.sub(r"<[^>]*>", "", text)
    return size * sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in plain)


def legend_grouped(fig: go.Figure) -> bool:
    """Whether Plotly groups the legend: when some trace has a legend group."""
    return any(trace.legendgroup for trace in fig.data)


def legend_height(fig: go.Figure, size: float, width: float = LEGEND_WIDTH) -> float:
    """Height in px of the figure's horizontal legend in ``width`` px, as
    Plotly lays it out.

    An entry is a 40 px symbol, the name and a 5 px gap. A grouped legend
    stacks each group's entries in a block as wide as its widest entry (a
    trace without a group is a block of its own); blocks fill rows left to
    right, 10 px apart. Otherwise entries fill one row if they fit, else rows
    of equal columns as wide as the widest entry.

    Args:
        fig: The figure.
        size: Legend font size in px.
        width: Width the legend may fill.

    Returns:
        The height, 0 without a legend.
    """
    grouped = legend_grouped(fig)
    groups: dict[str, list[float]] = {}
    for i, trace in enumerate(fig.data):
        if trace.showlegend is not False:
            entry = 45 + text_width(trace.name or f"trace {i}", size)
            groups.setdefault((grouped and trace.legendgroup) or f"~{i}", []).append(entry)
    entries = [entry for block in groups.values() for entry in block]
    if fig.layout.showlegend is False or len(entries) < 2:
        return 0.0
    if not grouped:
        if sum(entries) <= width:
            return LEGEND_ROW * size + 10
        per_row = max(1, int(width // max(entries)))
        rows = math.ceil(len(entries) / per_row)
        return rows * LEGEND_ROW * size + 10
    stacked: list[int] = []  # entries stacked in each row's tallest block
    used = width
    for block in groups.values():
        if used + max(block) > width:
            stacked.append(0)
            used = 0.0
        stacked[-1] = max(stacked[-1], len(block))
        used += max(block)
    return sum(stacked) * LEGEND_ROW * size + 10 * (len(stacked) - 1) + 10
