"""Animated figures: Replay / Play / Pause buttons, a frame slider, the
frames to show, and a layout that stacks the parts without overlaps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from dlcore.figures.style import AXIS_BAND, BELOW_RAIL, LINE, ChartStyle, legend_grouped, legend_height

MAX_FRAMES = 80  # frames of an animation at most, evenly spaced over its steps
MIN_FRAME_MS = 150  # shortest frame of Replay / Play


def play_controls(
    names: Sequence[str], *, active: int, labels: tuple[str, str, str], slider_prefix: str
) -> dict[str, Any]:
    """Replay / Play / Pause buttons and a slider for an animated figure
    (about eight seconds from the first frame to the last, longer when
    frames are many).

    No frame forces Plotly's full redraw: the animated figures hold line
    and marker traces only, which Plotly updates in place (a full redraw
    per frame took longer than the frame on a slow machine).

    Args:
        names: Frame names, in order; the slider shows them.
        active: Index of the frame the figure shows initially.
        labels: Texts of the Replay, Play and Pause buttons.
        slider_prefix: Text before the current slider value.

    Returns:
        ``updatemenus`` and ``sliders`` for ``fig.update_layout(**...)``
        (``layout_animation`` places them).
    """
    duration = max(MIN_FRAME_MS, 8000 // max(len(names), 1))
    playing = {"frame": {"duration": duration, "redraw": False}, "transition": {"duration": 0}}
    jump = {"frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}, "mode": "immediate"}
    replay, play, pause = labels
    buttons = [
        {"label": "⏮ " + replay, "method": "animate", "args": [list(names), {**playing, "mode": "immediate"}]},
        {"label": "▶ " + play, "method": "animate", "args": [None, {**playing, "fromcurrent": True}]},
        {"label": "⏸ " + pause, "method": "animate", "args": [[None], jump]},
    ]
    steps = [{"label": name, "method": "animate", "args": [[name], jump]} for name in names]
    return {
        "updatemenus": [{"type": "buttons", "direction": "left", "showactive": False, "buttons": buttons}],
        "sliders": [{"active": active, "currentvalue": {"prefix": slider_prefix + " "}, "steps": steps}],
    }


def frame_steps(total_steps: int, max_frames: int = MAX_FRAMES) -> list[int]:
    """Steps 0 … total shown as animation frames: all of them, or at most
    ``max_frames`` evenly spaced ones (the first and last always)."""
    count = min(total_steps, max_frames)
    return sorted({round(i * total_steps / count) for i in range(count + 1)})


def layout_animation(fig: go.Figure, style: ChartStyle, plot_height: float) -> go.Figure:
    """Stacks an animated figure's parts so that none overlaps another at the
    style's text size, and sizes the margins and the height to hold them.

    From the top: the title, the top row's subplot titles, the plot area
    (``plot_height`` px), the x tick labels and axis titles, the buttons
    (left) beside the slider's current value (right), the slider, and a
    horizontal legend. Buttons, slider and legend sit at fixed px offsets
    below the plot area (Plotly places them in fractions of its height).

    Args:
        fig: A figure with ``updatemenus`` and/or ``sliders``.
        style: Chart sizes (its font size is the figure's).
        plot_height: Height of the plot area in px.

    Returns:
        The figure.
    """
    size = style.font_size
    pad = 0.5 * size
    title_size = fig.layout.title.font.size or 1.4 * size  # Plotly's default (Streamlit's is smaller)
    # Subplot titles of the top row stand on the plot area, in the top margin.
    tops = [a for a in fig.layout.annotations if a.text and a.yref == "paper" and a.yanchor == "bottom"]
    tops = [a for a in tops if (a.y or 0) >= 0.999]
    top_lines = max((a.text.count("<br>") + 1 for a in tops), default=0)
    top_size = max((a.font.size or size for a in tops), default=size)
    top = pad + LINE * title_size + pad + top_lines * LINE * top_size
    # Below the plot area, in px from its bottom edge down.
    controls = AXIS_BAND * size  # top of the buttons and of the slider
    buttons = 1.2 * size + 18 if fig.layout.updatemenus else 0.0  # their height
    rail = buttons + 0.3 * size  # the slider's rail runs under the buttons
    slider = rail + BELOW_RAIL * size + 38 if fig.layout.sliders else buttons
    legend = controls + slider + pad
    bottom = legend + legend_height(fig, size) + pad

    def paper(px: float) -> float:
        # Plotly's y of a point px below the plot area, in plot-area heights.
        return -px / plot_height

    fig.update_layout(
        height=round(top + plot_height + bottom),
        margin={"t": round(top), "b": round(bottom)},
        title={"yref": "container", "y": 1.0, "yanchor": "top", "pad": {"t": pad}},
        legend={
            "orientation": "h",
            "traceorder": "grouped" if legend_grouped(fig) else "normal",  # as legend_height expects
            "font": {"size": size},
            "x": 0.0,
            "xanchor": "left",
            "y": paper(legend),
            "yanchor": "top",
        },
    )
    for menu in fig.layout.updatemenus:
        menu.update(x=0.0, xanchor="left", y=paper(controls), yanchor="top", pad={"t": 0, "r": 0, "b": 0, "l": 0})
    for bar in fig.layout.sliders:
        bar.update(
            x=0.0,
            len=1.0,
            xanchor="left",
            y=paper(controls),
            yanchor="top",
            pad={"t": 0, "b": 0},
            currentvalue={"xanchor": "right", "offset": max(0.0, rail - LINE * size), "font": {"size": size}},
        )
    return fig
