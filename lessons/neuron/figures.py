"""Charts of the neuron lesson: the line y = wx + b with its residuals, the
Keras fit animated epoch by epoch, and one wine's prediction as a waterfall.

Units: the course's min-max scaled training split (see ``lessons.neuron.model``),
so both axes of the line charts run from 0 (lowest) to 1 (highest).

Each figure is put together from small parts: its traces, its animation
frames and its layout are built by separate functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.text import t
from lessons.neuron.model import raw_range

# The scaled training inputs and qualities span exactly [0, 1]; the axes show
# a little more (and room above and below for lines far from the wines).
X_RANGE = (-0.05, 1.05)
Y_RANGE = (-0.35, 1.35)

_SUB = "₀₁₂₃₄₅₆₇₈₉"  # subscript digits for labels such as w₀·x₀
_STILL = {"transition": {"duration": 0}}  # animation frames jump, no tweening


def axis_title(column: str, lang: str) -> str:
    """An axis label that says the units: "alcohol, scaled (0 = 8.4, 1 = 14.9)"."""
    low, high = raw_range(column)
    return t("neuron.axis", lang, name=column, low=f"{low:g}", high=f"{high:g}")


def _line_ends(w: float, b: float) -> tuple[list[float], list[float]]:
    """The two ends (x, y = wx + b) of the line drawn across the x axis."""
    xs = list(X_RANGE)
    return xs, [w * v + b for v in xs]


def _wines_trace(x: np.ndarray, y: np.ndarray, lang: str, *, opacity: float) -> go.Scatter:
    """The training wines as points (feature, quality)."""
    return go.Scatter(
        x=np.asarray(x, float).tolist(),
        y=np.asarray(y, float).tolist(),
        mode="markers",
        name=t("neuron.chart.wines", lang),
        marker={"color": OKABE_ITO[0], "size": NORMAL.marker_size * 0.8, "opacity": opacity},
    )


# --------------------------------------------------------- the line by hand


def _residuals_trace(x: np.ndarray, y: np.ndarray, fitted: np.ndarray, lang: str) -> go.Scatter:
    """Every residual ŷᵢ − yᵢ as a vertical segment from (xᵢ, yᵢ) to (xᵢ, ŷᵢ).

    The segments are one trace: their points separated by gaps (``None``).
    """
    seg_x: list[float | None] = []
    seg_y: list[float | None] = []
    for xi, yi, fi in zip(x.tolist(), y.tolist(), fitted.tolist(), strict=True):
        seg_x += [xi, xi, None]
        seg_y += [yi, fi, None]
    return go.Scatter(
        x=seg_x,
        y=seg_y,
        mode="lines",
        name=t("neuron.chart.residuals", lang),
        line={"color": OKABE_ITO[1], "width": 1},
        opacity=0.35,
        hoverinfo="skip",
    )


def _line_trace(w: float, b: float, lang: str) -> go.Scatter:
    """The line y = wx + b, named with its w and b."""
    line_x, line_y = _line_ends(w, b)
    return go.Scatter(
        x=line_x,
        y=line_y,
        mode="lines",
        name=t("neuron.chart.line", lang, w=f"{w:.2f}", b=f"{b:.2f}"),
        line={"color": OKABE_ITO[7], "width": NORMAL.line_width * 1.5},
    )


def line_figure(
    x: np.ndarray,
    y: np.ndarray,
    w: float,
    b: float,
    feature: str,
    *,
    lang: str,
) -> go.Figure:
    """The wines, the line y = wx + b and every residual as a vertical segment.

    Args:
        x: The feature, shape ``(n,)`` (scaled).
        y: Quality (scaled).
        w: Weight (slope).
        b: Bias (height at x = 0).
        feature: Feature name (axis label).
        lang: Text language.

    Returns:
        The figure.
    """
    xs, ys = np.asarray(x, float), np.asarray(y, float)
    fitted = w * xs + b  # ŷᵢ = w·xᵢ + b
    fig = go.Figure(
        [
            _residuals_trace(xs, ys, fitted, lang),
            _wines_trace(xs, ys, lang, opacity=0.4),
            _line_trace(w, b, lang),
        ]
    )
    apply_layout(
        fig,
        t("neuron.chart.title", lang, feature=feature),
        axis_title(feature, lang),
        axis_title("quality", lang),
    )
    fig.update_xaxes(range=list(X_RANGE))
    fig.update_yaxes(range=list(Y_RANGE))
    return fig


# ------------------------------------------------------ the fit, animated


class _FitPath(NamedTuple):
    """Where a fit went: (w, b) and the full-data MSE after every epoch
    (index 0: the start, before any epoch)."""

    weights: list[float]
    biases: list[float]
    mse: list[float]

    @classmethod
    def of(cls, result: dict[str, Any]) -> _FitPath:
        """The path of a one-input ``fit_neuron`` result."""
        return cls([w[0] for w in result["weights"]], list(result["biases"]), list(result["mse"]))


def _epoch_traces(path: _FitPath, epoch: int, lang: str) -> list[go.Scatter]:
    """What a frame changes: the line after ``epoch`` (left) and that epoch's
    point on the MSE curve (right)."""
    w, b = path.weights[epoch], path.biases[epoch]
    line_x, line_y = _line_ends(w, b)
    return [
        go.Scatter(x=line_x, y=line_y, name=t("neuron.anim.line", lang, epoch=epoch, w=f"{w:.3f}", b=f"{b:.3f}")),
        go.Scatter(x=[epoch], y=[path.mse[epoch]]),
    ]


def _mse_curve_trace(path: _FitPath, lang: str) -> go.Scatter:
    """The MSE after every epoch, as a line through points."""
    return go.Scatter(
        x=list(range(len(path.mse))),
        y=path.mse,
        mode="lines+markers",
        showlegend=False,
        line={"color": OKABE_ITO[0], "width": NORMAL.line_width},
        marker={"size": NORMAL.marker_size * 0.6},
        hovertemplate=t("neuron.anim.hover", lang) + "<extra></extra>",
    )


def _add_fit_traces(fig: go.Figure, x: np.ndarray, y: np.ndarray, path: _FitPath, lang: str) -> None:
    """Traces 0–3: the wines and the starting line (left), the current epoch's
    point and the MSE curve (right). Frames replace traces 1 and 2."""
    line, point = _epoch_traces(path, 0, lang)
    fig.add_trace(_wines_trace(x, y, lang, opacity=0.35), row=1, col=1)
    fig.add_trace(
        line.update(mode="lines", line={"color": OKABE_ITO[1], "width": NORMAL.line_width * 1.6}), row=1, col=1
    )
    fig.add_trace(
        point.update(
            mode="markers", showlegend=False, marker={"color": OKABE_ITO[1], "size": NORMAL.marker_size * 1.8}
        ),
        row=1,
        col=2,
    )
    fig.add_trace(_mse_curve_trace(path, lang), row=1, col=2)


def _fit_frames(path: _FitPath, lang: str) -> list[go.Frame]:
    """One frame per epoch, named by its number, updating traces 1 and 2."""
    return [
        go.Frame(data=_epoch_traces(path, epoch, lang), traces=[1, 2], name=str(epoch))
        for epoch in range(len(path.weights))
    ]


def _play_buttons(frame_ms: int, lang: str) -> dict[str, Any]:
    """Play (from the current frame, ``frame_ms`` per frame) and Pause."""
    play = {**_STILL, "frame": {"duration": frame_ms, "redraw": True}, "fromcurrent": True}
    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}
    return {
        "type": "buttons",
        "direction": "left",
        "x": 0.0,
        "y": -0.2,
        "xanchor": "left",
        "yanchor": "top",
        "showactive": False,
        "buttons": [
            {"label": "▶ " + t("neuron.anim.play", lang), "method": "animate", "args": [None, play]},
            {"label": "⏸ " + t("neuron.anim.pause", lang), "method": "animate", "args": [[None], pause]},
        ],
    }


def _epoch_slider(epoch_count: int, lang: str) -> dict[str, Any]:
    """A slider with one step per epoch that jumps to that epoch's frame."""
    jump = {**_STILL, "mode": "immediate", "frame": {"duration": 0, "redraw": True}}
    return {
        "active": 0,
        "x": 0.2,
        "len": 0.8,
        "y": -0.16,
        "currentvalue": {"prefix": t("neuron.anim.epoch", lang) + " "},
        "steps": [
            {"label": str(epoch), "method": "animate", "args": [[str(epoch)], jump]} for epoch in range(epoch_count)
        ],
    }


