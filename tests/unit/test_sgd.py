"""Minibatch SGD on a line: the schedule, Keras's path against closed-form
gradient descent on the MSE, and the page.

Keras runs in the compute worker (``ui.compute.compute``, as the page calls
it), so this test process never imports TensorFlow.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np
import pytest

from dlcore.runtime.tasks import Task
from dlcore.spec import SettingError
from dlcore.text import t
from lessons.sgd.model import B_RANGE, START, W_RANGE, SgdSettings, make_data, minibatch_schedule
from tests.conftest import open_page
from ui.compute import compute

TASK = Task.SGD_RUN


def run(**settings: Any) -> dict[str, Any]:
    """Runs the SGD task in the compute worker."""
    return compute(TASK, SgdSettings(**settings).to_payload())


def mse_gradient(w: float, b: float, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Closed form: MSE = mean((w·x + b − y)²), so ∂/∂w = 2·mean(r·x) and
    ∂/∂b = 2·mean(r) with the residual r = w·x + b − y."""
    residual = w * x + b - y
    return 2 * float(np.mean(residual * x)), 2 * float(np.mean(residual))


def closed_form_descent(x: np.ndarray, y: np.ndarray, batches: list[list[int]], learning_rate: float) -> np.ndarray:
    """(w, b) from START, one closed-form gradient step per minibatch."""
    # Keras holds η in a float32 variable and casts it to the float64 weights.
    lr = float(np.float32(learning_rate))
    w, b = START
    path = [(w, b)]
    for batch in batches:
        gw, gb = mse_gradient(w, b, x[batch], y[batch])
        w, b = w - lr * gw, b - lr * gb
        path.append((w, b))
    return np.array(path)


# ------------------------------------------------------------ pure helpers
def test_schedule_shuffles_every_epoch_with_its_seed() -> None:
    first = minibatch_schedule(10, 3, 2, seed=4)
    assert [len(b) for b in first] == [3, 3, 3, 1] * 2  # the last batch is the remainder
    assert first == minibatch_schedule(10, 3, 2, seed=4)
    assert first != minibatch_schedule(10, 3, 2, seed=5)
    assert sum(first[:4], []) != sum(first[4:], [])  # a new order each epoch


def test_data_scatter_around_the_true_line() -> None:
    x, y = make_data(200, seed=1)
    assert x.min() >= -2 and x.max() <= 2
    w, b = np.polyfit(x, y, 1)
    assert w == pytest.approx(2.0, abs=0.15) and b == pytest.approx(1.0, abs=0.15)
    assert np.std(y - (2 * x + 1)) == pytest.approx(0.5, abs=0.1)
    assert not np.array_equal(make_data(200, seed=2)[1], y)


def test_settings_reject_bad_values() -> None:
    with pytest.raises(SettingError):
        SgdSettings(batch_size=65, n_samples=64)
    with pytest.raises(SettingError) as info:
        SgdSettings(batch_size=1, n_samples=200, epochs=50)  # 10 000 steps
    assert info.value.key == "sgd.error.too_many_steps"
    with pytest.raises(SettingError):
        SgdSettings(learning_rate=0.0)


# --------------------------------------------------------------- the task
def test_full_batch_is_closed_form_gradient_descent_on_the_mse() -> None:
    result = run(learning_rate=0.2, batch_size=30, n_samples=30, epochs=25, seed=3)
    x, y = np.array(result["x"]), np.array(result["y"])
    expected = closed_form_descent(x, y, [list(range(30))] * 25, 0.2)
    np.testing.assert_allclose(np.c_[result["w"], result["b"]], expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.c_[result["full_w"], result["full_b"]], expected, rtol=1e-10, atol=1e-12)
    # The loss curve is the MSE on all samples at every (w, b).
    mse = [np.mean((w * x + b - y) ** 2) for w, b in expected]
    np.testing.assert_allclose(result["loss"], mse, rtol=1e-10)
    assert result["loss"][-1] < result["loss"][0] / 10


def test_minibatches_partition_each_epoch_and_drive_every_step() -> None:
    n, batch, epochs = 23, 5, 4
    result = run(learning_rate=0.05, batch_size=batch, n_samples=n, epochs=epochs, seed=7)
    batches = result["batches"]
    per_epoch = 5  # ⌈23 / 5⌉
    assert len(batches) == per_epoch * epochs
    for epoch in range(epochs):
        chunk = batches[epoch * per_epoch : (epoch + 1) * per_epoch]
        assert [len(b) for b in chunk] == [5, 5, 5, 5, 3]
        assert sorted(sum(chunk, [])) == list(range(n))  # disjoint and complete
    assert batches[:per_epoch] != batches[per_epoch : 2 * per_epoch]
    # Each step is a closed-form gradient step on exactly that minibatch.
    x, y = np.array(result["x"]), np.array(result["y"])
    expected = closed_form_descent(x, y, batches, 0.05)
    np.testing.assert_allclose(np.c_[result["w"], result["b"]], expected, rtol=1e-10, atol=1e-12)
    # The full-batch comparison makes the same number of exact steps.
    full = closed_form_descent(x, y, [list(range(n))] * len(batches), 0.05)
    np.testing.assert_allclose(np.c_[result["full_w"], result["full_b"]], full, rtol=1e-10, atol=1e-12)
    # The best possible MSE is the least-squares line's.
    w, b = np.polyfit(x, y, 1)
    assert result["best_mse"] == pytest.approx(np.mean((w * x + b - y) ** 2), rel=1e-10)
    assert min(result["loss"]) >= result["best_mse"] - 1e-12


