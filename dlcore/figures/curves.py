"""Learning curves, the comparison of runs, and predicted against actual values;
TensorBoard's smoothing and log scale for any curves figure, and one colour
per run number."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from dlcore.curve_stats import smooth
from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.markup import plotly_text
from dlcore.text import t

# Run colours: Okabe–Ito without yellow (too pale for a thin line on white)
# and with black last (it also draws reference lines).
RUN_COLOURS: tuple[str, ...] = (*OKABE_ITO[:6], OKABE_ITO[7])
RAW_OPACITY = 0.25  # the raw values behind a smoothed line, as TensorBoard draws them


def run_colour(number: int) -> str:
    """The colour of run ``number`` (1, 2, ...) in every per-run chart: the
    live curves, the run-history overlay, the distributions."""
    return RUN_COLOURS[(max(int(number), 1) - 1) % len(RUN_COLOURS)]


@dataclass(frozen=True)
class CurveOptions:
    """How curves are drawn (the page's smoothing slider and log-scale switch).

    Attributes:
        smoothing: TensorBoard's smoothing weight in [0, 0.99]; 0 draws the raw values.
        log_scale: Whether the (first) y axis is logarithmic.
    """

    smoothing: float = 0.0
    log_scale: bool = False


def _smoothable(trace: object) -> bool:
    """A line of at least two points (not a marker such as the best-epoch star)."""
    return (
        isinstance(trace, go.Scatter)
        and "lines" in (trace.mode or "lines")
        and trace.y is not None
        and len(trace.y) > 1
    )


def apply_curve_options(fig: go.Figure, options: CurveOptions) -> go.Figure:
    """Smooths every line of a curves figure and sets its y scale, as TensorBoard does.

    With smoothing, each line is drawn twice in its colour: its raw values
    faint behind, and the smoothed values (``dlcore.curve_stats.smooth``)
    solid in front, one legend entry for both. A log scale applies to the
    first y axis (the loss; a second panel, such as accuracy, keeps its own).

    Args:
        fig: Any curves figure (``loss_figure``, ``runs_figure``, a lesson's own).
        options: Smoothing weight and log scale.

    Returns:
        ``fig`` itself when smoothing is off (its y axis set), else a new figure.
    """
    if options.smoothing > 0 and any(_smoothable(trace) for trace in fig.data):
        traces = []
        for i, trace in enumerate(fig.data):
            if not _smoothable(trace):
                traces.append(trace)
                continue
            group = trace.legendgroup or f"curve{i}"
            raw = go.Scatter(trace).update(opacity=RAW_OPACITY, showlegend=False, legendgroup=group, hoverinfo="skip")
            smoothed = go.Scatter(trace).update(
                y=smooth(list(trace.y), options.smoothing), mode="lines", legendgroup=group
            )
            traces += [raw, smoothed]
        fig = go.Figure(data=traces, layout=fig.layout)
    if options.log_scale:
        fig.update_layout(yaxis_type="log")
    return fig


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
    colour: str | None = None,
    compare_colour: str | None = None,
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
        colour: The run's colour (``run_colour``): validation solid,
            training dashed in it; default: training blue, validation vermillion.
        compare_colour: The compared run's colour (default grey).

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
                line={"color": compare_colour or "#999999", "width": NORMAL.line_width, "dash": "dot"},
            )
        )
    for name, color, dash, label in (
        ("loss", colour or OKABE_ITO[0], "dash" if colour else "solid", t("chart.train_loss", lang)),
        ("val_loss", colour or OKABE_ITO[1], "solid", t("chart.valid_loss", lang)),
    ):
        values = _finite(history.get(name, []))
        fig.add_trace(
            go.Scatter(
                x=list(range(1, len(values) + 1)),
                y=values,
                name=label,
                mode="lines+markers" if len(values) <= 60 else "lines",
                line={"color": color, "width": NORMAL.line_width, "dash": dash},
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
    numbers: Sequence[int] | None = None,
) -> go.Figure:
    """Validation-loss curves of several runs, overlaid, each minimum starred.

    Args:
        runs: ``(label, val_loss list)`` pairs; a label is plain text (it
            may hold an uploaded file's name), shown as it is.
        lang: Text language.
        numbers: The runs' numbers, same order: each run is drawn in its
            ``run_colour``; default: the palette in order.

    Returns:
        The figure.
    """
    fig = go.Figure()
    for i, (text, values) in enumerate(runs):
        label = plotly_text(text)
        color = run_colour(numbers[i]) if numbers is not None else OKABE_ITO[i % len(OKABE_ITO)]
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
