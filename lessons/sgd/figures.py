"""The SGD lesson's chart and step table.

One animated figure in three panels: the data with the step's minibatch
and the fitted line (left), the full-data MSE above its floor against the
step (top right) and the path of (w, b) over the MSE's contours (bottom
right). The minibatch run is drawn in Okabe–Ito blue, the full-batch run
in vermillion.

The figure is built in the order Plotly numbers its traces: the static
traces first, then the moving ones that every frame redraws; then the
frames and the layout.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dlcore.figures.animation import frame_steps, layout_animation, play_controls
from dlcore.figures.contours import contour_lines, contour_traces
from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.text import t
from lessons.sgd.model import (
    B_RANGE,
    CONTOUR_LEVELS,
    EXCESS_FLOOR,
    TRUE_B,
    TRUE_W,
    W_RANGE,
    X_RANGE,
    SgdSettings,
    stable_prefix,
)

# The panels as ``row``/``col`` arguments of ``add_trace`` and ``update_*axes``.
DATA_PANEL = {"row": 1, "col": 1}
LOSS_PANEL = {"row": 1, "col": 2}
PARAMS_PANEL = {"row": 2, "col": 2}
LINE_X: tuple[float, float] = (X_RANGE[0] - 0.2, X_RANGE[1] + 0.2)  # x ends of the drawn lines
EPOCH_MARK_LIMIT = 25  # epoch boundaries are drawn for at most this many epochs
WIDTH = NORMAL.line_width


@dataclass(frozen=True)
class _Run:
    """One run as the chart needs it: (w, b) and MSE per step, up to divergence."""

    w: list[float]
    b: list[float]
    loss: list[float]
    color: str

    def at(self, step: int) -> tuple[float, float] | None:
        """(w, b) after ``step`` steps, or None once the run has diverged."""
        return (self.w[step], self.b[step]) if step < len(self.loss) else None


def _runs(result: Mapping[str, Any], show_full_batch: bool) -> list[_Run]:
    """The minibatch run and, if shown, the full-batch run, each cut at divergence."""
    runs = []
    for prefix, color in (("", OKABE_ITO[0]), ("full_", OKABE_ITO[1])):
        if prefix and not show_full_batch:
            continue
        ok = stable_prefix(result[f"{prefix}loss"])
        runs.append(_Run(result[f"{prefix}w"][:ok], result[f"{prefix}b"][:ok], result[f"{prefix}loss"][:ok], color))
    return runs


@dataclass(frozen=True)
class _Chart:
    """What the parts of the figure read: the data, the steps and the runs.

    Attributes:
        x: Inputs of the samples.
        y: Targets of the samples.
        batches: Sample indices of each step's minibatch.
        runs: The runs drawn (minibatch first).
        best_mse: The least-squares line's MSE, the floor of every run's MSE.
        run_names: Legend entry (and legend group) of each run.
        line_names: Legend entry of each run's line on the data.
        lang: Text language.
    """

    x: list[float]
    y: list[float]
    batches: list[list[int]]
    runs: list[_Run]
    best_mse: float
    run_names: list[str]
    line_names: list[str]
    lang: str

    @property
    def total(self) -> int:
        """Number of steps."""
        return len(self.batches)

    def excess(self, mse: float) -> float:
        """MSE − the least-squares MSE, at least ``EXCESS_FLOOR``.

        0 at the best line, so a log axis shows the minibatch noise that the
        MSE itself hides near its floor.
        """
        return max(mse - self.best_mse, EXCESS_FLOOR)


def _chart(result: Mapping[str, Any], settings: SgdSettings, lang: str, show_full_batch: bool) -> _Chart:
    return _Chart(
        x=result["x"],
        y=result["y"],
        batches=result["batches"],
        runs=_runs(result, show_full_batch),
        best_mse=result["best_mse"],
        run_names=[
            t("sgd.chart.minibatch_run", lang, batch=settings.batch_size),
            t("sgd.chart.full_run", lang, n=settings.n_samples),
        ],
        line_names=[t("sgd.chart.sgd_line", lang), t("sgd.chart.full_line", lang)],
        lang=lang,
    )


def _subplots(lang: str) -> go.Figure:
    """The data panel on the left over both rows, loss and (w, b) on the right."""
    return make_subplots(
        rows=2,
        cols=2,
        column_widths=[0.55, 0.45],
        specs=[[{"rowspan": 2}, {}], [None, {}]],
        subplot_titles=(
            t("sgd.chart.data_title", lang),
            t("sgd.chart.loss_title", lang),
            t("sgd.chart.params_title", lang),
        ),
        # Room between the panels for the right ones' y tick labels and
        # titles, and for the loss panel's x axis above the (w, b) panel's
        # two-line title, at the projector's text size too.
        horizontal_spacing=0.17,
        vertical_spacing=0.25,
    )


def _add_data_traces(fig: go.Figure, chart: _Chart) -> None:
    """The samples in grey and the true line y = 2x + 1, dashed."""
    samples = go.Scatter(
        x=list(chart.x),
        y=list(chart.y),
        mode="markers",
        name=t("sgd.chart.samples", chart.lang),
        marker={"color": "#B0B0B0", "size": NORMAL.marker_size},
    )
    fig.add_trace(samples, **DATA_PANEL)
    true_line = go.Scatter(
        x=list(LINE_X),
        y=[TRUE_W * u + TRUE_B for u in LINE_X],
        mode="lines",
        name=t("sgd.chart.true_line", chart.lang),
        line={"color": OKABE_ITO[7], "dash": "dash", "width": WIDTH / 2},
    )
    fig.add_trace(true_line, **DATA_PANEL)


def _add_loss_curves(fig: go.Figure, chart: _Chart) -> None:
    """Each run's MSE above the floor against the step; the hover shows the MSE."""
    for run, name in zip(chart.runs, chart.run_names):
        curve = go.Scatter(
            x=list(range(len(run.loss))),
            y=[chart.excess(v) for v in run.loss],
            customdata=run.loss,
            mode="lines",
            name=name,
            legendgroup=name,
            hovertemplate=t("sgd.chart.loss_hover", chart.lang),
            line={"color": run.color, "width": WIDTH * 0.75},
        )
        fig.add_trace(curve, **LOSS_PANEL)


