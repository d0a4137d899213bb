"""Minibatch SGD on a line y = w·x + b: data, schedule, settings and charts.

Pure Python and NumPy (no Keras). The trajectory itself comes from
``dlcore.sgd_tasks``, where ``keras.optimizers.SGD`` updates w and b from
``tf.GradientTape`` gradients of each minibatch's MSE in a worker process.

The data are n points x ~ U(−2, 2), y = 2x + 1 + ε with ε ~ N(0, 0.5²),
drawn from a seeded generator. Each epoch shuffles the indices with a
second seeded generator and cuts them into minibatches of ``batch_size``
(the last one smaller when ``batch_size`` does not divide n), as
``model.fit(..., shuffle=True)`` does; one epoch is ⌈n / batch_size⌉ steps.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dlcore.figures.animation import frame_steps, layout_animation, play_controls
from dlcore.figures.contours import contour_lines, contour_traces
from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.spec import SettingError, check_range
from dlcore.text import t

TRUE_W = 2.0
TRUE_B = 1.0
NOISE_STD = 0.5
X_RANGE: tuple[float, float] = (-2.0, 2.0)
START: tuple[float, float] = (-1.0, 3.0)  # (w₀, b₀): far enough to see the walk
W_RANGE: tuple[float, float] = (-1.5, 3.0)  # the (w, b) plane drawn on the right
B_RANGE: tuple[float, float] = (0.0, 3.5)
MAX_STEPS = 3000
DIVERGED_MSE = 1e6
EXCESS_FLOOR = 1e-10  # MSE − lowest MSE below this is drawn here (log axis)
CONTOUR_LEVELS = 20
LEARNING_RATES: tuple[float, ...] = (0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)
SAMPLE_RANGE: tuple[int, int] = (10, 200)
EPOCH_RANGE: tuple[int, int] = (1, 50)


@dataclass(frozen=True)
class SgdSettings:
    """One minibatch-SGD run.

    Attributes:
        learning_rate: Step size η.
        batch_size: Samples per minibatch (1 … n_samples).
        n_samples: Number of data points n.
        epochs: Passes over the data.
        seed: Seed of the data noise and of the shuffles.
    """

    learning_rate: float = 0.1
    batch_size: int = 8
    n_samples: int = 64
    epochs: int = 10
    seed: int = 0

    def __post_init__(self) -> None:
        check_range("learning_rate", self.learning_rate, 1e-6, 10.0)
        check_range("n_samples", self.n_samples, *SAMPLE_RANGE)
        check_range("batch_size", self.batch_size, 1, self.n_samples)
        check_range("epochs", self.epochs, *EPOCH_RANGE)
        check_range("seed", self.seed, 0, 2**31 - 1)
        if self.total_steps > MAX_STEPS:
            raise SettingError("sgd.error.too_many_steps", steps=self.total_steps, limit=MAX_STEPS)

    @property
    def steps_per_epoch(self) -> int:
        """⌈n / batch_size⌉: the number of minibatches in one epoch."""
        return steps_per_epoch(self.n_samples, self.batch_size)

    @property
    def total_steps(self) -> int:
        return self.epochs * self.steps_per_epoch

    def to_payload(self) -> dict[str, Any]:
        """The task payload (the compute cache key)."""
        return asdict(self)


def steps_per_epoch(n_samples: int, batch_size: int) -> int:
    """⌈n / batch_size⌉ minibatches make one epoch."""
    return -(-n_samples // batch_size)


def max_epochs(n_samples: int, batch_size: int) -> int:
    """The most epochs that keep a run within ``MAX_STEPS`` steps."""
    return max(EPOCH_RANGE[0], min(EPOCH_RANGE[1], MAX_STEPS // steps_per_epoch(n_samples, batch_size)))


def _generators(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    # Two independent streams: the data stay the same when only the
    # shuffling changes and vice versa.
    data_seq, shuffle_seq = np.random.SeedSequence(seed).spawn(2)
    return np.random.default_rng(data_seq), np.random.default_rng(shuffle_seq)


def make_data(n_samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n points around the true line y = 2x + 1 with Gaussian noise (σ = 0.5).

    Args:
        n_samples: Number of points.
        seed: Seed of the generator.

    Returns:
        ``(x, y)`` as float64 arrays.
    """
    rng, _ = _generators(seed)
    x = rng.uniform(*X_RANGE, n_samples)
    y = TRUE_W * x + TRUE_B + rng.normal(0.0, NOISE_STD, n_samples)
    return x, y


