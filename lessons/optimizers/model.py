"""The optimizer race: what a race computes, how each racer did, the page's state.

Role: the race's settings (validated, sent to the worker task), the outcome
of each racer (cleaned path, divergence, steps to the tolerance), the results
table and the widget values of the course's stories. The racers live in
``racers.py``, the loss surfaces in ``surfaces.py``, the charts in
``figures.py``.

Pure Python and NumPy (no Keras): the page uses this module freely, while
the trajectories themselves come from ``lessons.optimizers.tasks``, which
applies the real ``keras.optimizers`` classes to a ``tf.Variable`` in a
worker process.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dlcore.spec import SettingError, check_range
from dlcore.text import t
from lessons.optimizers.racers import HYPERS, RACER_HYPERS, RACERS
from lessons.optimizers.surfaces import SURFACES, Point, Surface, suggested_hypers

MAX_STEPS = 500
BLOWUP = 1e6  # |coordinate| beyond which a run counts as diverged
TOLERANCES: tuple[float, ...] = (1e-1, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8)


# ---------------------------------------------------------------- settings
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


# ------------------------------------------------------------------ arrows
@dataclass(frozen=True)
class Arrows:
    """One racer's arrows at each step, in the surface's coordinates.

    Attributes:
        racer: Racer key.
        starts: The point each step started from.
        gradient_steps: −η·g per step, g the gradient Keras applied.
        velocities: The step's momentum variable as a displacement: SGD's
            velocity v as Keras holds it (x ← x + v), Adam's first moment m
            as −η·m; None for an optimizer without such a variable.
        variable: Which Keras variable ``velocities`` comes from (for the caption).
    """

    racer: str
    starts: list[Point]
    gradient_steps: list[Point]
    velocities: list[Point] | None
    variable: str | None


def arrows(result: Mapping[str, Any], o: Outcome, learning_rate: float) -> Arrows:
    """The arrows of one racer from a race task's result.

    Steps after a divergence are dropped with the path (the arrows of steps
    0 … len(path) − 2, each from its start point).

    Args:
        result: The race task's result (``gradients`` and ``slots`` per racer).
        o: The racer's outcome (its kept path).
        learning_rate: The racer's η (scales g and Adam's m into a step).

    Returns:
        The arrows.
    """
    count = max(0, min(len(o.path) - 1, len(result["gradients"][o.racer])))
    gradient_steps = [tuple(-learning_rate * g for g in step) for step in result["gradients"][o.racer][:count]]
    slots = result["slots"].get(o.racer)
    velocities: list[Point] | None = None
    variable = None
    if slots is not None:
        adam = o.racer == "adam"
        scale = -learning_rate if adam else 1.0  # Adam's m is a gradient average; SGD's v is already a step
        velocities = [tuple(scale * v for v in step) for step in slots[:count]]
        variable = "optimizer._momentums (m)" if adam else "optimizer.momentums (v)"
    return Arrows(o.racer, list(o.path[:count]), gradient_steps, velocities, variable)
