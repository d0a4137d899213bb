"""Charts of the neuron lesson: the line y = wx + b with its residuals, the
Keras fit animated epoch by epoch, and one wine's prediction as a waterfall.

Units: the course's min-max scaled training split (see ``lessons.neuron.model``),
so both axes of the line charts run from 0 (lowest) to 1 (highest).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.text import t
from lessons.neuron.model import raw_range

_SUB = "₀₁₂₃₄₅₆₇₈₉"  # subscript digits for labels such as w₀·x₀
_STILL = {"transition": {"duration": 0}}  # animation frames jump, no tweening


def axis_title(column: str, lang: str) -> str:
    """An axis label that says the units: "alcohol, scaled (0 = 8.4, 1 = 14.9)"."""
    low, high = raw_range(column)
    return t("neuron.axis", lang, name=column, low=f"{low:g}", high=f"{high:g}")


def _line_ends(w: float, b: float) -> tuple[list[float], list[float]]:
    # The scaled training inputs span exactly [0, 1]; draw a little wider.
    xs = [-0.05, 1.05]
    return xs, [w * v + b for v in xs]


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
    fitted = w * xs + b
    # Residual segments from (xᵢ, yᵢ) to (xᵢ, ŷᵢ), separated by gaps (None).
    seg_x: list[float | None] = []
    seg_y: list[float | None] = []
    for xi, yi, fi in zip(xs.tolist(), ys.tolist(), fitted.tolist(), strict=True):
        seg_x += [xi, xi, None]
        seg_y += [yi, fi, None]
    line_x, line_y = _line_ends(w, b)
    fig = go.Figure(
        [
            go.Scatter(
                x=seg_x,
                y=seg_y,
                mode="lines",
                name=t("neuron.chart.residuals", lang),
                line={"color": OKABE_ITO[1], "width": 1},
                opacity=0.35,
                hoverinfo="skip",
            ),
            go.Scatter(
                x=xs.tolist(),
                y=ys.tolist(),
                mode="markers",
                name=t("neuron.chart.wines", lang),
                marker={"color": OKABE_ITO[0], "size": NORMAL.marker_size * 0.8, "opacity": 0.4},
            ),
            go.Scatter(
                x=line_x,
                y=line_y,
                mode="lines",
                name=t("neuron.chart.line", lang, w=f"{w:.2f}", b=f"{b:.2f}"),
                line={"color": OKABE_ITO[7], "width": NORMAL.line_width * 1.5},
            ),
        ]
    )
    apply_layout(
        fig,
        t("neuron.chart.title", lang, feature=feature),
        axis_title(feature, lang),
        axis_title("quality", lang),
    )
    fig.update_xaxes(range=[-0.05, 1.05])
    fig.update_yaxes(range=[-0.35, 1.35])
    return fig


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
    weights = [w[0] for w in result["weights"]]
    biases = list(result["biases"])
    mse = list(result["mse"])
    epochs = list(range(len(weights)))
    # The gap leaves room for the right panel's y title at projector size.
    fig = make_subplots(rows=1, cols=2, column_widths=[0.62, 0.38], horizontal_spacing=0.16)

    def frame_traces(i: int) -> list[go.Scatter]:
        line_x, line_y = _line_ends(weights[i], biases[i])
        return [
            go.Scatter(
                x=line_x,
                y=line_y,
                name=t("neuron.anim.line", lang, epoch=i, w=f"{weights[i]:.3f}", b=f"{biases[i]:.3f}"),
            ),
            go.Scatter(x=[i], y=[mse[i]]),
        ]

    fig.add_trace(
        go.Scatter(
            x=np.asarray(x, float).tolist(),
            y=np.asarray(y, float).tolist(),
            mode="markers",
            name=t("neuron.chart.wines", lang),
            marker={"color": OKABE_ITO[0], "size": NORMAL.marker_size * 0.8, "opacity": 0.35},
        ),
        row=1,
        col=1,
    )
    first = frame_traces(0)
    fig.add_trace(
        first[0].update(mode="lines", line={"color": OKABE_ITO[1], "width": NORMAL.line_width * 1.6}), row=1, col=1
    )
    fig.add_trace(
        first[1].update(
            mode="markers", showlegend=False, marker={"color": OKABE_ITO[1], "size": NORMAL.marker_size * 1.8}
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=epochs,
            y=mse,
            mode="lines+markers",
            showlegend=False,
            line={"color": OKABE_ITO[0], "width": NORMAL.line_width},
            marker={"size": NORMAL.marker_size * 0.6},
            hovertemplate=t("neuron.anim.hover", lang) + "<extra></extra>",
        ),
        row=1,
        col=2,
    )
    fig.frames = [go.Frame(data=frame_traces(i), traces=[1, 2], name=str(i)) for i in epochs]
    duration = max(80, min(500, int(8000 / len(epochs))))
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": -0.2,
                "xanchor": "left",
                "yanchor": "top",
                "showactive": False,
                "buttons": [
                    {
                        "label": "▶ " + t("neuron.anim.play", lang),
                        "method": "animate",
                        "args": [
                            None,
                            {**_STILL, "frame": {"duration": duration, "redraw": True}, "fromcurrent": True},
                        ],
                    },
                    {
                        "label": "⏸ " + t("neuron.anim.pause", lang),
                        "method": "animate",
                        "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}],
                    },
                ],
            }
        ],
        sliders=[
            {
                "active": 0,
                "x": 0.2,
                "len": 0.8,
                "y": -0.16,
                "currentvalue": {"prefix": t("neuron.anim.epoch", lang) + " "},
                "steps": [
                    {
                        "label": str(i),
                        "method": "animate",
                        "args": [[str(i)], {**_STILL, "mode": "immediate", "frame": {"duration": 0, "redraw": True}}],
                    }
                    for i in epochs
                ],
            }
        ],
    )
    apply_layout(fig, t("neuron.anim.title", lang, epochs=len(epochs) - 1), "", "")
    fig.update_layout(height=int(NORMAL.height * 1.3), margin={"b": 150})
    fig.update_xaxes(title_text=axis_title(feature, lang), range=[-0.05, 1.05], row=1, col=1)
    fig.update_yaxes(title_text=axis_title("quality", lang), range=[-0.35, 1.35], row=1, col=1)
    fig.update_xaxes(title_text=t("neuron.anim.epoch", lang), row=1, col=2)
    fig.update_yaxes(title_text=t("neuron.anim.mse_axis", lang), type="log", row=1, col=2)
    return fig


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
    terms = [w * x for w, x in zip(weights, inputs, strict=True)]
    labels = [f"w{_SUB[i]}·x{_SUB[i]}<br>({name})" for i, name in enumerate(features)]
    fig = go.Figure(
        go.Waterfall(
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
    )
    fig.add_hline(
        y=actual,
        line={"dash": "dash", "color": OKABE_ITO[7], "width": max(1.0, NORMAL.line_width / 2)},
        annotation_text=t("neuron.multi.actual_line", lang, value=f"{actual:.3f}"),
        annotation_position="top left",
    )
    apply_layout(fig, t("neuron.multi.chart_title", lang), "", t("neuron.multi.chart_y", lang))
    fig.update_layout(showlegend=False)
    fig.update_xaxes(tickangle=0, tickfont={"size": max(10, NORMAL.font_size - 3)})
    return fig
