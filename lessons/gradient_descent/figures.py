"""The animated chart of the gradient-descent lesson.

The top row walks down f(x) = 5x² − 2x + 4 with the tangent at each point;
the bottom row plots x_t and f(x_t) against the step t. Play/Pause buttons
and a step slider drive it.

Traces 0 and 6–7 stay put (the curve and both histories); traces 1–5 (the
path, the point, the tangent and the two step markers) move in the frames.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dlcore.course_function import F_MIN, X_MIN, df, f
from dlcore.figures.animation import layout_animation
from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.text import t

X_LIMIT = 60.0  # the curve's window grows to |x| = 60 at most
GRID_POINTS = 400  # samples of the curve
MOVING = [1, 2, 3, 4, 5]  # the traces the frames replace
# Rows and columns of the moving traces: path, point, tangent on the curve;
# the step markers on x_t and on f(x_t).
MOVING_CELLS = ((1, 1), (1, 1), (1, 1), (2, 1), (2, 2))


@dataclass(frozen=True)
class Window:
    """The x range of the curve panel, and the curve sampled over it.

    Attributes:
        lo: Left edge.
        hi: Right edge.
        grid: ``GRID_POINTS`` evenly spaced x from ``lo`` to ``hi``.
    """

    lo: float
    hi: float
    grid: np.ndarray

    @classmethod
    def around(cls, xs: np.ndarray) -> Window:
        """At least [−3, 3], widened to show every visited point (plus 0.5)
        up to |x| = ``X_LIMIT``."""
        lo = max(min(-3.0, float(np.min(xs)) - 0.5), -X_LIMIT)
        hi = min(max(3.0, float(np.max(xs)) + 0.5), X_LIMIT)
        return cls(lo, hi, np.linspace(lo, hi, GRID_POINTS))

    @property
    def y_top(self) -> float:
        """The highest f over the window."""
        return float(np.max(f(self.grid)))

    def clip(self, x: np.ndarray | float) -> np.ndarray | float:
        """x moved onto the window's edge when it lies outside."""
        return np.clip(x, self.lo, self.hi)


def _subplots(lang: str) -> go.Figure:
    # The curve on top, full width; x_t and f(x_t) against the step below it.
    return make_subplots(
        rows=2,
        cols=2,
        row_heights=[0.62, 0.38],
        specs=[[{"colspan": 2}, None], [{}, {}]],
        subplot_titles=("", t("gd.x_title", lang), t("gd.f_title", lang)),  # the legend names the top row
        # Room for the right panel's y tick labels (up to 10⁶⁰ when
        # diverging) and title, and for the top x axis above the bottom
        # row's titles, at the projector's text size too.
        horizontal_spacing=0.18,
        vertical_spacing=0.19,
    )


def _tangent(x: float, window: Window) -> tuple[list[float], list[float]]:
    # The tangent at x: y = f(x) + f'(x)·(u − x), drawn over a short span.
    half = (window.hi - window.lo) * 0.15
    u = [max(window.lo, x - half), min(window.hi, x + half)]
    return u, [float(f(x) + df(x) * (v - x)) for v in u]


def _label_position(x: float, window: Window) -> str:
    # The point's label leans towards the middle, so it stays inside the plot.
    vertical = "bottom" if f(x) > 0.8 * window.y_top else "top"
    return f"{vertical} {'left' if x > (window.lo + window.hi) / 2 else 'right'}"


def _moving_traces(xs: np.ndarray, step: int, window: Window) -> list[go.Scatter]:
    """The traces 1–5 at ``step``: the path so far, the point, its tangent,
    and the markers on x_t and f(x_t) (unstyled; the first frame's styles stay)."""
    x = float(window.clip(xs[step]))
    path = window.clip(xs[: step + 1])
    tangent_x, tangent_y = _tangent(x, window)
    return [
        go.Scatter(x=path.tolist(), y=[float(f(v)) for v in path]),
        go.Scatter(x=[x], y=[float(f(x))], text=[f"x={xs[step]:.4g}"], textposition=_label_position(x, window)),
        go.Scatter(x=tangent_x, y=tangent_y),
        go.Scatter(x=[int(step)], y=[float(xs[step])]),
        go.Scatter(x=[int(step)], y=[float(f(xs[step]))]),
    ]


def _moving_styles(lang: str) -> list[dict[str, Any]]:
    """The looks of traces 1–5, in their order."""
    step_marker = {
        "mode": "markers",
        "showlegend": False,
        "marker": {"size": NORMAL.marker_size * 1.6, "color": OKABE_ITO[1]},
    }
    return [
        {
            "mode": "lines+markers",
            "name": t("gd.path", lang),
            "line": {"color": OKABE_ITO[0], "width": NORMAL.line_width / 2, "dash": "dot"},
            "marker": {"size": NORMAL.marker_size * 0.7},
        },
        {
            "mode": "markers+text",
            "name": t("gd.point", lang),
            "marker": {"size": NORMAL.marker_size * 2, "color": OKABE_ITO[1]},
        },
        {"mode": "lines", "name": t("gd.tangent", lang), "line": {"color": OKABE_ITO[2], "width": NORMAL.line_width}},
        step_marker,
        step_marker,
    ]


