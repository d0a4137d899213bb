"""The optimizer race: surfaces, Keras's optimizers against their documented
update rules, outcome bookkeeping, and the page.

Keras runs in the compute worker (``ui.compute.compute``, as the page calls
it), so this test process never imports TensorFlow.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from dlcore import course_function
from dlcore.runtime.tasks import Task
from dlcore.spec import SettingError
from dlcore.text import t
from lessons.gradient_descent import model as gradient_descent
from lessons.optimizers.figures import CONTOUR_GRID, CONTOUR_LEVELS, race_figure
from lessons.optimizers.model import RaceSettings, outcome, winner
from lessons.optimizers.racers import RACERS
from lessons.optimizers.surfaces import SURFACES, Surface, suggested_hypers
from ui.compute import compute

TASK = Task.OPTIMIZER_RACE


def race(surface: str, start: list[float], steps: int, racers: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Runs the race task in the compute worker."""
    return compute(TASK, RaceSettings(surface, tuple(start), steps, racers).to_payload())


def keras_lr(learning_rate: float) -> float:
    # Keras keeps the learning rate in a float32 variable and casts it to the
    # float64 point: the step uses float32(η) exactly.
    return f32(learning_rate)


def f32(value: float) -> float:
    """A Python float rounded to float32. Keras's ``ops.cast(0.9, "float64")``
    makes a float32 tensor first, so a hyperparameter that goes through
    ``ops.cast`` (SGD's momentum, Adam's β in βᵗ) acts as float32(value)."""
    return float(np.float32(value))


# ------------------------------------------------------------------ surfaces
def _gradient(surface: Surface, point: tuple[float, ...], h: float = 1e-6) -> np.ndarray:
    """Central finite differences of the surface at ``point``."""
    grad = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        grad.append((surface(*up) - surface(*down)) / (2 * h))
    return np.array(grad)


@pytest.mark.parametrize("key", list(SURFACES))
def test_each_known_minimum_is_a_minimum(key: str) -> None:
    surface = SURFACES[key]
    rng = np.random.default_rng(0)
    for minimum in surface.minima:
        assert np.max(np.abs(_gradient(surface, minimum))) < 1e-6
        assert surface(*minimum) == pytest.approx(surface.f_min, abs=1e-12)
        # Lower than every nearby point: a minimum, not a saddle or maximum.
        for offset in rng.normal(0.0, 1e-2, size=(50, len(minimum))):
            assert surface(*(np.asarray(minimum) + offset)) > surface.f_min


def test_saddle_point_is_flat_but_not_a_minimum() -> None:
    saddle = SURFACES["saddle"]
    assert np.max(np.abs(_gradient(saddle, (0.0, 0.0)))) < 1e-9
    assert saddle(0.0, 0.3) < saddle(0.0, 0.0)


@pytest.mark.parametrize("key", list(SURFACES))
def test_suggested_start_is_inside_the_plot(key: str) -> None:
    surface = SURFACES[key]
    RaceSettings(key, surface.start, surface.steps, suggested_hypers(surface))  # validates
    assert surface.distance_to_minimum(surface.start) > 0.5


def test_every_surface_and_optimizer_is_explained() -> None:
    for key in SURFACES:
        for part in ("name", "formula", "about"):
            assert t(f"race.surface.{key}.{part}")  # KeyError if missing
    for racer in RACERS:
        assert t(f"race.how.{racer}") and t(f"optimizer.{racer}")


def test_settings_reject_bad_values() -> None:
    hypers = suggested_hypers(SURFACES["ravine"])
    with pytest.raises(SettingError):
        RaceSettings("ravine", (-4.0, 1.0), 10, {})
    with pytest.raises(SettingError):
        RaceSettings("ravine", (-4.0,), 10, {"sgd": hypers["sgd"]})
    with pytest.raises(SettingError):
        RaceSettings("ravine", (-40.0, 1.0), 10, {"sgd": hypers["sgd"]})
    with pytest.raises(SettingError):
        RaceSettings("ravine", (-4.0, 1.0), 10, {"adam": {**hypers["adam"], "beta_2": 1.0}})
    with pytest.raises(SettingError):
        RaceSettings("ravine", (-4.0, 1.0), 10, {"sgd": {"learning_rate": math.nan}})
    with pytest.raises(SettingError):
        RaceSettings("nowhere", (0.0, 0.0), 10, {"sgd": hypers["sgd"]})


