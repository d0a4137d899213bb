"""The momentum map (dlcore.momentum) against the update rule itself, the
real Keras SGD(momentum) walk, and the race's velocity arrows against
Keras's own momentum variable.

Keras runs in the compute worker (``ui.compute.compute``, as the page calls
it), so this test process never imports TensorFlow.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np
import pytest

from dlcore import momentum
from dlcore.figures.momentum_map import CLICK_LAYER, map_figure
from dlcore.runtime.tasks import Task
from dlcore.text import t
from lessons.optimizers import page
from lessons.optimizers import views as momentum_view
from lessons.optimizers.figures import race_figure
from lessons.optimizers.model import RaceSettings, arrows, outcomes
from lessons.optimizers.surfaces import SURFACES
from ui.compute import compute

R = momentum.Region


def f32(value: float) -> float:
    """Keras holds η in a float32 variable and casts β through float32 (see test_optimizer_race)."""
    return float(np.float32(value))


def _sign_changes(errors: np.ndarray) -> np.ndarray:
    """Whether the error changed sign at each step (exact zeros are skipped)."""
    signs = np.sign(errors[errors != 0.0])
    return signs[1:] != signs[:-1]


# ------------------------------------------------------------- closed form
@pytest.mark.parametrize(
    ("eta", "beta", "expected"),
    [
        (0.05, 0.0, R.MONOTONE),
        (0.15, 0.0, R.ALTERNATING),
        (0.21, 0.0, R.DIVERGING),
        (0.01, 0.9, R.OSCILLATING),
        (0.002, 0.9, R.OSCILLATING),
        (0.1, 0.0, R.MONOTONE),  # one step lands on the minimum (λ = 0)
        (0.21, 0.5, R.OSCILLATING),  # momentum lets η = 0.21 converge
        (0.41, 0.98, R.DIVERGING),
    ],
)
def test_regions_at_known_points(eta: float, beta: float, expected: momentum.Region) -> None:
    assert momentum.region(eta, beta) is expected
    code = momentum.region_codes(np.array([eta]), np.array([beta]))[0]
    assert list(momentum.Region)[code] is expected


def test_eigenvalues_are_those_of_the_update_matrix() -> None:
    rng = np.random.default_rng(1)
    for eta, beta in zip(rng.uniform(0.001, 0.45, 200), rng.uniform(0.0, 0.99, 200), strict=True):
        expected = sorted(np.linalg.eigvals(momentum.matrix(eta, beta)), key=abs, reverse=True)
        got = momentum.eigenvalues(eta, beta)
        assert abs(got[0]) == pytest.approx(abs(expected[0]), abs=1e-9)
        np.testing.assert_allclose(
            sorted(got, key=lambda z: (z.real, z.imag)), sorted(expected, key=lambda z: (z.real, z.imag)), atol=1e-7
        )


def _sampled() -> list[tuple[float, float]]:
    """(η, β) over the map, kept clear of the region boundaries (where a
    finite walk cannot tell the regions apart)."""
    rng = np.random.default_rng(7)
    picked = []
    while len(picked) < 60:
        eta, beta = float(rng.uniform(0.005, 0.45)), float(rng.uniform(0.0, 0.98))
        low, high = momentum.complex_band(beta)
        edge = momentum.stability_edge(beta)
        if min(abs(eta - low), abs(eta - high), abs(eta - edge)) > 0.01:
            picked.append((eta, beta))
    return picked


def _errors(eta: float, beta: float, steps: int, e0: float = -2.7) -> np.ndarray:
    """Keras's rule v ← βv − η·f′(x), x ← x + v, iterated on e = x − x*
    (f′(x) = 10e), so the error never meets float rounding of x* = 0.2."""
    errors = [e0]
    e, v = e0, 0.0
    for _ in range(steps):
        v = beta * v - eta * 10.0 * e
        e = e + v
        errors.append(e)
    return np.array(errors)


@pytest.mark.parametrize(("eta", "beta"), _sampled())
def test_map_agrees_with_iterating_the_update_rule(eta: float, beta: float) -> None:
    steps = 300
    with np.errstate(over="ignore", invalid="ignore"):
        errors = _errors(eta, beta, steps)
    region = momentum.region(eta, beta)
    rate = float(momentum.rate(eta, beta))
    if region is R.DIVERGING:
        assert not abs(errors[-1]) < 1e3  # grew (or overflowed)
        return
    assert abs(errors[-1]) < abs(errors[0])
    # The observed rate is the map's: over 100 steps for a straight or
    # alternating walk. A spiral's error swings through zero, so it is
    # measured on its "energy" E = e₊² − (1 + β − 10η)·e·e₊ + β·e² of two
    # successive errors, which the rule multiplies by β = rate² every step.
    tail = errors[-102:]
    if np.abs(tail).min() > 1e-140:
        if region is R.OSCILLATING:
            energy = tail[1:] ** 2 - (1 + beta - 10 * eta) * tail[:-1] * tail[1:] + beta * tail[:-1] ** 2
            assert (energy[-1] / energy[0]) ** (1 / 200) == pytest.approx(rate, rel=1e-6)
        else:
            assert abs(tail[-1] / tail[1]) ** (1 / 100) == pytest.approx(rate, rel=0.02)
    head = errors[:60][np.abs(errors[:60]) > 1e-280]
    changes = _sign_changes(head)
    if region is R.MONOTONE:
        assert not changes.any()  # straight in, from one side
    elif region is R.ALTERNATING:
        assert changes[-10:].all()  # across the minimum at every step
    else:
        assert changes.any() and not changes.all()  # swings back, but not at every step


def test_boundaries_are_where_the_regions_meet() -> None:
    beta = np.linspace(0.01, 0.98, 30)
    low, high = momentum.complex_band(beta)
    for eta_edge in (low, high):
        # Double root: the discriminant vanishes and max|λ| = √β.
        np.testing.assert_allclose(momentum.rate(eta_edge, beta), np.sqrt(beta), rtol=1e-6)
    np.testing.assert_allclose(momentum.rate(momentum.stability_edge(beta), beta), 1.0, rtol=1e-9)
    # The best β for an η is the lower curve: nothing nearby converges faster.
    for eta in (0.02, 0.05, 0.1, 0.15, 0.3):
        best = float(momentum.best_beta(eta))
        around = np.clip(best + np.linspace(-0.05, 0.05, 21), 0.0, 0.99)
        assert float(momentum.rate(eta, best)) <= momentum.rate(eta, around).min() + 1e-9


def test_map_figure_has_a_clickable_cell_per_slider_value() -> None:
    fig = json.loads(map_figure(0.05, 0.9, lang="zh-TW").to_json())
    etas, betas = momentum.grid()
    layer = next(trace for trace in fig["data"] if trace.get("meta") == CLICK_LAYER)
    assert len(layer["x"]) == len(etas) * len(betas)
    assert set(layer["x"]) == set(etas.tolist()) and set(layer["y"]) == set(betas.tolist())
    names = {t(f"momentum.region.{r.value}", "zh-TW") for r in R}
    assert {row[1] for row in layer["customdata"]} == names
    annotations = {a["text"].removeprefix("<b>").removesuffix("</b>") for a in fig["layout"]["annotations"]}
    assert names <= annotations
    # Everything else ignores the mouse, so a click can only land on a cell.
    assert all(trace.get("hoverinfo") == "skip" for trace in fig["data"] if trace.get("meta") != CLICK_LAYER)


# ------------------------------------------------------------------ clicks
class _State(dict):
    """A stand-in for ``st.session_state`` (callbacks only read and write keys)."""


def test_clicking_the_map_sets_both_sliders(monkeypatch: pytest.MonkeyPatch) -> None:
    state = _State(
        {momentum_view.MAP_KEY: {"selection": {"points": [{"x": 0.1500000001, "y": 0.5, "curve_number": 4}]}}}
    )
    monkeypatch.setattr(momentum_view.st, "session_state", state)
    momentum_view._map_clicked()
    assert (state[momentum_view.LR_KEY], state[momentum_view.BETA_KEY]) == (0.15, 0.5)
    assert state[momentum_view.LR_KEY] in momentum.grid()[0].tolist()
    # No point (a click beside the cells): the sliders stay.
    state[momentum_view.MAP_KEY] = {"selection": {"points": []}}
    momentum_view._map_clicked()
    assert state[momentum_view.LR_KEY] == 0.15


def test_clicking_the_surface_sets_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    state = _State({"race_surface": "ravine", "race_chart": {"selection": {"points": [{"x": -3.004, "y": 7.0}]}}})
    monkeypatch.setattr(page.st, "session_state", state)
    page._start_clicked()
    assert (state["race_x0"], state["race_y0"]) == (-3.0, 2.0)  # y clamped to the plot
    state.update({"race_surface": "course", "race_chart": {"selection": {"points": [{"x": 1.234, "y": 9.15}]}}})
    state.pop("race_y0")
    page._start_clicked()
    assert state["race_x0"] == 1.23 and "race_y0" not in state  # 1-D: the click's height is f(x)


# -------------------------------------------------------------- with Keras
def _race(surface: str, start: list[float], steps: int, racers: dict[str, dict[str, float]]) -> dict[str, Any]:
    return compute(Task.OPTIMIZER_RACE, RaceSettings(surface, tuple(start), steps, racers).to_payload())


@pytest.mark.parametrize(("eta", "beta"), [(0.05, 0.9), (0.15, 0.0), (0.15, 0.5), (0.21, 0.5), (0.01, 0.3)])
def test_keras_walk_is_the_maps_recurrence(eta: float, beta: float) -> None:
    result = _race("course", [-2.5], 40, {"momentum": {"learning_rate": eta, "momentum": beta}})
    xs, vs = momentum.walk(f32(eta), f32(beta), -2.5, 40)
    np.testing.assert_allclose(np.array(result["paths"]["momentum"])[:, 0], xs, rtol=1e-12, atol=1e-12)
    if beta == 0.0:
        assert result["slots"]["momentum"] is None  # Keras's SGD keeps no velocity without momentum
    else:
        np.testing.assert_allclose(np.array(result["slots"]["momentum"])[:, 0], vs, rtol=1e-12, atol=1e-12)


def test_velocity_arrows_are_kerass_momentum_variable() -> None:
    hypers = {"learning_rate": 0.2, "momentum": 0.9}
    result = _race(
        "ravine",
        [-4.5, 1.5],
        30,
        {
            "momentum": hypers,
            "sgd": {"learning_rate": 0.2},
            "adam": {"learning_rate": 0.2, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
        },
    )
    surface = SURFACES["ravine"]
    found = {o.racer: o for o in outcomes(result, surface, 1e-3)}
    drawn = arrows(result, found["momentum"], hypers["learning_rate"])
    slots = np.array(result["slots"]["momentum"])
    # The arrows are Keras's variable, value for value, and (nesterov=False) each is the step taken.
    np.testing.assert_array_equal(np.array(drawn.velocities), slots)
    path = np.array(result["paths"]["momentum"])
    np.testing.assert_allclose(path[1:] - path[:-1], slots, rtol=1e-9, atol=1e-12)
    # The gradient arrows are −η times the gradient Keras applied: 2·(0.05x, 3y) at each start.
    starts = path[:-1]
    np.testing.assert_allclose(
        np.array(drawn.gradient_steps), -0.2 * np.stack([0.1 * starts[:, 0], 6 * starts[:, 1]], 1), rtol=1e-9
    )
    # Adam's arrow is −η·m, m its first-moment variable: m₁ = (1 − β₁)·g₀.
    adam = arrows(result, found["adam"], 0.2)
    g0 = np.array(result["gradients"]["adam"][0])
    np.testing.assert_allclose(adam.velocities[0], -0.2 * (1 - f32(0.9)) * g0, rtol=1e-6)
    assert arrows(result, found["sgd"], 0.2).velocities is None
    # And the figure draws them: one trace per kind, a frame's traces include them.
    fig = json.loads(race_figure(surface, list(found.values()), 30, lang="en", arrows=drawn).to_json())
    arrow_traces = [i for i, trace in enumerate(fig["data"]) if trace.get("legendgroup") == "arrows"]
    assert len(arrow_traces) == 2
    velocity = fig["data"][arrow_traces[0]]
    xs = [x for x in velocity["x"] if x is not None]
    assert xs[0] == pytest.approx(-4.5) and xs[1] == pytest.approx(-4.5 + slots[0][0], rel=1e-4)
    assert all(set(arrow_traces) <= set(frame["traces"]) for frame in fig["frames"])
    assert "tensorflow" not in sys.modules
