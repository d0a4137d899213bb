"""Charts of the binary-classification lesson.

Class 1 is drawn in Okabe–Ito blue, class 0 in vermillion, everywhere: in
the decision-boundary map, the class-balance bars and the confusion matrix.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dlcore.figures.curves import best_epoch_marker
from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.text import t
from dlcore.toy_data import Grid
from lessons.classification.model import Confusion

POSITIVE, NEGATIVE = OKABE_ITO[0], OKABE_ITO[1]
# Probability 0 → vermillion, 0.5 → white, 1 → blue (a diverging map, like
# TensorFlow Playground's orange-to-blue output view).
PROBABILITY_SCALE: list[list[float | str]] = [[0.0, NEGATIVE], [0.5, "#FFFFFF"], [1.0, POSITIVE]]


def _finite(values: Sequence[float | None]) -> list[float | None]:
    return [v if v is not None and math.isfinite(v) else None for v in values]


def _points(x: np.ndarray, y: np.ndarray, label: str, filled: bool) -> list[dict]:
    # Plain trace dicts: the figure validates them once, when it is built.
    traces = []
    for cls, color in ((1, POSITIVE), (0, NEGATIVE)):
        mask = (y > 0.5) == bool(cls)
        traces.append(
            {
                "type": "scatter",
                "x": x[mask, 0].round(4).tolist(),
                "y": x[mask, 1].round(4).tolist(),
                "mode": "markers",
                "name": f"{label} · {cls}",
                "marker": {
                    "symbol": "circle" if filled else "circle-open",
                    "size": NORMAL.marker_size,
                    "color": color,
                    "line": {"width": 1 if filled else 2, "color": "white" if filled else color},
                },
                "hoverinfo": "skip",
            }
        )
    return traces


def boundary_figure(
    grid: Grid,
    probabilities: list[list[float]] | None,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_valid: np.ndarray,
    y_valid: np.ndarray,
    *,
    lang: str,
    epoch: int | None = None,
) -> go.Figure:
    """The model's probability over the plane with the data on top.

    Redrawn several times a second while a model trains, so it is built in
    one pass: traces as plain dicts validated once by the constructor, then
    one layout update (a 100 × 100 grid builds in well under 50 ms; see
    ``benchmarks/bench_boundary.py``).

    Args:
        grid: The grid the probabilities were computed on.
        probabilities: ``grid.size`` rows (y ascending) of ``grid.size``
            probabilities, or None to draw the points alone.
        x_train, y_train: Training points and labels (filled markers).
        x_valid, y_valid: Validation points and labels (open markers).
        lang: Text language.
        epoch: The epoch the probabilities belong to (for the title).

    Returns:
        The figure, square, both axes over [−extent, extent].
    """
    traces: list[dict] = []
    if probabilities is not None:
        axis = [round(float(v), 4) for v in grid.axis()]
        traces.append(
            {
                "type": "heatmap",
                "x": axis,
                "y": axis,
                "z": probabilities,
                "zmin": 0.0,
                "zmax": 1.0,
                "colorscale": PROBABILITY_SCALE,
                "opacity": 0.75,
                "colorbar": {"title": {"text": t("clf.boundary.colorbar", lang)}, "thickness": 12},
                "hovertemplate": "x1=%{x:.2f}<br>x2=%{y:.2f}<br>p=%{z:.2f}<extra></extra>",
                "name": t("clf.boundary.probability", lang),
            }
        )
    traces += _points(x_train, y_train, t("clf.boundary.train", lang), True)
    traces += _points(x_valid, y_valid, t("clf.boundary.valid", lang), False)
    fig = go.Figure(data=traces)
    title = t("clf.boundary.title_epoch", lang, epoch=epoch) if epoch is not None else t("clf.boundary.title", lang)
    apply_layout(fig, title, "x1", "x2")
    span = [-grid.extent, grid.extent]
    fig.update_layout(
        xaxis={"range": span, "constrain": "domain", "showgrid": False, "zeroline": False},
        yaxis={"range": span, "scaleanchor": "x", "scaleratio": 1, "showgrid": False, "zeroline": False},
        height=int(NORMAL.height * 1.3),
    )
    return fig


def curves_figure(
    history: Mapping[str, Sequence[float | None]],
    *,
    lang: str,
    total_epochs: int,
    best_epoch: int | None = None,
    stopped_epoch: int | None = None,
    colour: str | None = None,
) -> go.Figure:
    """Binary cross-entropy and accuracy per epoch, training and validation.

    Args:
        history: Keras's History keys: ``loss``, ``val_loss``,
            ``binary_accuracy``, ``val_binary_accuracy``.
        lang: Text language.
        total_epochs: Planned epochs (x range).
        best_epoch: Epoch of the lowest validation loss, starred if given.
        stopped_epoch: Where EarlyStopping stopped, marked if given.
        colour: The run's colour (``dlcore.figures.curves.run_colour``):
            validation solid and training dashed in it, as on the wine page;
            default: training blue, validation vermillion.

    Returns:
        The figure (two panels side by side).
    """
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(t("clf.curves.loss", lang), t("clf.curves.accuracy", lang)),
        horizontal_spacing=0.1,
    )
    for col, (train_key, valid_key) in enumerate((("loss", "val_loss"), ("binary_accuracy", "val_binary_accuracy")), 1):
        for key, color, dash, label in (
            (train_key, colour or OKABE_ITO[0], "dash" if colour else "solid", t("clf.curves.train", lang)),
            (valid_key, colour or OKABE_ITO[1], "solid", t("clf.curves.valid", lang)),
        ):
            values = _finite(history.get(key, []))
            fig.add_trace(
                go.Scatter(
                    x=list(range(1, len(values) + 1)),
                    y=values,
                    name=label,
                    legendgroup=label,
                    showlegend=col == 1,
                    mode="lines+markers" if len(values) <= 60 else "lines",
                    line={"color": color, "width": NORMAL.line_width, "dash": dash},
                    marker={"size": NORMAL.marker_size * 0.7},
                ),
                row=1,
                col=col,
            )
        fig.update_xaxes(range=[0.5, max(total_epochs, 1) + 0.5], title_text=t("chart.epoch", lang), row=1, col=col)
    star = best_epoch_marker(history, best_epoch, lang=lang)
    if star is not None:
        fig.add_trace(
            star,
            row=1,
            col=1,
        )
    if stopped_epoch is not None:
        for col in (1, 2):
            fig.add_vline(x=stopped_epoch, line={"dash": "dash", "color": OKABE_ITO[7], "width": 1}, row=1, col=col)
    apply_layout(fig, t("clf.curves.title", lang), "", "")
    fig.update_layout(legend={"y": -0.25, "yanchor": "top", "x": 0.5, "xanchor": "center"})
    fig.update_xaxes(title_text=t("chart.epoch", lang))
    fig.update_yaxes(title_text=t("loss.binary_crossentropy", lang), row=1, col=1)
    fig.update_yaxes(title_text=t("clf.accuracy", lang), range=[0, 1.02], row=1, col=2)
    return fig


def roc_figure(
    fpr: Sequence[float],
    tpr: Sequence[float],
    area: float,
    *,
    lang: str,
    point: tuple[float, float] | None = None,
    threshold: float | None = None,
) -> go.Figure:
    """The ROC curve with its area, the chance diagonal and the current threshold.

    Args:
        fpr, tpr: The curve (``lessons.classification.model.roc_curve``).
        area: Its AUC.
        lang: Text language.
        point: (FPR, TPR) at the chosen threshold, marked if given.
        threshold: That threshold (for the legend).

    Returns:
        The figure.
    """
    fig = go.Figure(
        [
            go.Scatter(
                x=[0, 1],
                y=[0, 1],
                mode="lines",
                name=t("clf.roc.chance", lang),
                line={"color": OKABE_ITO[7], "dash": "dash", "width": NORMAL.line_width / 2},
            ),
            go.Scatter(
                x=[float(v) for v in fpr],
                y=[float(v) for v in tpr],
                mode="lines",
                name=t("clf.roc.curve", lang, auc=area),
                line={"color": OKABE_ITO[0], "width": NORMAL.line_width, "shape": "hv"},
                fill="tozeroy",
                fillcolor="rgba(0,114,178,0.12)",
            ),
        ]
    )
    if point is not None:
        fig.add_trace(
            go.Scatter(
                x=[point[0]],
                y=[point[1]],
                mode="markers",
                name=t("clf.roc.point", lang, threshold=threshold),
                marker={"size": NORMAL.marker_size * 2, "color": OKABE_ITO[1], "symbol": "diamond"},
            )
        )
    apply_layout(fig, t("clf.roc.title", lang, auc=area), t("clf.roc.fpr", lang), t("clf.roc.tpr", lang))
    fig.update_xaxes(range=[-0.02, 1.02], constrain="domain")
    fig.update_yaxes(range=[-0.02, 1.02], scaleanchor="x", scaleratio=1)
    return fig


def confusion_figure(counts: Confusion, *, lang: str) -> go.Figure:
    """The 2 × 2 confusion matrix: rows the truth, columns the prediction.

    Args:
        counts: The confusion counts at the chosen threshold.
        lang: Text language.

    Returns:
        The figure.
    """
    columns = [t("clf.cm.pred0", lang), t("clf.cm.pred1", lang)]
    rows = [t("clf.cm.true0", lang), t("clf.cm.true1", lang)]
    z = [[counts.tn, counts.fp], [counts.fn, counts.tp]]
    names = [[t("clf.cm.tn", lang), t("clf.cm.fp", lang)], [t("clf.cm.fn", lang), t("clf.cm.tp", lang)]]
    text = [[f"{names[i][j]}<br><b>{z[i][j]}</b>" for j in range(2)] for i in range(2)]
    fig = go.Figure(
        go.Heatmap(
            x=columns,
            y=rows,
            z=z,
            text=text,
            texttemplate="%{text}",
            textfont={"size": NORMAL.font_size + 2},
            colorscale=[[0.0, "#F7F7F7"], [1.0, OKABE_ITO[5]]],
            showscale=False,
            hoverinfo="skip",
        )
    )
    apply_layout(
        fig, t("clf.cm.title", lang, total=counts.total), t("clf.cm.predicted", lang), t("clf.cm.actual", lang)
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def cross_entropy_figure(curves: Mapping[str, Sequence[float]], *, lang: str) -> go.Figure:
    """Each loss of a single prediction p, for a positive and a negative example.

    Args:
        curves: ``{"p": [...], "bce_1", "mae_1", "mse_1", "bce_0", "mae_0",
            "mse_0"}``: the losses Keras computes for y = 1 and y = 0.
        lang: Text language.

    Returns:
        The figure (two panels: y = 1 and y = 0).
    """
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(t("clf.ce.positive", lang), t("clf.ce.negative", lang)),
        horizontal_spacing=0.1,
        shared_yaxes=True,
    )
    p = [float(v) for v in curves["p"]]
    for col, label in ((1, "1"), (2, "0")):
        for name, color, dash in (
            ("bce", OKABE_ITO[0], "solid"),
            ("mae", OKABE_ITO[2], "dash"),
            ("mse", OKABE_ITO[3], "dot"),
        ):
            fig.add_trace(
                go.Scatter(
                    x=p,
                    y=[float(v) for v in curves[f"{name}_{label}"]],
                    name=t(f"clf.ce.{name}", lang),
                    legendgroup=name,
                    showlegend=col == 1,
                    mode="lines",
                    line={"color": color, "width": NORMAL.line_width, "dash": dash},
                ),
                row=1,
                col=col,
            )
    apply_layout(fig, t("clf.ce.title", lang), "", "")
    fig.update_layout(legend={"y": -0.25, "yanchor": "top", "x": 0.5, "xanchor": "center"})
    fig.update_xaxes(title_text=t("clf.ce.p_axis", lang), range=[0, 1])
    fig.update_yaxes(title_text=t("clf.ce.loss_axis", lang), range=[0, 5], row=1, col=1)
    return fig


def class_balance_figure(counts: Mapping[str, tuple[int, int]], *, lang: str) -> go.Figure:
    """Examples of each class per split, as stacked bars with percentages.

    Args:
        counts: ``{split label: (negatives, positives)}``.
        lang: Text language.

    Returns:
        The figure.
    """
    labels = list(counts)
    fig = go.Figure()
    for index, (cls, color) in enumerate(((0, NEGATIVE), (1, POSITIVE))):
        values = [counts[label][index] for label in labels]
        shares = [v / max(sum(counts[label]), 1) for v, label in zip(values, labels, strict=True)]
        fig.add_trace(
            go.Bar(
                x=values,
                y=labels,
                orientation="h",
                name=t(f"clf.class{cls}", lang),
                marker={"color": color},
                text=[f"{v} ({s:.0%})" for v, s in zip(values, shares, strict=True)],
                textposition="inside",
            )
        )
    apply_layout(fig, t("clf.balance.title", lang), t("clf.balance.count", lang), "")
    fig.update_layout(barmode="stack", height=int(NORMAL.height * 0.55))
    return fig