def _add_contours(fig: go.Figure, grid: Mapping[str, Any], lang: str) -> None:
    """The MSE's contours as line traces (not a go.Contour, whose layer
    Plotly removes while frames play), from Keras's MSE on the task's grid."""
    lines = contour_lines(grid["w"], grid["b"], grid["mse"], CONTOUR_LEVELS)
    traces = contour_traces(lines, t("sgd.chart.mse_contours", lang))
    fig.add_traces(traces, rows=PARAMS_PANEL["row"], cols=PARAMS_PANEL["col"])


def _add_param_paths(fig: go.Figure, chart: _Chart) -> None:
    """Each run's path through the (w, b) plane."""
    for run, name in zip(chart.runs, chart.run_names):
        path = go.Scatter(
            x=run.w,
            y=run.b,
            mode="lines",
            showlegend=False,
            legendgroup=name,
            hoverinfo="skip",
            line={"color": run.color, "width": WIDTH * 0.6},
        )
        fig.add_trace(path, **PARAMS_PANEL)


def _add_best_and_true(fig: go.Figure, result: Mapping[str, Any], lang: str) -> None:
    """The least-squares (w, b) as an x and the true (2, 1) as a ring."""
    points = go.Scatter(
        x=[result["ls_w"], TRUE_W],
        y=[result["ls_b"], TRUE_B],
        mode="markers",
        showlegend=False,
        hovertext=[t("sgd.chart.best_fit", lang), t("sgd.chart.true", lang)],
        hoverinfo="text",
        marker={"symbol": ["x", "circle-open"], "size": NORMAL.marker_size * 1.6, "color": OKABE_ITO[7]},
    )
    fig.add_trace(points, **PARAMS_PANEL)