def _fit_layout(fig: go.Figure, feature: str, epoch_count: int, lang: str) -> None:
    """Controls below the plots, the title, the size and the four axes
    (the MSE on a log scale)."""
    # About 8 s for the whole fit, but 80 ms to 500 ms per frame.
    frame_ms = max(80, min(500, int(8000 / epoch_count)))
    fig.update_layout(updatemenus=[_play_buttons(frame_ms, lang)], sliders=[_epoch_slider(epoch_count, lang)])
    apply_layout(fig, t("neuron.anim.title", lang, epochs=epoch_count - 1), "", "")
    fig.update_layout(height=int(NORMAL.height * 1.3), margin={"b": 150})
    fig.update_xaxes(title_text=axis_title(feature, lang), range=list(X_RANGE), row=1, col=1)
    fig.update_yaxes(title_text=axis_title("quality", lang), range=list(Y_RANGE), row=1, col=1)
    fig.update_xaxes(title_text=t("neuron.anim.epoch", lang), row=1, col=2)
    fig.update_yaxes(title_text=t("neuron.anim.mse_axis", lang), type="log", row=1, col=2)


def fit_animation_figure(
    x: np.ndarray,
    y: np.ndarray,
    result: dict[str, Any],
    feature: str,
    *,
    lang: str,
) -> go.Figure:
    """The line after every epoch of the Keras fit, animated, beside the MSE.

    Frame ``i`` shows the line with the (w, b) Keras held after epoch ``i``
    (frame 0: the starting line). Play/Pause buttons and an epoch slider
    drive it; the right panel marks the current epoch on the MSE curve.

    Args:
        x: The feature (scaled), shape ``(n,)``.
        y: Quality (scaled).
        result: ``fit_neuron`` output for this feature.
        feature: Feature name.
        lang: Text language.

    Returns:
        The figure.
    """
    path = _FitPath.of(result)
    # The gap leaves room for the right panel's y title at projector size.
    fig = make_subplots(rows=1, cols=2, column_widths=[0.62, 0.38], horizontal_spacing=0.16)
    _add_fit_traces(fig, x, y, path, lang)
    fig.frames = _fit_frames(path, lang)
    _fit_layout(fig, feature, len(path.weights), lang)
    return fig