def minibatch_schedule(n_samples: int, batch_size: int, epochs: int, seed: int) -> list[list[int]]:
    """The minibatches of every step: each epoch a fresh seeded permutation of
    the indices, cut into consecutive slices of ``batch_size``.

    Args:
        n_samples: Number of data points.
        batch_size: Samples per minibatch.
        epochs: Passes over the data.
        seed: Seed of the shuffles.

    Returns:
        One list of sample indices per step, in step order.
    """
    _, rng = _generators(seed)
    batches = []
    for _ in range(epochs):
        order = rng.permutation(n_samples)
        batches += [order[i : i + batch_size].tolist() for i in range(0, n_samples, batch_size)]
    return batches


def least_squares(x: Sequence[float], y: Sequence[float]) -> tuple[float, float]:
    """The best line for the data (NumPy's least-squares ``polyfit``): (w, b)."""
    w, b = np.polyfit(np.asarray(x), np.asarray(y), 1)
    return float(w), float(b)


def stable_prefix(losses: Sequence[float | None]) -> int:
    """Number of leading steps before a run diverged: the first step whose
    MSE is not finite or above ``DIVERGED_MSE`` (the start's is about 16)."""
    for i, v in enumerate(losses):
        if v is None or not math.isfinite(v) or v > DIVERGED_MSE:
            return i
    return len(losses)


