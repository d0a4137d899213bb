"""Learning curves, the comparison of runs, and predicted against actual values."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.markup import plotly_text
from dlcore.text import t


def _finite(values: Sequence[float | None]) -> list[float | None]:
    return [v if v is not None and math.isfinite(v) else None for v in values]


def best_epoch_marker(
    history: Mapping[str, Sequence[float | None]],
    best_epoch: int | None,
    *,
    lang: str,
) -> go.Scatter | None:
    """A star on the validation loss at the best epoch, or None without one."""
    val = _finite(history.get("val_loss", []))
    if best_epoch is None or not 0 < best_epoch <= len(val) or val[best_epoch - 1] is None:
        return None
    return go.Scatter(
        x=[best_epoch],
        y=[val[best_epoch - 1]],
        name=t("chart.best_epoch", lang, epoch=best_epoch),
        mode="markers",
        marker={"symbol": "star", "size": NORMAL.marker_size * 2.2, "color": OKABE_ITO[2]},
    )


def loss_figure(
    history: Mapping[str, Sequence[float | None]],
    *,
    lang: str,
    total_epochs: int,
    loss_name: str,
    best_epoch: int | None = None,
    stopped_epoch: int | None = None,
    compare: Mapping[str, Sequence[float | None]] | None = None,
    compare_label: str | None = None,
) -> go.Figure:
    """Training and validation loss per epoch, as Keras's History holds them.

    The x axis spans all planned epochs from the start, so the chart does not
    rescale while epochs arrive.

    Args:
        history: ``{"loss": [...], "val_loss": [...]}`` (epoch 1 first).
        lang: Text language.
        total_epochs: Planned epochs (x axis range).
        loss_name: Key of the loss (``"mae"``, ...), shown on the y axis.
        best_epoch: Epoch of the lowest validation loss, marked if given.
        stopped_epoch: Epoch at which EarlyStopping stopped, marked if given.
        compare: Another run's history, drawn dotted for comparison.
        compare_label: Legend name of that run.

    Returns:
        The figure.
    """
    fig = go.Figure()
    if compare:
        val = _finite(compare.get("val_loss", []))
        fig.add_trace(
            go.Scatter(
                x=list(range(1, len(val) + 1)),
                y=val,
                name=compare_label or t("chart.previous_run", lang),
                mode="lines",
                line={"color": "#999999", "width": NORMAL.line_width, "dash": "dot"},
            )
        )
    for name, color, label in (
        ("loss", OKABE_ITO[0], t("chart.train_loss", lang)),
        ("val_loss", OKABE_ITO[1], t("chart.valid_loss", lang)),
    ):
        values = _finite(history.get(name, []))
        fig.add_trace(
            go.Scatter(
                x=list(range(1, len(values) + 1)),
                y=values,
                name=label,
                mode="lines+markers" if len(values) <= 60 else "lines",
                line={"color": color, "width": NORMAL.line_width},
                marker={"size": NORMAL.marker_size},
            )
        )
    star = best_epoch_marker(history, best_epoch, lang=lang)
    if star is not None:
        fig.add_trace(star)
    if stopped_epoch is not None:
        fig.add_vline(
            x=stopped_epoch,
            line={"dash": "dash", "color": OKABE_ITO[7], "width": max(1.0, NORMAL.line_width / 2)},
            annotation_text=t("chart.stopped_here", lang, epoch=stopped_epoch),
            annotation_position="top left",
        )
    fig = apply_layout(
        fig,
        t("chart.loss_title", lang),
        t("chart.epoch", lang),
        t("chart.loss_axis", lang, loss=t(f"loss.{loss_name}", lang)),
    )
    fig.update_xaxes(range=[0.5, max(total_epochs, 1) + 0.5])
    return fig


def runs_figure(
    runs: Sequence[tuple[str, Sequence[float | None]]],
    *,
    lang: str,
) -> go.Figure:
    """Validation-loss curves of several runs, overlaid, each minimum starred.

    Args:
        runs: ``(label, val_loss list)`` pairs; a label is plain text (it
            may hold an uploaded file's name), shown as it is.
        lang: Text language.

    Returns:
        The figure.
    """
    fig = go.Figure()
    for i, (text, values) in enumerate(runs):
        label = plotly_text(text)
        color = OKABE_ITO[i % len(OKABE_ITO)]
        clean = _finite(values)
        fig.add_trace(
            go.Scatter(
                x=list(range(1, len(clean) + 1)),
                y=clean,
                name=label,
                mode="lines",
                line={"color": color, "width": NORMAL.line_width},
                legendgroup=label,
            )
        )
        finite = [(v, e) for e, v in enumerate(clean, 1) if v is not None]
        if finite:
            best, epoch = min(finite)
            fig.add_trace(
                go.Scatter(
                    x=[epoch],
                    y=[best],
                    mode="markers",
                    marker={"symbol": "star", "size": NORMAL.marker_size * 2, "color": color},
                    showlegend=False,
                    legendgroup=label,
                    hovertemplate=f"{label}<br>{t('chart.epoch', lang)} %{{x}}: %{{y:.4f}}<extra></extra>",
                )
            )
    return apply_layout(fig, t("chart.runs_title", lang), t("chart.epoch", lang), t("chart.valid_loss", lang))


def prediction_figure(
    actual: Sequence[float],
    predicted: Sequence[float],
    *,
    lang: str,
    unit: str,
) -> go.Figure:
    """Predicted against actual values with the diagonal y = x.

    Args:
        actual: True values.
        predicted: The model's predictions, same order.
        lang: Text language.
        unit: Axis unit label (e.g. "quality", or an uploaded column's
            name: shown as text).

    Returns:
        The figure.
    """
    low = min(min(actual), min(predicted))
    high = max(max(actual), max(predicted))
    fig = go.Figure(
        [
            go.Scatter(
                x=[low, high],
                y=[low, high],
                mode="lines",
                name=t("chart.perfect", lang),
                line={"color": OKABE_ITO[7], "dash": "dash", "width": NORMAL.line_width / 2},
            ),
            go.Scatter(
                x=list(actual),
                y=list(predicted),
                mode="markers",
                name=t("chart.validation_rows", lang),
                marker={"color": OKABE_ITO[0], "size": NORMAL.marker_size, "opacity": 0.45},
            ),
        ]
    )
    return apply_layout(
        fig,
        t("chart.pred_title", lang),
        t("chart.actual", lang, unit=plotly_text(unit)),
        t("chart.predicted", lang, unit=plotly_text(unit)),
    )
