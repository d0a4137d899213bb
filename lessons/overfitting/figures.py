"""Charts of the overfitting lesson: learning-curve sketches and gradient flow."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.text import t

SKETCH_KINDS: tuple[str, ...] = ("underfitting", "good_fit", "overfitting")
SKETCH_EPOCHS = 60
SKETCH_BASELINE = 0.133  # the wine data's constant-prediction MAE, for scale


def sketch_curves(kind: str, epochs: int = SKETCH_EPOCHS) -> tuple[list[float], list[float]]:
    """Textbook-shaped learning curves (an illustration, not a training run).

    * under-fitting: both losses level off high, close to the constant
      prediction's 0.133, with a small gap;
    * good fit: both fall and level off low, validation a little above;
    * over-fitting: training keeps falling, validation turns up after epoch 20.

    Args:
        kind: One of ``SKETCH_KINDS``.
        epochs: Number of epochs.

    Returns:
        ``(training loss, validation loss)`` per epoch.
    """
    e = np.arange(1, epochs + 1, dtype=float)
    if kind == "underfitting":
        train = 0.125 + 0.05 * np.exp(-e / 4)
        valid = 0.129 + 0.05 * np.exp(-e / 4)
    elif kind == "good_fit":
        train = 0.075 + 0.09 * np.exp(-e / 8)
        valid = 0.088 + 0.08 * np.exp(-e / 8)
    elif kind == "overfitting":
        train = 0.03 + 0.13 * np.exp(-e / 12)
        valid = 0.085 + 0.08 * np.exp(-e / 6) + 0.0006 * np.maximum(0.0, e - 20)
    else:
        raise ValueError(f"unknown sketch {kind!r}")
    return train.round(5).tolist(), valid.round(5).tolist()


def sketch_figure(*, lang: str) -> go.Figure:
    """The three sketches side by side, training solid and validation orange.

    Args:
        lang: Text language.

    Returns:
        The figure.
    """
    fig = make_subplots(
        rows=1,
        cols=3,
        shared_yaxes=True,
        subplot_titles=[t(f"overfit.sketch.{kind}", lang) for kind in SKETCH_KINDS],
        horizontal_spacing=0.04,
    )
    for col, kind in enumerate(SKETCH_KINDS, 1):
        train, valid = sketch_curves(kind)
        x = list(range(1, len(train) + 1))
        for values, color, label in (
            (train, OKABE_ITO[0], "chart.train_loss"),
            (valid, OKABE_ITO[1], "chart.valid_loss"),
        ):
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=values,
                    name=t(label, lang),
                    legendgroup=label,
                    showlegend=col == 1,
                    mode="lines",
                    line={"color": color, "width": NORMAL.line_width},
                ),
                row=1,
                col=col,
            )
        fig.add_hline(
            y=SKETCH_BASELINE,
            line={"dash": "dot", "color": OKABE_ITO[7], "width": 1},
            row=1,
            col=col,
        )
    apply_layout(fig, t("overfit.sketch.title", lang), "", "")
    fig.update_layout(legend={"y": -0.3, "yanchor": "top", "x": 0.5, "xanchor": "center"})
    fig.update_xaxes(title_text=t("chart.epoch", lang))
    fig.update_yaxes(title_text=t("overfit.sketch.loss", lang), range=[0, 0.2], row=1, col=1)
    fig.update_layout(height=int(NORMAL.height * 0.85))
    return fig


@dataclass(frozen=True)
class GradientSeries:
    """One run's per-layer gradient magnitudes at two moments.

    Attributes:
        label: Legend name of the run.
        layers: Name of each Dense layer, input side first.
        first: ``(epoch, mean |grad| per layer)`` of the first sample.
        last: The same for the latest sample.
    """

    label: str
    layers: list[str]
    first: tuple[int, list[float]]
    last: tuple[int, list[float]]


def _positive(values: Sequence[float]) -> list[float | None]:
    # A log axis cannot show 0 (a dead layer) or NaN: leave a gap there.
    return [v if v is not None and math.isfinite(v) and v > 0 else None for v in values]


def gradient_flow_figure(series: Sequence[GradientSeries], *, lang: str) -> go.Figure:
    """Mean |∂L/∂W| of each Dense layer, input side on the left, log scale.

    Each run is one colour: solid at its latest sample, dotted at its first.
    Vanishing gradients show as a line that falls steeply to the left.

    Args:
        series: The runs.
        lang: Text language.

    Returns:
        The figure.
    """
    fig = go.Figure()
    longest: list[str] = []
    for index, run in enumerate(series):
        color = OKABE_ITO[index % len(OKABE_ITO)]
        x = list(range(1, len(run.layers) + 1))
        longest = run.layers if len(run.layers) > len(longest) else longest
        for (epoch, values), dash in ((run.last, "solid"), (run.first, "dot")):
            if run.first[0] == run.last[0] and dash == "dot":
                continue
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=_positive(values),
                    text=run.layers,
                    name=f"{run.label} · {t('chart.epoch', lang).lower()} {epoch}",
                    legendgroup=run.label,
                    mode="lines+markers",
                    line={"color": color, "width": NORMAL.line_width, "dash": dash},
                    marker={"size": NORMAL.marker_size},
                    hovertemplate="%{text}: %{y:.2e}<extra>" + run.label + "</extra>",
                )
            )
    apply_layout(fig, t("overfit.grad.title", lang), t("overfit.grad.x", lang), t("overfit.grad.y", lang))
    fig.update_yaxes(type="log", exponentformat="power")
    fig.update_xaxes(tickmode="array", tickvals=list(range(1, len(longest) + 1)), ticktext=longest)
    return fig