def _moving(chart: _Chart, step: int) -> list[go.Scatter]:
    """The data of the moving traces at ``step``: the minibatch the step's
    gradient came from, then per run its line y = w·x + b after the step,
    its loss marker and its (w, b) marker (empty once the run diverged)."""
    picked = chart.batches[step - 1] if step > 0 else []
    traces = [go.Scatter(x=[chart.x[i] for i in picked], y=[chart.y[i] for i in picked])]
    for run in chart.runs:
        state = run.at(step)
        if state is None:
            traces += [go.Scatter(x=[], y=[])] * 3
            continue
        w, b = state
        traces += [
            go.Scatter(x=list(LINE_X), y=[w * u + b for u in LINE_X]),
            go.Scatter(x=[step], y=[chart.excess(run.loss[step])]),
            go.Scatter(x=[w], y=[b]),
        ]
    return traces


def _add_moving_traces(fig: go.Figure, chart: _Chart) -> list[int]:
    """The moving traces, styled, at the last step (where the figure opens).

    Returns:
        Their indices in ``fig.data``, in the order ``_moving`` lists them.
    """
    first = len(fig.data)
    opening = iter(_moving(chart, chart.total))
    minibatch_marker = {
        "color": OKABE_ITO[3],
        "size": NORMAL.marker_size * 1.6,
        "line": {"width": 1.5, "color": OKABE_ITO[7]},
    }
    minibatch = next(opening).update(mode="markers", name=t("sgd.chart.minibatch", chart.lang), marker=minibatch_marker)
    fig.add_trace(minibatch, **DATA_PANEL)
    for run, name, line_name in zip(chart.runs, chart.run_names, chart.line_names):
        dash = "solid" if run.color == OKABE_ITO[0] else "dot"
        line = {"color": run.color, "width": WIDTH * 1.5, "dash": dash}
        fig.add_trace(next(opening).update(mode="lines", name=line_name, legendgroup=name, line=line), **DATA_PANEL)
        marker = {"color": run.color, "size": NORMAL.marker_size * 1.5}
        for panel in (LOSS_PANEL, PARAMS_PANEL):
            point = next(opening).update(mode="markers", showlegend=False, legendgroup=name, marker=marker)
            fig.add_trace(point, **panel)
    return list(range(first, len(fig.data)))


def _add_frames(fig: go.Figure, chart: _Chart, moving_indices: list[int]) -> None:
    """Frame k redraws the moving traces at step k; Replay / Play / Pause and
    a step slider that starts at the last frame."""
    shown = frame_steps(chart.total)
    fig.frames = [go.Frame(data=_moving(chart, s), traces=moving_indices, name=str(s)) for s in shown]
    lang = chart.lang
    controls = play_controls(
        [str(s) for s in shown],
        active=len(shown) - 1,
        labels=(t("sgd.replay", lang), t("sgd.play", lang), t("sgd.pause", lang)),
        slider_prefix=t("sgd.step", lang),
    )
    fig.update_layout(**controls)


def _add_epoch_marks(fig: go.Figure, settings: SgdSettings, lang: str) -> None:
    """Epoch boundaries on the loss panel: epoch e ends at step e · steps per epoch."""
    per_epoch = settings.steps_per_epoch
    if not (1 < settings.epochs <= EPOCH_MARK_LIMIT and per_epoch > 1):
        return
    for epoch in range(1, settings.epochs):
        fig.add_vline(x=epoch * per_epoch, line={"color": "#DDDDDD", "width": 1}, **LOSS_PANEL)
    fig.add_annotation(
        x=per_epoch,
        y=1,
        xref="x2",
        yref="y2 domain",
        text=t("sgd.chart.epoch_mark", lang),
        showarrow=False,
        xanchor="left",
        yanchor="top",
        font={"size": NORMAL.font_size * 0.75, "color": "#888888"},
    )


