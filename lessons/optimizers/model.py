"""The optimizer race: loss surfaces, racer settings, outcomes and charts.

Pure Python and NumPy (no Keras): the page uses this module freely, while
the trajectories themselves come from ``lessons.optimizers.tasks``, which
applies the real ``keras.optimizers`` classes to a ``tf.Variable`` in a
worker process.

Every surface function uses arithmetic operators only, so the same function
evaluates NumPy arrays here (contours) and TensorFlow tensors in the worker
(where ``tf.GradientTape`` differentiates it).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import plotly.graph_objects as go

from dlcore import course_function
from dlcore.figures.animation import frame_steps, layout_animation, play_controls
from dlcore.figures.contours import Polyline, contour_lines, contour_traces, short
from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.spec import OPTIMIZERS, SettingError, check_range
from dlcore.text import t

Point = tuple[float, ...]

MAX_STEPS = 500
MAX_FRAMES = 60  # animation frames, evenly spaced over the steps
MAX_TRAIL = 100  # points of each animated trail (the opening view keeps all)
BLOWUP = 1e6  # |coordinate| beyond which a run counts as diverged
LOSS_FLOOR = 1e-16  # f − f* is drawn on a log axis; exact zeros sit here
TOLERANCES: tuple[float, ...] = (1e-1, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8)
CONTOUR_LEVELS = 30
CONTOUR_GRID = 90  # grid points per axis for the contour lines


# ------------------------------------------------------------------ racers
@dataclass(frozen=True)
class Hyper:
    """The range and choices of one optimizer argument (keyed by its Keras name).

    Attributes:
        low: Smallest accepted value.
        high: Largest accepted value.
        options: Values offered by the select-slider.
    """

    low: float
    high: float
    options: tuple[float, ...]


LEARNING_RATES: tuple[float, ...] = (
    1e-4, 2e-4, 5e-4, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0,
)  # fmt: skip
HYPERS: dict[str, Hyper] = {
    "learning_rate": Hyper(1e-6, 10.0, LEARNING_RATES),
    "momentum": Hyper(0.0, 0.99, (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)),
    "beta_1": Hyper(0.0, 0.99, (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)),
    "beta_2": Hyper(0.5, 0.9999, (0.9, 0.99, 0.999, 0.9999)),
    "rho": Hyper(0.0, 0.999, (0.5, 0.8, 0.9, 0.95, 0.99, 0.999)),
    "epsilon": Hyper(1e-12, 1.0, (1e-10, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1.0)),
}

# The racers, in the course's order; each is a key of ``dlcore.spec.OPTIMIZERS``.
RACERS: tuple[str, ...] = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam")
RACER_COLORS: dict[str, str] = dict(zip(RACERS, (*OKABE_ITO[:6], OKABE_ITO[7]), strict=True))
RACER_SYMBOLS: dict[str, str] = dict(
    zip(RACERS, ("circle", "diamond", "square", "triangle-up", "triangle-down", "pentagon", "star"), strict=True)
)

# Keras's defaults (keras/src/optimizers/*.py), except momentum: Keras's SGD
# defaults to 0.0 (plain SGD); the momentum racers use the customary 0.9.
RACER_HYPERS: dict[str, dict[str, float]] = {
    "sgd": {"learning_rate": 0.01},
    "momentum": {"learning_rate": 0.01, "momentum": 0.9},
    "nesterov": {"learning_rate": 0.01, "momentum": 0.9},
    "adagrad": {"learning_rate": 0.001, "epsilon": 1e-7},
    "rmsprop": {"learning_rate": 0.001, "rho": 0.9, "epsilon": 1e-7},
    "adadelta": {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-7},
    "adam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
}


def _suggest(learning_rates: tuple[float, ...], adadelta_epsilon: float) -> dict[str, dict[str, float]]:
    """Suggested settings: a learning rate per racer (in ``RACERS`` order) and
    AdaDelta's ε. AdaDelta's first steps are about lr·√ε long, so with Keras's
    ε = 1e-7 it barely moves for dozens of steps."""
    rates = {r: {"learning_rate": lr} for r, lr in zip(RACERS, learning_rates, strict=True)}
    rates["adadelta"]["epsilon"] = adadelta_epsilon
    return rates


# --------------------------------------------------------------- surfaces
def ravine(x: Any, y: Any) -> Any:
    """An elongated bowl: f = 0.05x² + 3y² (curvatures 0.1 and 6, ratio 60)."""
    return 0.05 * x**2 + 3 * y**2


def rosenbrock(x: Any, y: Any) -> Any:
    """Rosenbrock's banana valley: f = (1 − x)² + 100(y − x²)², minimum (1, 1)."""
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def beale(x: Any, y: Any) -> Any:
    """Beale: (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², minimum (3, 0.5)."""
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def saddle(x: Any, y: Any) -> Any:
    """A saddle at (0, 0) between two valleys: f = x² + y⁴/4 − y²/2.

    ∂f/∂y = y³ − y vanishes at y = 0 (a maximum along y) and y = ±1, so the
    minima are (0, ±1) with f = −1/4.
    """
    return x**2 + y**4 / 4 - y**2 / 2


