"""Gradient descent on the course's function f(x) = 5x² − 2x + 4.

f'(x) = 10x − 2 (the slide prints 10x + 2), so the minimum is at x* = 0.2
with f(x*) = 3.8. A step is x ← x − η·f'(x). Writing e = x − x*, a step maps
e to (1 − 10η)·e, so the learning rate η alone decides the behaviour:

* 0 < η < 0.1: 0 < 1 − 10η < 1, monotone convergence;
* η = 0.1: the factor is 0, one step lands on the minimum;
* 0.1 < η < 0.2: −1 < factor < 0, the point jumps across and converges;
* η = 0.2: factor −1, it bounces between x* ± e forever;
* η > 0.2: |factor| > 1, every step overshoots further: divergence.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dlcore.course_function import F_MIN, X_MIN, df, f
from dlcore.figures.animation import layout_animation
from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.text import t

REGIMES: tuple[str, ...] = ("monotone", "one_step", "oscillating", "endless", "diverging")


def descent(learning_rate: float, x0: float, steps: int) -> np.ndarray:
    """Plain gradient descent x_{t+1} = x_t − η·f'(x_t).

    Args:
        learning_rate: η.
        x0: Start point.
        steps: Number of steps.

    Returns:
        ``steps + 1`` positions, x_0 first.
    """
    xs = np.empty(steps + 1)
    xs[0] = x0
    for i in range(steps):
        xs[i + 1] = xs[i] - learning_rate * df(xs[i])
    return xs


def contraction(learning_rate: float) -> float:
    """The factor 1 − 10η by which each step multiplies the distance x − 0.2."""
    return 1 - 10 * learning_rate


def regime(learning_rate: float) -> str:
    """Names the behaviour a learning rate gives (see the module docstring).

    Args:
        learning_rate: η > 0.

    Returns:
        One of ``REGIMES``.
    """
    if math.isclose(learning_rate, 0.1, abs_tol=1e-12):
        return "one_step"
    if math.isclose(learning_rate, 0.2, abs_tol=1e-12):
        return "endless"
    if learning_rate < 0.1:
        return "monotone"
    if learning_rate < 0.2:
        return "oscillating"
    return "diverging"


def descent_figure(xs: np.ndarray, learning_rate: float, *, lang: str) -> go.Figure:
    """An animated walk down f with the tangent at each point, and x_t and
    f(x_t) against the step. Play/Pause buttons and a step slider drive it.

    The curve's window grows to show every visited point up to |x| = 60;
    beyond that the point is drawn at the edge and labelled with its value,
    and f(x_t) is on a log axis, so a divergent run stays readable.

    Args:
        xs: Positions from ``descent``.
        learning_rate: η (for the title).
        lang: Text language.

    Returns:
        The figure.
    """
    limit = 60.0
    lo = max(min(-3.0, float(np.min(xs)) - 0.5), -limit)
    hi = min(max(3.0, float(np.max(xs)) + 0.5), limit)
    grid = np.linspace(lo, hi, 400)
    ys = f(xs)
    y_top = float(np.max(f(grid)))
    # The curve on top, full width; x_t and f(x_t) against the step below it.
    fig = make_subplots(
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
    steps = np.arange(len(xs))

    def tangent(x: float) -> tuple[list[float], list[float]]:
        # The tangent at x: y = f(x) + f'(x)·(u − x), drawn over a short span.
        half = (hi - lo) * 0.15
        u = [max(lo, x - half), min(hi, x + half)]
        return u, [float(f(x) + df(x) * (v - x)) for v in u]

    def label_position(x: float) -> str:
        # The point's label leans towards the middle, so it stays inside the plot.
        vertical = "bottom" if f(x) > 0.8 * y_top else "top"
        return f"{vertical} {'left' if x > (lo + hi) / 2 else 'right'}"

    def frame_traces(i: int) -> list[go.Scatter]:
        x = float(np.clip(xs[i], lo, hi))
        tu, tv = tangent(x)
        return [
            go.Scatter(x=np.clip(xs[: i + 1], lo, hi).tolist(), y=[float(f(v)) for v in np.clip(xs[: i + 1], lo, hi)]),
            go.Scatter(x=[x], y=[float(f(x))], text=[f"x={xs[i]:.4g}"], textposition=label_position(x)),
            go.Scatter(x=tu, y=tv),
            go.Scatter(x=[int(i)], y=[float(xs[i])]),
            go.Scatter(x=[int(i)], y=[float(ys[i])]),
        ]

    fig.add_trace(
        go.Scatter(x=grid.tolist(), y=f(grid).tolist(), name="f(x) = 5x² − 2x + 4", line={"color": OKABE_ITO[7], "width": NORMAL.line_width}),
        row=1,
        col=1,
    )
    first = frame_traces(0)
    fig.add_trace(
        first[0].update(mode="lines+markers", name=t("gd.path", lang), line={"color": OKABE_ITO[0], "width": NORMAL.line_width / 2, "dash": "dot"}, marker={"size": NORMAL.marker_size * 0.7}),
        row=1,
        col=1,
    )
    fig.add_trace(
        first[1].update(mode="markers+text", name=t("gd.point", lang), marker={"size": NORMAL.marker_size * 2, "color": OKABE_ITO[1]}),
        row=1,
        col=1,
    )
    fig.add_trace(
        first[2].update(mode="lines", name=t("gd.tangent", lang), line={"color": OKABE_ITO[2], "width": NORMAL.line_width}),
        row=1,
        col=1,
    )
    fig.add_trace(first[3].update(mode="markers", showlegend=False, marker={"size": NORMAL.marker_size * 1.6, "color": OKABE_ITO[1]}), row=2, col=1)
    fig.add_trace(first[4].update(mode="markers", showlegend=False, marker={"size": NORMAL.marker_size * 1.6, "color": OKABE_ITO[1]}), row=2, col=2)
    fig.add_trace(
        go.Scatter(x=steps.tolist(), y=xs.tolist(), mode="lines+markers", showlegend=False, line={"color": OKABE_ITO[0], "width": NORMAL.line_width / 2}, marker={"size": NORMAL.marker_size * 0.6}),
        row=2,
        col=1,
    )
    fig.add_trace(
        go.Scatter(x=steps.tolist(), y=ys.tolist(), mode="lines+markers", showlegend=False, line={"color": OKABE_ITO[0], "width": NORMAL.line_width / 2}, marker={"size": NORMAL.marker_size * 0.6}),
        row=2,
        col=2,
    )
    fig.add_hline(y=X_MIN, line={"dash": "dash", "color": OKABE_ITO[2]}, row=2, col=1)
    fig.add_hline(y=F_MIN, line={"dash": "dash", "color": OKABE_ITO[2]}, row=2, col=2)
    fig.frames = [go.Frame(data=frame_traces(i), traces=[1, 2, 3, 4, 5], name=str(i)) for i in range(len(xs))]
    duration = max(60, min(500, int(6000 / len(xs))))
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "showactive": False,
                "buttons": [
                    {
                        "label": "▶ " + t("gd.play", lang),
                        "method": "animate",
                        "args": [None, {"frame": {"duration": duration, "redraw": True}, "fromcurrent": True, "transition": {"duration": 0}}],
                    },
                    {
                        "label": "⏸ " + t("gd.pause", lang),
                        "method": "animate",
                        "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}],
                    },
                ],
            }
        ],
        sliders=[
            {
                "active": 0,
                "currentvalue": {"prefix": t("gd.step", lang) + " "},
                "steps": [
                    {"label": str(i), "method": "animate", "args": [[str(i)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}]}
                    for i in range(len(xs))
                ],
            }
        ],
    )
    apply_layout(fig, t("gd.figure_title", lang, lr=f"{learning_rate:g}"), "", "")
    fig.update_annotations(font_size=NORMAL.font_size)  # subplot titles
    layout_animation(fig, NORMAL, plot_height=1.45 * NORMAL.height)
    fig.update_xaxes(range=[lo, hi], title_text="x", row=1, col=1)
    fig.update_yaxes(range=[min(F_MIN - 1, float(np.min(f(grid))) - 1), y_top * 1.05], title_text="f(x)", row=1, col=1)
    fig.update_xaxes(title_text=t("gd.step", lang), row=2, col=1)
    fig.update_xaxes(title_text=t("gd.step", lang), row=2, col=2)
    fig.update_yaxes(title_text="x", row=2, col=1)
    # Labels at 1, 2 and 5 per decade while few decades show (f ≥ 3.8 > 0);
    # a diverging run spans dozens, where Plotly's own choice stays legible.
    decades = math.log10(float(np.max(ys)) / float(np.min(ys)))
    fig.update_yaxes(
        title_text="f(x)", type="log", dtick="D2" if decades <= 3 else None, exponentformat="power", row=2, col=2
    )
    return fig
