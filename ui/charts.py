"""Drawing charts: every figure goes through ``show`` so projector mode applies."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from dlcore.figures.animation import layout_animation
from dlcore.figures.style import NORMAL, PROJECTOR


def show(fig: go.Figure, *, key: str, where: Any = None) -> None:
    """Draws a figure full width under a stable key.

    In projector mode, text is set to at least the projector size and lines
    and markers are thickened, whatever chart builder made the figure.

    Args:
        fig: The figure.
        key: Stable element key (live charts redraw under the same key).
        where: Column or container to draw in (default: the current one).
    """
    if st.session_state.get("projector"):
        project(fig)
    (where or st).plotly_chart(fig, key=key, width="stretch")


def memoized(key: str, signature: Hashable, build: Callable[[], go.Figure]) -> go.Figure:
    """The figure last built for chart ``key``, rebuilt only when ``signature``
    (what the figure is drawn from) has changed.

    A live chart is redrawn at every poll, and building a Plotly figure costs
    tens of milliseconds (every property is validated) while most polls bring
    nothing new. The session keeps one figure per chart key.

    Args:
        key: The chart's element key.
        signature: Everything the figure depends on (data version, language,
            projector mode...).
        build: Makes the figure.

    Returns:
        The figure (treat it as read-only).
    """
    signature = (signature, bool(st.session_state.get("projector")))
    memo_key = f"_memo_{key}"
    memo = st.session_state.get(memo_key)
    if memo is None or memo[0] != signature:
        memo = (signature, build())
        st.session_state[memo_key] = memo
    return memo[1]


def show_memoized(build: Callable[[], go.Figure], *, key: str, signature: Hashable, where: Any = None) -> None:
    """``show`` for a live chart: built (and projected) only when ``signature`` changes."""

    def projected() -> go.Figure:
        fig = build()
        return project(fig) if st.session_state.get("projector") else fig

    (where or st).plotly_chart(memoized(key, signature, projected), key=key, width="stretch")


def project(fig: go.Figure) -> go.Figure:
    """Scales a figure for a projector: text ≥ 20 px, lines and markers thicker.

    Larger text makes a legend above the plot collide with the title, so the
    legend moves below the plot. An animated figure (buttons, slider) is
    restacked by ``layout_animation`` at the projector's text size, keeping
    its plot area's height.

    Args:
        fig: The figure (changed in place).

    Returns:
        The figure.
    """
    size = PROJECTOR.font_size
    fig.update_layout(font={"size": max(size, (fig.layout.font.size or 0))})
    fig.update_annotations(font_size=size - 2)
    if fig.layout.sliders or fig.layout.updatemenus:
        # The plot area's height; Plotly's defaults: 450 px high, margins t = 100 and b = 80.
        margin = fig.layout.margin
        top, bottom = (100 if margin.t is None else margin.t), (80 if margin.b is None else margin.b)
        plot_height = (fig.layout.height or 450) - top - bottom
        layout_animation(fig, PROJECTOR, plot_height)
    else:
        # Below the x-axis title: tick labels and title take about 3.5 lines.
        fig.update_layout(legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.3, "yanchor": "top"})
        fig.update_layout(margin={"b": 70 + 5 * size})
    scale = PROJECTOR.line_width / NORMAL.line_width
    for trace in fig.data:
        line = getattr(trace, "line", None)
        if line is not None and "width" in line and line.width is not None:
            line.width = line.width * scale
        marker = getattr(trace, "marker", None)
        if marker is not None and "size" in marker and isinstance(marker.size, (int, float)):
            marker.size = marker.size * 1.5
    return fig