def himmelblau(x: Any, y: Any) -> Any:
    """Himmelblau: f = (x² + y − 11)² + (x + y² − 7)², four minima with f = 0."""
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


@dataclass(frozen=True)
class Surface:
    """A loss surface to race on, with the settings that show it well.

    Attributes:
        key: Registry key (also the text key stem ``race.surface.<key>``).
        func: ``f(x)`` or ``f(x, y)`` built from arithmetic operators only.
        minima: The known global minima.
        f_min: The loss at the minima, f*.
        x_range: Plot range (and start-point range) of x.
        y_range: Plot range of y; None for a 1-D function.
        start: Suggested start point.
        steps: Suggested number of steps.
        suggested: Per racer, the settings that differ from ``RACER_HYPERS``.
        log_contours: Draw contours of log10(f − f* + 1) (steep surfaces).
    """

    key: str
    func: Callable[..., Any]
    minima: tuple[Point, ...]
    f_min: float
    x_range: tuple[float, float]
    y_range: tuple[float, float] | None
    start: Point
    steps: int
    suggested: Mapping[str, Mapping[str, float]]
    log_contours: bool = False

    @property
    def dims(self) -> int:
        return 1 if self.y_range is None else 2

    def __call__(self, *coords: Any) -> Any:
        return self.func(*coords)

    def distance_to_minimum(self, point: Sequence[float]) -> float:
        """Euclidean distance from ``point`` to the nearest known minimum."""
        return min(math.dist(point, m) for m in self.minima)