# ------------------------------------------------- one wine's prediction


def _waterfall_trace(features: Sequence[str], terms: Sequence[float], bias: float, lang: str) -> go.Waterfall:
    """Bars w₀x₀, w₁x₁, w₂x₂ and b, each starting where the last ended, then
    the total ŷ = Σᵢ wᵢxᵢ + b."""
    labels = [f"w{_SUB[i]}·x{_SUB[i]}<br>({name})" for i, name in enumerate(features)]
    return go.Waterfall(
        x=[*labels, "b", "ŷ"],
        y=[*terms, bias, 0.0],
        measure=["relative"] * (len(terms) + 1) + ["total"],
        text=[f"{v:+.3f}" for v in (*terms, bias)] + [f"{sum(terms) + bias:.3f}"],
        textposition="outside",
        increasing={"marker": {"color": OKABE_ITO[2]}},
        decreasing={"marker": {"color": OKABE_ITO[1]}},
        totals={"marker": {"color": OKABE_ITO[0]}},
        connector={"line": {"color": "#999999", "width": 1}},
        name=t("neuron.multi.prediction", lang),
    )


def _add_actual_line(fig: go.Figure, actual: float, lang: str) -> None:
    """The wine's true quality as a dashed horizontal line."""
    fig.add_hline(
        y=actual,
        line={"dash": "dash", "color": OKABE_ITO[7], "width": max(1.0, NORMAL.line_width / 2)},
        annotation_text=t("neuron.multi.actual_line", lang, value=f"{actual:.3f}"),
        annotation_position="top left",
    )


def contributions_figure(
    features: Sequence[str],
    inputs: Sequence[float],
    weights: Sequence[float],
    bias: float,
    actual: float,
    *,
    lang: str,
) -> go.Figure:
    """How one wine's prediction adds up: w₀x₀, w₁x₁, w₂x₂, then b (a waterfall).

    Args:
        features: The three feature names.
        inputs: The wine's scaled values x₀, x₁, x₂.
        weights: w₀, w₁, w₂.
        bias: b.
        actual: The wine's true quality (scaled), drawn as a dashed line.
        lang: Text language.

    Returns:
        The figure.
    """
    terms = [w * x for w, x in zip(weights, inputs, strict=True)]  # wᵢ·xᵢ
    fig = go.Figure(_waterfall_trace(features, terms, bias, lang))
    _add_actual_line(fig, actual, lang)
    apply_layout(fig, t("neuron.multi.chart_title", lang), "", t("neuron.multi.chart_y", lang))
    fig.update_layout(showlegend=False)
    fig.update_xaxes(tickangle=0, tickfont={"size": max(10, NORMAL.font_size - 3)})
    return fig