def _set_axes(fig: go.Figure, chart: _Chart) -> None:
    """Axis titles and ranges: the data with 15 % room around y, every step,
    a log MSE axis and the drawn window of the (w, b) plane."""
    y_pad = 0.15 * (max(chart.y) - min(chart.y))
    fig.update_xaxes(title_text="x", range=list(LINE_X), **DATA_PANEL)
    fig.update_yaxes(title_text="y", range=[min(chart.y) - y_pad, max(chart.y) + y_pad], **DATA_PANEL)
    fig.update_xaxes(title_text=t("sgd.step", chart.lang), range=[0, chart.total], **LOSS_PANEL)
    fig.update_yaxes(title_text=t("sgd.chart.mse_axis", chart.lang), type="log", exponentformat="power", **LOSS_PANEL)
    fig.update_xaxes(title_text="w", range=list(W_RANGE), **PARAMS_PANEL)
    fig.update_yaxes(title_text="b", range=list(B_RANGE), **PARAMS_PANEL)


def _lay_out(fig: go.Figure, chart: _Chart, settings: SgdSettings) -> None:
    """The title, the epoch marks, the stacking of the animation's parts and the axes."""
    title = t("sgd.chart.title", chart.lang, lr=f"{settings.learning_rate:g}", batch=settings.batch_size)
    apply_layout(fig, title, "", "")
    _add_epoch_marks(fig, settings, chart.lang)
    layout_animation(fig, NORMAL, plot_height=1.3 * NORMAL.height)
    _set_axes(fig, chart)


def sgd_figure(
    result: Mapping[str, Any],
    settings: SgdSettings,
    *,
    lang: str,
    show_full_batch: bool,
) -> go.Figure:
    """The run, animated step by step.

    Left: the samples, the step's minibatch highlighted, the line after the
    step and the true line. Top right: the full-data MSE minus the lowest
    possible MSE against the step (log axis). Bottom right: the path of
    (w, b) over the MSE's contours. The full-batch run can be overlaid on all
    three. Frame k shows step k: the minibatch the gradient came from and the
    line after the update. The figure opens at the last step.

    Args:
        result: Output of ``lessons.sgd.tasks.run_sgd``.
        settings: The settings of the run.
        lang: Text language.
        show_full_batch: Overlay the full-batch gradient-descent run.

    Returns:
        The figure.
    """
    chart = _chart(result, settings, lang, show_full_batch)
    fig = _subplots(lang)
    _add_data_traces(fig, chart)
    _add_loss_curves(fig, chart)
    _add_contours(fig, result["grid"], lang)
    _add_param_paths(fig, chart)
    _add_best_and_true(fig, result, lang)
    moving_indices = _add_moving_traces(fig, chart)
    _add_frames(fig, chart, moving_indices)
    _lay_out(fig, chart, settings)
    return fig


def step_table(result: Mapping[str, Any], settings: SgdSettings, lang: str) -> dict[str, list[Any]]:
    """Columns of the per-step table: epoch, minibatch, w, b and the MSE.

    Args:
        result: Output of ``run_sgd``.
        settings: The run's settings.
        lang: Text language.

    Returns:
        ``{column title: values}`` for a DataFrame; row 0 is the start.
    """
    per_epoch = settings.steps_per_epoch
    batches = [[], *result["batches"]]
    return {
        t("sgd.col.step", lang): list(range(len(batches))),
        # Step s belongs to epoch ⌈s / steps per epoch⌉ (the start to epoch 0).
        t("sgd.col.epoch", lang): [math.ceil(s / per_epoch) for s in range(len(batches))],
        t("sgd.col.batch", lang): [", ".join(map(str, b)) for b in batches],
        t("sgd.col.w", lang): result["w"],
        t("sgd.col.b", lang): result["b"],
        t("sgd.col.mse", lang): result["loss"],
    }