SURFACES: dict[str, Surface] = {
    s.key: s
    for s in (
        Surface(
            "course",
            course_function.f,
            ((course_function.X_MIN,),),
            course_function.F_MIN,
            (-3.0, 3.0),
            None,
            (-2.5,),
            60,
            _suggest((0.05, 0.05, 0.05, 1.0, 0.1, 1.0, 0.3), adadelta_epsilon=1e-2),
        ),
        Surface(
            "ravine",
            ravine,
            ((0.0, 0.0),),
            0.0,
            (-5.0, 5.0),
            (-2.0, 2.0),
            (-4.5, 1.5),
            150,
            _suggest((0.2, 0.2, 0.2, 0.5, 0.05, 1.0, 0.2), adadelta_epsilon=1e-2),
        ),
        Surface(
            "rosenbrock",
            rosenbrock,
            ((1.0, 1.0),),
            0.0,
            (-2.0, 2.0),
            (-1.0, 3.0),
            (-1.5, 2.0),
            300,
            _suggest((0.001, 0.001, 0.001, 2.0, 0.02, 1.0, 0.2), adadelta_epsilon=1e-3),
            log_contours=True,
        ),
        Surface(
            "beale",
            beale,
            ((3.0, 0.5),),
            0.0,
            (-1.0, 4.5),
            (-1.5, 2.0),
            (1.0, 1.5),
            300,
            _suggest((0.005, 0.005, 0.005, 1.0, 0.01, 1.0, 0.1), adadelta_epsilon=1e-3),
            log_contours=True,
        ),
        Surface(
            "saddle",
            saddle,
            ((0.0, 1.0), (0.0, -1.0)),
            -0.25,
            (-2.0, 2.0),
            (-2.0, 2.0),
            (-1.5, 0.01),
            100,
            _suggest((0.1, 0.1, 0.1, 0.5, 0.05, 1.0, 0.1), adadelta_epsilon=1e-2),
        ),
        Surface(
            "himmelblau",
            himmelblau,
            (
                (3.0, 2.0),
                (-2.805118086952745, 3.131312518250573),
                (-3.779310253377747, -3.2831859912861696),
                (3.5844283403304917, -1.8481265269644034),
            ),
            0.0,
            (-5.0, 5.0),
            (-5.0, 5.0),
            (-0.3, -0.9),
            200,
            _suggest((0.01, 0.005, 0.005, 1.0, 0.02, 1.0, 0.1), adadelta_epsilon=1e-4),
            log_contours=True,
        ),
    )
}


def suggested_hypers(surface: Surface) -> dict[str, dict[str, float]]:
    """Every racer's settings for a surface: Keras's defaults with the surface's suggestions.

    Args:
        surface: The surface.

    Returns:
        ``{racer: {argument: value}}``.
    """
    return {r: {**RACER_HYPERS[r], **surface.suggested[r]} for r in RACERS}


def keras_optimizer(racer: str, hypers: Mapping[str, float]) -> tuple[str, dict[str, Any]]:
    """The ``keras.optimizers`` class name and constructor arguments of a racer.

    Args:
        racer: A key of ``RACERS``.
        hypers: Its settings (the names in ``RACER_HYPERS[racer]``).

    Returns:
        ``(class_name, kwargs)``, e.g. ``("SGD", {"learning_rate": 0.01,
        "momentum": 0.9, "nesterov": True})``.
    """
    choice = OPTIMIZERS[racer]
    kwargs: dict[str, Any] = {name: float(hypers[name]) for name in RACER_HYPERS[racer]}
    if choice.nesterov:
        kwargs["nesterov"] = True
    return choice.keras_class, kwargs


def keras_code(racer: str, hypers: Mapping[str, float]) -> str:
    """The Python line that creates this racer's optimizer in Keras."""
    class_name, kwargs = keras_optimizer(racer, hypers)
    args = ", ".join(f"{k}={v!r}" if isinstance(v, bool) else f"{k}={v:g}" for k, v in kwargs.items())
    return f"keras.optimizers.{class_name}({args})"