# ---------------------------------------------------------------------- page
def _figure(at: Any) -> dict[str, Any]:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def _trace(fig: dict[str, Any], name: str) -> dict[str, Any]:
    return next(trace for trace in fig["data"] if trace.get("name") == name)


@pytest.fixture(scope="module")
def default_figure() -> dict[str, Any]:
    """The page's chart with the default settings, as Plotly JSON."""
    at = open_page("pages/4_sgd.py")
    assert not at.exception
    assert "tensorflow" not in sys.modules
    assert "keras" not in sys.modules
    return _figure(at)


def _contours(fig: dict[str, Any]) -> list[dict[str, Any]]:
    return [trace for trace in fig["data"] if trace.get("legendgroup") == "contours"]


def _mse(w: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """MSE = mean over the samples of (w·x + b − y)², at every (w, b)."""
    return np.mean((w[:, None] * x[None, :] + b[:, None] - y[None, :]) ** 2, axis=1)


def test_mse_contours_lie_on_level_sets_of_the_pages_mse(default_figure: dict[str, Any]) -> None:
    fig = default_figure
    samples = _trace(fig, t("sgd.chart.samples"))
    x, y = np.array(samples["x"]), np.array(samples["y"])
    contours = _contours(fig)
    assert len(contours) == 20
    assert all(trace["name"] == t("sgd.chart.mse_contours") and trace["xaxis"] == "x3" for trace in contours)
    assert not any(trace.get("showlegend", True) for trace in contours)
    levels = [trace["meta"] for trace in contours]
    # The levels split the MSE's range over the (w, b) panel into 21 equal
    # bands. The MSE is convex: its largest value on the panel is at a
    # corner, its smallest at the least-squares line (inside the panel).
    ls_w, ls_b = np.polyfit(x, y, 1)
    low = _mse(np.array([ls_w]), np.array([ls_b]), x, y)[0]
    corners = np.array([(w, b) for w in W_RANGE for b in B_RANGE])
    high = _mse(corners[:, 0], corners[:, 1], x, y).max()
    np.testing.assert_allclose(levels, np.linspace(low, high, 22)[1:-1], atol=0.01)
    for trace, level in zip(contours, levels, strict=True):
        w = np.array([v for v in trace["x"] if v is not None])
        b = np.array([v for v in trace["y"] if v is not None])
        assert len(w) == len(b) >= 2  # a line, if only across a corner
        assert np.all((W_RANGE[0] <= w) & (w <= W_RANGE[1]) & (B_RANGE[0] <= b) & (b <= B_RANGE[1]))
        # The lines interpolate linearly between grid points ~0.11 apart;
        # on a quadratic that errs by at most h²·f''/8 ≈ 0.11²·(2·mean x² ≤ 8/3)/8 < 0.005.
        np.testing.assert_allclose(_mse(w, b, x, y), level, atol=0.01)
    # The lowest level set is one ellipse around the least-squares (w, b).
    lowest = contours[0]
    assert None not in lowest["x"]
    assert min(lowest["x"]) < ls_w < max(lowest["x"]) and min(lowest["y"]) < ls_b < max(lowest["y"])


def test_frames_move_only_the_moving_traces_over_line_traces(default_figure: dict[str, Any]) -> None:
    fig = default_figure
    # Plotly removes contour and heatmap layers while it plays a frame
    # (plotly.py issue #2151): every trace, in the figure and its frames, is a scatter.
    assert {trace["type"] for trace in fig["data"]} == {"scatter"}
    assert {trace.get("type", "scatter") for frame in fig["frames"] for trace in frame["data"]} == {"scatter"}
    background_names = {
        t("sgd.chart.samples"),
        t("sgd.chart.true_line"),
        t("sgd.chart.mse_contours"),
        t("sgd.chart.minibatch_run", batch=SgdSettings().batch_size),
        t("sgd.chart.full_run", n=SgdSettings().n_samples),
    }
    background = {i for i, trace in enumerate(fig["data"]) if trace.get("name") in background_names}
    background |= {i for i, trace in enumerate(fig["data"]) if trace.get("legendgroup") == "contours"}
    background |= {i for i, trace in enumerate(fig["data"]) if trace.get("hovertext")}  # best and true (w, b)
    assert len(background) >= 20 + 5
    minibatch = next(i for i, trace in enumerate(fig["data"]) if trace.get("name") == t("sgd.chart.minibatch"))
    for frame in fig["frames"]:
        assert minibatch in frame["traces"]
        assert not background & set(frame["traces"])
        assert len(frame["data"]) == len(frame["traces"])
        assert not any(trace.get("legendgroup") == "contours" for trace in frame["data"])
    # No button or slider step forces a full redraw (which outlasted a frame on a slow machine).
    animations = [*fig["layout"]["updatemenus"][0]["buttons"], *fig["layout"]["sliders"][0]["steps"]]
    assert [a["args"][1]["frame"]["redraw"] for a in animations] == [False] * len(animations)
