"""Contour lines drawn as line traces, for animated figures.

While Plotly plays a frame it redraws only the frame's traces and removes
the layers of other trace types, such as ``go.Contour`` or ``go.Heatmap``,
until the next full redraw (plotly.py issue #2151): a contour background
vanishes during the animation. Line traces share the animated markers'
layer and stay, so animated figures draw their contours as lines, traced by
contourpy (matplotlib's contouring library) on a grid of heights.

Pure NumPy, contourpy and Plotly.
"""

from __future__ import annotations

from collections.abc import Sequence

import contourpy
import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from dlcore.figures.style import NORMAL

# From light (lowest level) to dark (highest): the valley stays clear.
SHADES: list[list[float | str]] = [[0.0, "#E0E0E0"], [1.0, "#9E9E9E"]]
LEGEND_GROUP = "contours"

# (level, xs, ys): one level's pieces, separated by None.
Polyline = tuple[float, list[float | None], list[float | None]]


def short(value: float) -> float:
    """``value`` to five significant digits (keeps figures and their frames small)."""
    return float(f"{value:.5g}")


def contour_lines(xs: Sequence[float], ys: Sequence[float], z: Sequence[Sequence[float]], count: int) -> list[Polyline]:
    """Level sets of heights on a grid, as polylines traced by contourpy.

    The levels split the range of ``z`` into ``count + 1`` equal bands.
    Between grid points contourpy interpolates linearly.

    Args:
        xs: Increasing grid coordinates along x (the columns of ``z``).
        ys: Increasing grid coordinates along y (the rows of ``z``).
        z: Heights, ``z[row = y][column = x]``.
        count: Number of levels.

    Returns:
        ``(level, xs, ys)`` per level, lowest first, with coordinates to five
        significant digits; ``None`` separates the pieces of one level.
    """
    heights = np.asarray(z, dtype=float)
    tracer = contourpy.contour_generator(
        np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), heights, line_type=contourpy.LineType.Separate
    )
    lines = []
    for level in np.linspace(heights.min(), heights.max(), count + 2)[1:-1]:
        px: list[float | None] = []
        py: list[float | None] = []
        for piece in tracer.lines(level):
            px += [short(v) for v in piece[:, 0]] + [None]
            py += [short(v) for v in piece[:, 1]] + [None]
        lines.append((float(level), px[:-1], py[:-1]))
    return lines


def contour_traces(lines: Sequence[Polyline], name: str) -> list[go.Scatter]:
    """One grey line trace per level, light (lowest) to dark (highest),
    outside the legend and hover, its level in ``meta``.

    Args:
        lines: Output of ``contour_lines``.
        name: Trace name (translated).

    Returns:
        The traces, lowest level first, in ``legendgroup`` ``LEGEND_GROUP``.
    """
    shades = sample_colorscale(SHADES, [i / max(len(lines) - 1, 1) for i in range(len(lines))])
    return [
        go.Scatter(
            x=px,
            y=py,
            mode="lines",
            name=name,
            legendgroup=LEGEND_GROUP,
            showlegend=False,
            hoverinfo="skip",
            meta=short(level),
            line={"width": 0.4 * NORMAL.line_width, "color": shade},
        )
        for (level, px, py), shade in zip(lines, shades, strict=True)
    ]