@dataclass(frozen=True)
class RaceSettings:
    """What a race computes: one surface, one start, one step count, the racers.

    Attributes:
        surface: Key of ``SURFACES``.
        start: Start point (one coordinate per dimension).
        steps: Optimizer steps per racer.
        racers: ``{racer: {argument: value}}`` for the chosen racers.
    """

    surface: str
    start: tuple[float, ...]
    steps: int
    racers: dict[str, dict[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.surface not in SURFACES:
            raise SettingError("error.setting_choice", name="surface", value=self.surface)
        surface = SURFACES[self.surface]
        if len(self.start) != surface.dims:
            raise SettingError("error.setting_choice", name="start", value=list(self.start))
        ranges = [surface.x_range] if surface.y_range is None else [surface.x_range, surface.y_range]
        for name, value, (low, high) in zip(("x0", "y0"), self.start, ranges):
            check_range(name, value, low, high)
        check_range("steps", self.steps, 1, MAX_STEPS)
        if not self.racers:
            raise SettingError("race.error.no_racers")
        for racer, hypers in self.racers.items():
            if racer not in RACERS:
                raise SettingError("error.setting_choice", name="optimizer", value=racer)
            for name in RACER_HYPERS[racer]:
                hyper = HYPERS[name]
                check_range(f"{racer}.{name}", hypers.get(name, math.nan), hyper.low, hyper.high)

    def to_payload(self) -> dict[str, Any]:
        """The task payload (JSON-serialisable; the compute cache key)."""
        return {
            "surface": self.surface,
            "start": [float(v) for v in self.start],
            "steps": int(self.steps),
            "racers": {r: {k: float(v) for k, v in h.items()} for r, h in self.racers.items()},
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> RaceSettings:
        """Rebuilds (and validates) settings from ``to_payload`` output."""
        return cls(payload["surface"], tuple(payload["start"]), int(payload["steps"]), dict(payload["racers"]))


# ---------------------------------------------------------------- outcomes
@dataclass(frozen=True)
class Outcome:
    """How one racer did.

    Attributes:
        racer: Racer key.
        path: Points visited, start first, cut before any blow-up.
        losses: f at each point of ``path``.
        diverged_at: Step at which the point left the finite world, if it did.
        steps_to_tol: First step from which f − f* stays ≤ the tolerance
            to the end, if any.
    """

    racer: str
    path: list[Point]
    losses: list[float]
    diverged_at: int | None
    steps_to_tol: int | None

    @property
    def final_point(self) -> Point:
        return self.path[-1]

    @property
    def final_loss(self) -> float:
        return self.losses[-1]


def outcome(
    racer: str, path: Sequence[Sequence[float]], losses: Sequence[float], surface: Surface, tol: float
) -> Outcome:
    """Cleans one racer's trajectory and measures it.

    A run diverged at step t when its point or loss at t is not finite or a
    coordinate exceeds ``BLOWUP``; the path keeps steps 0 … t − 1. A run
    reached the tolerance at the first step from which f − f* stays within
    it until the last step (a point that only passes by does not count).

    Args:
        racer: Racer key.
        path: Points from the task (start first).
        losses: f at those points.
        surface: The surface (for f*).
        tol: Tolerance on f − f*.

    Returns:
        The outcome.
    """
    kept: list[Point] = []
    kept_losses: list[float] = []
    diverged_at = None
    for step, (point, loss) in enumerate(zip(path, losses, strict=True)):
        values = [*point, loss]
        if not all(v is not None and math.isfinite(v) for v in values) or max(abs(v) for v in point) > BLOWUP:
            diverged_at = step
            break
        kept.append(tuple(float(v) for v in point))
        kept_losses.append(float(loss))
    # Reached at the first step from which f − f* stays within the tolerance.
    outside = [step for step, loss in enumerate(kept_losses) if loss - surface.f_min > tol]
    reached = None
    if diverged_at is None and kept:
        reached = 0 if not outside else outside[-1] + 1
        if reached == len(kept):
            reached = None
    return Outcome(racer, kept, kept_losses, diverged_at, reached)


def outcomes(result: Mapping[str, Any], surface: Surface, tol: float) -> list[Outcome]:
    """Outcomes of every racer in a race task's result, in ``RACERS`` order."""
    return [
        outcome(r, result["paths"][r], result["losses"][r], surface, tol) for r in RACERS if r in result["paths"]
    ]


def winner(results: Sequence[Outcome]) -> Outcome | None:
    """The racer that reached the tolerance in the fewest steps (None if nobody did)."""
    finishers = [o for o in results if o.steps_to_tol is not None]
    return min(finishers, key=lambda o: o.steps_to_tol) if finishers else None


def outcome_table(results: Sequence[Outcome], surface: Surface, tol: float, lang: str) -> list[dict[str, Any]]:
    """Rows of the results table: final loss, gap, distance, steps to tolerance.

    Args:
        results: Outcomes in display order.
        surface: The surface.
        tol: The tolerance (for the column title).
        lang: Text language.

    Returns:
        One dict per racer, keyed by column titles.
    """
    rows = []
    for o in results:
        point = ", ".join(f"{v:.4g}" for v in o.final_point)
        if o.diverged_at is not None:
            reached = t("race.table.diverged", lang, step=o.diverged_at)
        elif o.steps_to_tol is None:
            reached = t("race.table.not_reached", lang)
        else:
            reached = str(o.steps_to_tol)
        rows.append(
            {
                t("race.table.optimizer", lang): t(f"optimizer.{o.racer}", lang),
                t("race.table.final_point", lang): f"({point})",
                t("race.table.final_loss", lang): o.final_loss,
                t("race.table.gap", lang): o.final_loss - surface.f_min,
                t("race.table.distance", lang): surface.distance_to_minimum(o.final_point),
                t("race.table.steps_to_tol", lang, tol=f"{tol:g}"): reached,
            }
        )
    return rows


# ------------------------------------------------------------------ charts
def _trail(upto: int) -> list[int]:
    """Steps 0 … upto, thinned to at most ``MAX_TRAIL`` points, ``upto`` kept."""
    stride = max(1, math.ceil((upto + 1) / MAX_TRAIL))
    picked = list(range(0, upto + 1, stride))
    if picked[-1] != upto:
        picked.append(upto)
    return picked


def contour_height(surface: Surface, x: Any, y: Any) -> Any:
    """The height the contours follow: f − f*, or log10(f − f* + 1) for a
    surface with ``log_contours`` (0 at the minimum, no log of 0).

    Args:
        surface: A 2-D surface.
        x: First coordinate(s).
        y: Second coordinate(s).

    Returns:
        The height, shaped like ``x`` and ``y``.
    """
    gap = surface(x, y) - surface.f_min
    return np.log10(gap + 1.0) if surface.log_contours else gap


def surface_contours(surface: Surface, count: int = CONTOUR_LEVELS) -> list[Polyline]:
    """Level sets of ``contour_height`` over the plot as polylines, traced
    on a ``CONTOUR_GRID``² grid (``dlcore.figures.contours.contour_lines``: the
    levels split the height's range into ``count + 1`` equal bands).

    Args:
        surface: A 2-D surface.
        count: Number of levels.

    Returns:
        ``(level, xs, ys)`` per level, lowest first; ``None`` separates the
        pieces of one level.
    """
    xs = np.linspace(*surface.x_range, CONTOUR_GRID)
    ys = np.linspace(*surface.y_range, CONTOUR_GRID)  # type: ignore[misc]
    z = contour_height(surface, *np.meshgrid(xs, ys))  # z[row = y][column = x]
    return contour_lines(xs, ys, z, count)


def race_figure(
    surface: Surface,
    results: Sequence[Outcome],
    steps: int,
    *,
    lang: str,
) -> go.Figure:
    """The race, animated: every racer's path over the surface's contours
    (2-D) or along the curve (1-D), with Replay / Play / Pause and a step
    slider. It opens at the finish; Replay runs it from the start.

    Args:
        surface: The surface.
        results: Outcomes in display order.
        steps: Steps each racer was given (the slider's range).
        lang: Text language.

    Returns:
        The figure.
    """
    fig = go.Figure()
    two_d = surface.dims == 2
    if two_d:
        # Line traces, not a go.Contour: they stay drawn while frames play.
        fig.add_traces(contour_traces(surface_contours(surface), t("race.chart.contours", lang)))
        fig.add_trace(
            go.Scatter(
                x=[m[0] for m in surface.minima],
                y=[m[1] for m in surface.minima],
                mode="markers",
                name=t("race.chart.minimum", lang),
                marker={"symbol": "x", "size": NORMAL.marker_size * 1.8, "color": OKABE_ITO[7], "line": {"width": 1}},
            )
        )
    else:
        grid = np.linspace(*surface.x_range, 300)
        fig.add_trace(
            go.Scatter(
                x=grid.tolist(),
                y=[float(v) for v in surface(grid)],
                mode="lines",
                name=t(f"race.surface.{surface.key}.formula", lang),
                line={"color": "#9E9E9E", "width": NORMAL.line_width},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[m[0] for m in surface.minima],
                y=[surface.f_min],
                mode="markers",
                name=t("race.chart.minimum", lang),
                marker={"symbol": "x", "size": NORMAL.marker_size * 1.8, "color": OKABE_ITO[7]},
            )
        )
    start = results[0].path[0] if results else surface.start
    fig.add_trace(
        go.Scatter(
            x=[start[0]],
            y=[start[1] if two_d else float(surface(start[0]))],
            mode="markers",
            name=t("race.chart.start", lang),
            marker={
                "symbol": "circle-open",
                "size": NORMAL.marker_size * 2.2,
                "color": OKABE_ITO[7],
                "line": {"width": 2},
            },
        )
    )
    static = len(fig.data)

    def traces(upto: int) -> list[go.Scatter]:
        # Each racer's trail up to step ``upto`` (a diverged one stops where
        # it left) and its head.
        out = []
        for o in results:
            steps_ = _trail(min(upto, len(o.path) - 1))
            px = [short(o.path[i][0]) for i in steps_]
            py = [short(o.path[i][1] if two_d else o.losses[i]) for i in steps_]
            out.append(go.Scatter(x=px, y=py, customdata=steps_))
            out.append(go.Scatter(x=px[-1:], y=py[-1:]))
        return out

    # Opening view: the finish, every path at full resolution.
    for o in results:
        name = t(f"optimizer.{o.racer}", lang)
        color = RACER_COLORS[o.racer]
        px = [p[0] for p in o.path]
        py = [p[1] for p in o.path] if two_d else list(o.losses)
        fig.add_trace(
            go.Scatter(
                x=px,
                y=py,
                customdata=list(range(len(px))),
                mode="lines" if two_d else "markers",  # chords of a 1-D curve mean nothing
                name=name,
                legendgroup=o.racer,
                line={"color": color, "width": NORMAL.line_width * 0.75},
                marker={"size": NORMAL.marker_size, "color": color, "opacity": 0.8},  # 1-D only
                hovertemplate=(
                    f"{name} · {t('race.step', lang)} %{{customdata}}<br>"
                    f"x = %{{x:.4g}}<br>{'y' if two_d else 'f'} = %{{y:.4g}}<extra></extra>"
                ),
            )
        )
        fig.add_trace(
            go.Scatter(
                x=px[-1:],
                y=py[-1:],
                mode="markers",
                showlegend=False,
                legendgroup=o.racer,
                hoverinfo="skip",
                marker={
                    "symbol": RACER_SYMBOLS[o.racer],
                    "size": NORMAL.marker_size * 2,
                    "color": color,
                    "line": {"width": 1.5, "color": "#FFFFFF"},
                },
            )
        )
    shown = frame_steps(steps, MAX_FRAMES)
    moving = list(range(static, static + 2 * len(results)))
    fig.frames = [go.Frame(data=traces(s), traces=moving, name=str(s)) for s in shown]
    fig.update_layout(
        **play_controls(
            [str(s) for s in shown],
            active=len(shown) - 1,
            labels=(t("race.replay", lang), t("race.play", lang), t("race.pause", lang)),
            slider_prefix=t("race.step", lang),
        )
    )
    title = t("race.chart.title", lang, surface=t(f"race.surface.{surface.key}.name", lang))
    apply_layout(fig, title, "x", "y" if two_d else "f(x)")
    layout_animation(fig, NORMAL, plot_height=NORMAL.height)
    fig.update_xaxes(range=list(surface.x_range))
    if two_d:
        fig.update_yaxes(range=list(surface.y_range))  # type: ignore[arg-type]
    else:
        values = surface(np.asarray(surface.x_range))
        fig.update_yaxes(range=[surface.f_min - 0.05 * (max(values) - surface.f_min), float(max(values)) * 1.05])
    return fig


def loss_figure(
    surface: Surface,
    results: Sequence[Outcome],
    tol: float,
    *,
    lang: str,
) -> go.Figure:
    """f − f* against the step on a log axis, one line per racer, with the
    tolerance as a dashed line.

    Args:
        surface: The surface (for f*).
        results: Outcomes in display order.
        tol: The tolerance.
        lang: Text language.

    Returns:
        The figure.
    """
    fig = go.Figure()
    for o in results:
        gaps = [max(loss - surface.f_min, LOSS_FLOOR) for loss in o.losses]
        name = t(f"optimizer.{o.racer}", lang)
        fig.add_trace(
            go.Scatter(
                x=list(range(len(gaps))),
                y=gaps,
                mode="lines",
                name=name,
                line={"color": RACER_COLORS[o.racer], "width": NORMAL.line_width},
                hovertemplate=f"{name}<br>{t('race.step', lang)} %{{x}}: %{{y:.3g}}<extra></extra>",
            )
        )
        if o.steps_to_tol is not None:
            fig.add_trace(
                go.Scatter(
                    x=[o.steps_to_tol],
                    y=[gaps[o.steps_to_tol]],
                    mode="markers",
                    showlegend=False,
                    hoverinfo="skip",
                    marker={
                        "symbol": RACER_SYMBOLS[o.racer],
                        "size": NORMAL.marker_size * 1.5,
                        "color": RACER_COLORS[o.racer],
                    },
                )
            )
    fig.add_hline(
        y=tol,
        line={"dash": "dash", "color": OKABE_ITO[7], "width": max(1.0, NORMAL.line_width / 2)},
        annotation_text=t("race.chart.tolerance", lang, tol=f"{tol:g}"),
        annotation_position="bottom left",
    )
    apply_layout(fig, t("race.chart.loss_title", lang), t("race.step", lang), t("race.chart.gap_axis", lang))
    fig.update_yaxes(type="log", exponentformat="power")
    return fig


# ------------------------------------------------------- page widget state
DEFAULT_SURFACE = "ravine"
DEFAULT_TOLERANCE = 1e-3
# The course's story: the same two racers on a simple bowl, then on a valley.
STORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "bowl": ("course", ("sgd", "momentum")),
    "ravine": ("ravine", ("sgd", "momentum")),
}


def hyper_key(racer: str, name: str) -> str:
    """Widget key of one optimizer argument, e.g. ``race_hp_adam_beta_1``."""
    return f"race_hp_{racer}_{name}"


def suggested_state(surface_key: str) -> dict[str, Any]:
    """Widget values that load a surface with its suggested settings.

    Args:
        surface_key: A key of ``SURFACES``.

    Returns:
        ``{widget key: value}`` for the surface, start, steps and every
        racer's arguments.
    """
    surface = SURFACES[surface_key]
    values: dict[str, Any] = {"race_surface": surface_key, "race_x0": surface.start[0], "race_steps": surface.steps}
    if surface.dims == 2:
        values["race_y0"] = surface.start[1]
    for racer_key, hypers in suggested_hypers(surface).items():
        values.update({hyper_key(racer_key, name): value for name, value in hypers.items()})
    return values


def story_state(story: str) -> dict[str, Any]:
    """Widget values of one of the course's ``STORIES``."""
    surface_key, racers = STORIES[story]
    return {**suggested_state(surface_key), "race_optimizers": list(racers), "race_tol": DEFAULT_TOLERANCE}