def _history(values: np.ndarray) -> go.Scatter:
    """Every step's value (x_t or f(x_t)) against the step t."""
    return go.Scatter(
        x=np.arange(len(values)).tolist(),
        y=values.tolist(),
        mode="lines+markers",
        showlegend=False,
        line={"color": OKABE_ITO[0], "width": NORMAL.line_width / 2},
        marker={"size": NORMAL.marker_size * 0.6},
    )


def _add_traces(fig: go.Figure, xs: np.ndarray, window: Window, lang: str) -> None:
    """Trace 0 the curve, 1–5 the moving traces at step 0, 6–7 the histories,
    and dashed lines at the minimum x* = 0.2 and f(x*) = 3.8."""
    curve_line = {"color": OKABE_ITO[7], "width": NORMAL.line_width}
    grid = window.grid
    curve = go.Scatter(x=grid.tolist(), y=f(grid).tolist(), name="f(x) = 5x² − 2x + 4", line=curve_line)
    fig.add_trace(curve, row=1, col=1)
    for trace, style, (row, col) in zip(_moving_traces(xs, 0, window), _moving_styles(lang), MOVING_CELLS, strict=True):
        fig.add_trace(trace.update(**style), row=row, col=col)
    fig.add_trace(_history(xs), row=2, col=1)
    fig.add_trace(_history(f(xs)), row=2, col=2)
    fig.add_hline(y=X_MIN, line={"dash": "dash", "color": OKABE_ITO[2]}, row=2, col=1)
    fig.add_hline(y=F_MIN, line={"dash": "dash", "color": OKABE_ITO[2]}, row=2, col=2)


def _frames(xs: np.ndarray, window: Window) -> list[go.Frame]:
    """One frame per step, named by the step, replacing traces 1–5."""
    return [go.Frame(data=_moving_traces(xs, i, window), traces=MOVING, name=str(i)) for i in range(len(xs))]


def _play_controls(count: int, lang: str) -> dict[str, Any]:
    """Play/Pause buttons and a step slider for ``count`` frames (about six
    seconds in all, 60–500 ms a frame)."""
    duration = max(60, min(500, int(6000 / count)))
    jump = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}
    playing = {"frame": {"duration": duration, "redraw": True}, "fromcurrent": True, "transition": {"duration": 0}}
    pausing = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}
    buttons = [
        {"label": "▶ " + t("gd.play", lang), "method": "animate", "args": [None, playing]},
        {"label": "⏸ " + t("gd.pause", lang), "method": "animate", "args": [[None], pausing]},
    ]
    steps = [{"label": str(i), "method": "animate", "args": [[str(i)], jump]} for i in range(count)]
    return {
        "updatemenus": [{"type": "buttons", "direction": "left", "showactive": False, "buttons": buttons}],
        "sliders": [{"active": 0, "currentvalue": {"prefix": t("gd.step", lang) + " "}, "steps": steps}],
    }


def _axes(fig: go.Figure, xs: np.ndarray, window: Window, lang: str) -> None:
    """Axis ranges and titles; f(x_t) on a log axis, so a divergent run stays readable."""
    y_bottom = min(F_MIN - 1, float(np.min(f(window.grid))) - 1)
    fig.update_xaxes(range=[window.lo, window.hi], title_text="x", row=1, col=1)
    fig.update_yaxes(range=[y_bottom, window.y_top * 1.05], title_text="f(x)", row=1, col=1)
    fig.update_xaxes(title_text=t("gd.step", lang), row=2, col=1)
    fig.update_xaxes(title_text=t("gd.step", lang), row=2, col=2)
    fig.update_yaxes(title_text="x", row=2, col=1)
    # Labels at 1, 2 and 5 per decade while few decades show (f ≥ 3.8 > 0);
    # a diverging run spans dozens, where Plotly's own choice stays legible.
    ys = f(xs)
    decades = math.log10(float(np.max(ys)) / float(np.min(ys)))
    fig.update_yaxes(
        title_text="f(x)", type="log", dtick="D2" if decades <= 3 else None, exponentformat="power", row=2, col=2
    )


def descent_figure(xs: np.ndarray, learning_rate: float, *, lang: str) -> go.Figure:
    """An animated walk down f with the tangent at each point, and x_t and
    f(x_t) against the step. Play/Pause buttons and a step slider drive it.

    The curve's window grows to show every visited point up to |x| = 60;
    beyond that the point is drawn at the edge and labelled with its value,
    and f(x_t) is on a log axis, so a divergent run stays readable.

    Args:
        xs: Positions from ``lessons.gradient_descent.model.descent``.
        learning_rate: η (for the title).
        lang: Text language.

    Returns:
        The figure.
    """
    window = Window.around(xs)
    fig = _subplots(lang)
    _add_traces(fig, xs, window, lang)
    fig.frames = _frames(xs, window)
    fig.update_layout(**_play_controls(len(xs), lang))
    apply_layout(fig, t("gd.figure_title", lang, lr=f"{learning_rate:g}"), "", "")
    fig.update_annotations(font_size=NORMAL.font_size)  # subplot titles
    layout_animation(fig, NORMAL, plot_height=1.45 * NORMAL.height)
    _axes(fig, xs, window, lang)
    return fig
