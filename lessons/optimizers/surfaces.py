"""The loss surfaces of the optimizer race and the settings that show each well.

Role: the test surfaces (ravine, Rosenbrock, Beale, saddle, Himmelblau and the
course's 1-D function), their minima, plot ranges, suggested start and step
count, and per-racer suggested settings.

Every surface function uses arithmetic operators only, so the same function
evaluates NumPy arrays on the page (contours) and TensorFlow tensors in the
worker (where ``tf.GradientTape`` differentiates it).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dlcore import course_function
from lessons.optimizers.racers import RACER_HYPERS, RACERS

Point = tuple[float, ...]


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


def _suggest(learning_rates: tuple[float, ...], adadelta_epsilon: float) -> dict[str, dict[str, float]]:
    """Suggested settings: a learning rate per racer and AdaDelta's ε.

    AdaDelta's first steps are about lr·√ε long, so with Keras's ε = 1e-7 it
    barely moves for dozens of steps.

    Args:
        learning_rates: One learning rate per racer, in ``RACERS`` order.
        adadelta_epsilon: AdaDelta's ε.

    Returns:
        ``{racer: {argument: value}}`` (only the arguments that differ from
        ``RACER_HYPERS``).
    """
    rates = {r: {"learning_rate": lr} for r, lr in zip(RACERS, learning_rates, strict=True)}
    rates["adadelta"]["epsilon"] = adadelta_epsilon
    return rates


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