# ------------------------------------------------------------------ charts
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
    runs = []
    for prefix, color in (("", OKABE_ITO[0]), ("full_", OKABE_ITO[1])):
        if prefix and not show_full_batch:
            continue
        ok = stable_prefix(result[f"{prefix}loss"])
        runs.append(_Run(result[f"{prefix}w"][:ok], result[f"{prefix}b"][:ok], result[f"{prefix}loss"][:ok], color))
    return runs


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
        result: Output of ``dlcore.sgd_tasks.run_sgd``.
        settings: The settings of the run.
        lang: Text language.
        show_full_batch: Overlay the full-batch gradient-descent run.

    Returns:
        The figure.
    """
    x, y, batches = result["x"], result["y"], result["batches"]
    total = len(batches)
    runs = _runs(result, show_full_batch)
    best = result["best_mse"]
    line_x = [X_RANGE[0] - 0.2, X_RANGE[1] + 0.2]
    data, loss, params = {"row": 1, "col": 1}, {"row": 1, "col": 2}, {"row": 2, "col": 2}

    def excess(mse: float) -> float:
        # MSE − the least-squares MSE: 0 at the best line, so a log axis
        # shows the minibatch noise that the MSE itself hides near its floor.
        return max(mse - best, EXCESS_FLOOR)

    fig = make_subplots(
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
    names = [
        t("sgd.chart.minibatch_run", lang, batch=settings.batch_size),
        t("sgd.chart.full_run", lang, n=settings.n_samples),
    ]
    line_names = [t("sgd.chart.sgd_line", lang), t("sgd.chart.full_line", lang)]
    width = NORMAL.line_width

    # Static traces: samples, true line, loss curves, MSE contours, paths, best and true (w, b).
    fig.add_trace(
        go.Scatter(
            x=list(x),
            y=list(y),
            mode="markers",
            name=t("sgd.chart.samples", lang),
            marker={"color": "#B0B0B0", "size": NORMAL.marker_size},
        ),
        **data,
    )
    fig.add_trace(
        go.Scatter(
            x=line_x,
            y=[TRUE_W * u + TRUE_B for u in line_x],
            mode="lines",
            name=t("sgd.chart.true_line", lang),
            line={"color": OKABE_ITO[7], "dash": "dash", "width": width / 2},
        ),
        **data,
    )
    for run, name in zip(runs, names):
        fig.add_trace(
            go.Scatter(
                x=list(range(len(run.loss))),
                y=[excess(v) for v in run.loss],
                customdata=run.loss,
                mode="lines",
                name=name,
                legendgroup=name,
                hovertemplate=t("sgd.chart.loss_hover", lang),
                line={"color": run.color, "width": width * 0.75},
            ),
            **loss,
        )
    # The MSE's contours as line traces (not a go.Contour, whose layer
    # Plotly removes while frames play), from Keras's MSE on the task's grid.
    grid = result["grid"]
    contours = contour_traces(
        contour_lines(grid["w"], grid["b"], grid["mse"], CONTOUR_LEVELS), t("sgd.chart.mse_contours", lang)
    )
    fig.add_traces(contours, rows=params["row"], cols=params["col"])
    for run, name in zip(runs, names):
        fig.add_trace(
            go.Scatter(
                x=run.w,
                y=run.b,
                mode="lines",
                showlegend=False,
                legendgroup=name,
                hoverinfo="skip",
                line={"color": run.color, "width": width * 0.6},
            ),
            **params,
        )
    fig.add_trace(
        go.Scatter(
            x=[result["ls_w"], TRUE_W],
            y=[result["ls_b"], TRUE_B],
            mode="markers",
            showlegend=False,
            hovertext=[t("sgd.chart.best_fit", lang), t("sgd.chart.true", lang)],
            hoverinfo="text",
            marker={"symbol": ["x", "circle-open"], "size": NORMAL.marker_size * 1.6, "color": OKABE_ITO[7]},
        ),
        **params,
    )

    # Moving traces, redrawn by every frame: the minibatch, then per run its
    # line, its loss marker and its (w, b) marker.
    def moving(step: int) -> list[go.Scatter]:
        picked = batches[step - 1] if step > 0 else []
        traces = [go.Scatter(x=[x[i] for i in picked], y=[y[i] for i in picked])]
        for run in runs:
            state = run.at(step)
            if state is None:
                traces += [go.Scatter(x=[], y=[])] * 3
                continue
            w, b = state
            traces += [
                go.Scatter(x=line_x, y=[w * u + b for u in line_x]),
                go.Scatter(x=[step], y=[excess(run.loss[step])]),
                go.Scatter(x=[w], y=[b]),
            ]
        return traces

    first_moving = len(fig.data)
    opening = iter(moving(total))
    fig.add_trace(
        next(opening).update(
            mode="markers",
            name=t("sgd.chart.minibatch", lang),
            marker={
                "color": OKABE_ITO[3],
                "size": NORMAL.marker_size * 1.6,
                "line": {"width": 1.5, "color": OKABE_ITO[7]},
            },
        ),
        **data,
    )
    for run, name, line_name in zip(runs, names, line_names):
        dash = "solid" if run.color == OKABE_ITO[0] else "dot"
        fig.add_trace(
            next(opening).update(
                mode="lines",
                name=line_name,
                legendgroup=name,
                line={"color": run.color, "width": width * 1.5, "dash": dash},
            ),
            **data,
        )
        marker = {"color": run.color, "size": NORMAL.marker_size * 1.5}
        fig.add_trace(next(opening).update(mode="markers", showlegend=False, legendgroup=name, marker=marker), **loss)
        fig.add_trace(next(opening).update(mode="markers", showlegend=False, legendgroup=name, marker=marker), **params)

    shown = frame_steps(total)
    moving_indices = list(range(first_moving, len(fig.data)))
    fig.frames = [go.Frame(data=moving(s), traces=moving_indices, name=str(s)) for s in shown]
    fig.update_layout(
        **play_controls(
            [str(s) for s in shown],
            active=len(shown) - 1,
            labels=(t("sgd.replay", lang), t("sgd.play", lang), t("sgd.pause", lang)),
            slider_prefix=t("sgd.step", lang),
        )
    )
    title = t("sgd.chart.title", lang, lr=f"{settings.learning_rate:g}", batch=settings.batch_size)
    apply_layout(fig, title, "", "")
    # Epoch boundaries on the loss panel: each epoch is ``per_epoch`` steps.
    per_epoch = settings.steps_per_epoch
    if 1 < settings.epochs <= 25 and per_epoch > 1:
        for epoch in range(1, settings.epochs):
            fig.add_vline(x=epoch * per_epoch, line={"color": "#DDDDDD", "width": 1}, **loss)
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
    layout_animation(fig, NORMAL, plot_height=1.3 * NORMAL.height)
    y_pad = 0.15 * (max(y) - min(y))
    fig.update_xaxes(title_text="x", range=line_x, **data)
    fig.update_yaxes(title_text="y", range=[min(y) - y_pad, max(y) + y_pad], **data)
    fig.update_xaxes(title_text=t("sgd.step", lang), range=[0, total], **loss)
    fig.update_yaxes(title_text=t("sgd.chart.mse_axis", lang), type="log", exponentformat="power", **loss)
    fig.update_xaxes(title_text="w", range=list(W_RANGE), **params)
    fig.update_yaxes(title_text="b", range=list(B_RANGE), **params)
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
        t("sgd.col.epoch", lang): [math.ceil(s / per_epoch) for s in range(len(batches))],
        t("sgd.col.batch", lang): [", ".join(map(str, b)) for b in batches],
        t("sgd.col.w", lang): result["w"],
        t("sgd.col.b", lang): result["b"],
        t("sgd.col.mse", lang): result["loss"],
    }