# -------------------------------------------------------------- race chart
TWO_D = [key for key, surface in SURFACES.items() if surface.dims == 2]


def _height(surface: Surface, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """What the contours follow, from the surface's definition: f − f*, or
    log10(f − f* + 1) on surfaces drawn with log contours."""
    gap = surface(x, y) - surface.f_min
    return np.log10(gap + 1.0) if surface.log_contours else gap


def _race_figure(surface: Surface, lang: str = "en") -> dict[str, Any]:
    """The race chart of two made-up racers (no Keras needed), as Plotly JSON."""
    start = np.asarray(surface.start, dtype=float)
    end = np.asarray(surface.minima[0], dtype=float)
    path = [tuple(start + (end - start) * k / 10) for k in range(11)]
    losses = [float(surface(*p)) for p in path]
    results = [outcome(r, path, losses, surface, 1e-3) for r in ("sgd", "adam")]
    return json.loads(race_figure(surface, results, 10, lang=lang).to_json())


def _contours(fig: dict[str, Any]) -> list[dict[str, Any]]:
    return [trace for trace in fig["data"] if trace.get("legendgroup") == "contours"]


def _points(trace: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """A contour trace's points without the ``None`` gaps between its pieces."""
    kept = [(x, y) for x, y in zip(trace["x"], trace["y"], strict=True) if x is not None]
    assert all(y is not None for _, y in kept)
    return np.array([x for x, _ in kept]), np.array([y for _, y in kept])


@pytest.mark.parametrize("key", TWO_D)
def test_contour_lines_lie_on_level_sets_of_the_surface(key: str) -> None:
    surface = SURFACES[key]
    contours = _contours(_race_figure(surface))
    assert len(contours) == CONTOUR_LEVELS
    levels = [trace["meta"] for trace in contours]
    assert levels == sorted(levels) and len(set(levels)) == len(levels)
    # Every point lies within one grid cell of the true level set: f over
    # the cell around the point takes values on both sides of the level.
    dx = (surface.x_range[1] - surface.x_range[0]) / (CONTOUR_GRID - 1)
    dy = (surface.y_range[1] - surface.y_range[0]) / (CONTOUR_GRID - 1)  # type: ignore[index]
    ox, oy = (a.ravel() for a in np.meshgrid(np.linspace(-dx, dx, 9), np.linspace(-dy, dy, 9)))
    for trace, level in zip(contours, levels, strict=True):
        x, y = _points(trace)
        assert len(x) >= 2  # a line, if only across a corner
        assert np.all((surface.x_range[0] <= x) & (x <= surface.x_range[1]))
        around = _height(surface, x[:, None] + ox, y[:, None] + oy)
        assert np.all((around.min(axis=1) <= level) & (level <= around.max(axis=1))), level


@pytest.mark.parametrize("key", ["ravine", "saddle"])
def test_contours_of_gentle_surfaces_sit_on_their_level(key: str) -> None:
    # Without a log, f bends little within a grid cell: linear interpolation is close.
    surface = SURFACES[key]
    contours = _contours(_race_figure(surface))
    spacing = contours[1]["meta"] - contours[0]["meta"]
    for trace in contours:
        x, y = _points(trace)
        np.testing.assert_allclose(_height(surface, x, y), trace["meta"], atol=0.02 * spacing)


def test_ravine_contours_are_whole_ellipses_clipped_by_the_plot() -> None:
    # 0.05x² + 3y² = c is an ellipse with half-axes √(c/0.05) and √(c/3).
    surface = SURFACES["ravine"]
    for trace in _contours(_race_figure(surface)):
        x, y = _points(trace)
        c = trace["meta"]
        assert x.max() == pytest.approx(min(math.sqrt(c / 0.05), surface.x_range[1]), rel=0.02)
        assert -x.min() == pytest.approx(min(math.sqrt(c / 0.05), -surface.x_range[0]), rel=0.02)
        assert y.max() == pytest.approx(min(math.sqrt(c / 3), surface.y_range[1]), rel=0.02)  # type: ignore[index]


@pytest.mark.parametrize("key", list(SURFACES))
def test_race_frames_move_only_the_racers_over_a_steady_background(key: str) -> None:
    surface = SURFACES[key]
    fig = _race_figure(surface, lang="zh-TW")
    # Plotly removes contour and heatmap layers while it animates a frame
    # (plotly.py issue #2151): the background is made of line traces only.
    assert {trace["type"] for trace in fig["data"]} == {"scatter"}
    assert all(isinstance(v, (float, int)) or v is None for trace in fig["data"] for v in trace["x"])
    racer_traces = [i for i, trace in enumerate(fig["data"]) if trace.get("legendgroup") in RACERS]
    names = {fig["data"][i].get("name") for i in racer_traces} - {None}
    assert names == {t("optimizer.sgd", "zh-TW"), t("optimizer.adam", "zh-TW")}
    assert len(racer_traces) == 4  # each racer's trail and head
    assert len(fig["frames"]) == 11
    # No button or slider step forces Plotly's full redraw: nothing needs it.
    animations = [*fig["layout"]["updatemenus"][0]["buttons"], *fig["layout"]["sliders"][0]["steps"]]
    assert [a["args"][1]["frame"]["redraw"] for a in animations] == [False] * (3 + len(fig["frames"]))
    for frame in fig["frames"]:
        assert frame["traces"] == racer_traces
        assert len(frame["data"]) == len(racer_traces)
    contours = _contours(fig)
    assert (len(contours) == CONTOUR_LEVELS) == (surface.dims == 2)
    assert all(trace["name"] == t("race.chart.contours", "zh-TW") for trace in contours)
    assert not any(trace.get("showlegend", True) for trace in contours)


# ------------------------------------------------------------------ outcomes
def test_outcome_cuts_a_divergent_path_and_counts_steps_to_stay_within_tolerance() -> None:
    course = SURFACES["course"]  # f* = 3.8
    losses = [10.0, 3.8005, 4.5, 3.8009, 3.8001, 3.8]
    got = outcome("sgd", [[x] for x in range(6)], losses, course, tol=1e-3)
    assert got.steps_to_tol == 3  # step 1 was within, but step 2 left again
    assert got.diverged_at is None
    blown = outcome("sgd", [[0.0], [1.0], [math.inf], [math.nan]], [10.0, 9.0, math.inf, math.nan], course, tol=1e-3)
    assert blown.diverged_at == 2
    assert blown.path == [(0.0,), (1.0,)]
    assert blown.steps_to_tol is None
    far = outcome("sgd", [[0.0], [2e6]], [10.0, 2e13], course, tol=1e-3)
    assert far.diverged_at == 1
    assert winner([got, blown, far]) is got


# ----------------------------------------------- Keras against the rules
@pytest.mark.parametrize("learning_rate", [0.01, 0.05, 0.1, 0.15, 0.2, 0.25])
def test_keras_sgd_is_plain_gradient_descent_on_the_course_function(learning_rate: float) -> None:
    result = race("course", [-2.5], 30, {"sgd": {"learning_rate": learning_rate}})
    path = np.array(result["paths"]["sgd"])[:, 0]
    # lessons.gradient_descent.model.descent is the closed form x ← x − η(10x − 2).
    expected = gradient_descent.descent(keras_lr(learning_rate), -2.5, 30)
    np.testing.assert_allclose(path, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(result["losses"]["sgd"], course_function.f(expected), rtol=1e-12)
    # And within float32 rounding of η of the unrounded closed form.
    np.testing.assert_allclose(path, gradient_descent.descent(learning_rate, -2.5, 30), rtol=1e-5, atol=1e-6)


def _rosenbrock_gradient(p: np.ndarray) -> np.ndarray:
    x, y = p
    # ∂/∂x (1 − x)² + 100(y − x²)² = −2(1 − x) − 400x(y − x²); ∂/∂y = 200(y − x²)
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


def _documented_rule(racer: str, hypers: dict[str, float], start: list[float], steps: int) -> np.ndarray:
    """The update rules of Keras's documentation and source
    (keras/src/optimizers/*.py), written out with NumPy, including where the
    source rounds a hyperparameter to float32 (see ``f32``)."""
    x = np.array(start, dtype=float)
    lr = keras_lr(hypers["learning_rate"])
    eps = hypers.get("epsilon", 0.0)
    velocity = np.zeros_like(x)  # SGD momentum, Adam's v
    mean = np.zeros_like(x)  # Adam's m
    accumulator = np.full_like(x, 0.1) if racer == "adagrad" else np.zeros_like(x)
    delta = np.zeros_like(x)  # AdaDelta's running mean of squared steps
    path = [x.copy()]
    for step in range(1, steps + 1):
        g = _rosenbrock_gradient(x)
        if racer == "momentum":  # v = m·v − η·g; x = x + v
            velocity = f32(hypers["momentum"]) * velocity - lr * g
            x = x + velocity
        elif racer == "nesterov":  # v = m·v − η·g; x = x + m·v − η·g
            velocity = f32(hypers["momentum"]) * velocity - lr * g
            x = x + f32(hypers["momentum"]) * velocity - lr * g
        elif racer == "adagrad":  # a = a + g²; x = x − η·g / √(a + ε)
            accumulator = accumulator + g**2
            x = x - lr * g / np.sqrt(accumulator + eps)
        elif racer == "rmsprop":  # a = ρa + (1 − ρ)g²; x = x − η·g / √(a + ε)
            accumulator = hypers["rho"] * accumulator + (1 - hypers["rho"]) * g**2
            x = x - lr * g / np.sqrt(accumulator + eps)
        elif racer == "adadelta":
            rho = hypers["rho"]
            accumulator = rho * accumulator + (1 - rho) * g**2
            step_dir = -np.sqrt(delta + eps) / np.sqrt(accumulator + eps) * g
            delta = rho * delta + (1 - rho) * step_dir**2
            x = x + lr * step_dir
        elif racer == "adam":
            b1, b2 = hypers["beta_1"], hypers["beta_2"]
            mean = b1 * mean + (1 - b1) * g
            velocity = b2 * velocity + (1 - b2) * g**2
            alpha = lr * np.sqrt(1 - f32(b2) ** step) / (1 - f32(b1) ** step)  # bias correction
            x = x - alpha * mean / (np.sqrt(velocity) + eps)  # ε outside the root
        else:
            raise ValueError(racer)
        path.append(x.copy())
    return np.array(path)


RULE_HYPERS: dict[str, dict[str, float]] = {
    "momentum": {"learning_rate": 0.001, "momentum": 0.9},
    "nesterov": {"learning_rate": 0.001, "momentum": 0.8},
    "adagrad": {"learning_rate": 0.5, "epsilon": 1e-7},
    "rmsprop": {"learning_rate": 0.01, "rho": 0.9, "epsilon": 1e-4},
    "adadelta": {"learning_rate": 1.0, "rho": 0.95, "epsilon": 1e-3},
    "adam": {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 0.1},
}


def test_keras_optimizers_follow_their_documented_update_rules() -> None:
    start = [-1.5, 2.0]
    result = race("rosenbrock", start, 5, RULE_HYPERS)
    for racer, hypers in RULE_HYPERS.items():
        expected = _documented_rule(racer, hypers, start, 5)
        np.testing.assert_allclose(result["paths"][racer], expected, rtol=1e-10, atol=1e-12, err_msg=racer)
        assert not np.allclose(expected[1], expected[0])  # the rule really moved the point
