"""The activations lesson: Keras's curves and derivatives against closed forms
and finite differences, the collapse of a linear stack, and the page."""

from __future__ import annotations

import numpy as np

from dlcore.runtime.tasks import Task
from dlcore.spec import ACTIVATIONS
from lessons.activations.model import nonlinear_payload

# Points away from the kinks of ReLU and leaky ReLU at 0.
POINTS = (-2.3, -0.7, 0.4, 1.9)
H = 1e-2


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The course's form e^x / (e^x + 1)."""
    return np.exp(x) / (np.exp(x) + 1)


def test_derivatives_match_central_differences_of_keras_values(run_task) -> None:
    xs = [p + d for p in POINTS for d in (-H, 0.0, H)]
    result = run_task(Task.ACTIVATION_CURVES, {"names": list(ACTIVATIONS), "x": xs})
    x = np.asarray(result["x"]).reshape(-1, 3)
    for name in ACTIVATIONS:
        y = np.asarray(result["curves"][name]["y"]).reshape(-1, 3)
        dy = np.asarray(result["curves"][name]["dy"]).reshape(-1, 3)
        # f'(p) ≈ (f(p + h) − f(p − h)) / 2h, error O(h²) ≈ 1e-5 here.
        central = (y[:, 2] - y[:, 0]) / (x[:, 2] - x[:, 0])
        np.testing.assert_allclose(dy[:, 1], central, atol=1e-3, err_msg=name)


def test_values_and_slopes_match_the_course_formulas(run_task) -> None:
    xs = [-3.0, -1.0, -0.25, 0.5, 2.0]
    result = run_task(Task.ACTIVATION_CURVES, {"names": ["relu", "sigmoid", "tanh"], "x": xs})
    x = np.asarray(result["x"])
    curves = result["curves"]
    np.testing.assert_allclose(curves["relu"]["y"], np.maximum(0, x), atol=1e-6)
    np.testing.assert_allclose(curves["relu"]["dy"], (x > 0).astype(float), atol=1e-6)
    np.testing.assert_allclose(curves["sigmoid"]["y"], sigmoid(x), atol=1e-6)
    tanh = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
    np.testing.assert_allclose(curves["tanh"]["y"], tanh, atol=1e-6)
    np.testing.assert_allclose(curves["tanh"]["dy"], 1 - tanh**2, atol=1e-5)


def test_one_neuron_applies_the_chain_rule(run_task) -> None:
    w, b = 2.0, -1.0
    result = run_task(Task.ACTIVATION_CURVES, {"names": ["relu", "sigmoid"], "x": [-1.5, -0.2, 0.3, 0.9, 1.7], "w": w, "b": b})
    x = np.asarray(result["x"])
    z = w * x + b
    np.testing.assert_allclose(result["z"], z, atol=1e-6)
    np.testing.assert_allclose(result["curves"]["relu"]["y"], np.maximum(0, z), atol=1e-6)
    # d/dx σ(wx + b) = w · σ(z)(1 − σ(z))
    s = sigmoid(z)
    np.testing.assert_allclose(result["curves"]["sigmoid"]["dy"], w * s * (1 - s), atol=1e-6)


def test_linear_stack_draws_a_line_while_relu_bends(run_task) -> None:
    result = run_task(Task.NONLINEAR_FIT, nonlinear_payload("sine", "relu"))
    x, y = np.asarray(result["x"]), np.asarray(result["y"])
    np.testing.assert_allclose(y, np.sin(2 * x), atol=1e-6)
    linear = np.asarray(result["fits"]["linear"]["prediction"])
    relu = np.asarray(result["fits"]["relu"]["prediction"])
    # On an even grid a straight line has zero second differences.
    assert np.max(np.abs(np.diff(linear, 2))) < 1e-4
    assert np.max(np.abs(np.diff(relu, 2))) > 1e-3
    slope, intercept = np.polyfit(x, y, 1)
    best_line_mse = np.mean((slope * x + intercept - y) ** 2)
    linear_mse = result["fits"]["linear"]["mse"]
    relu_mse = result["fits"]["relu"]["mse"]
    assert abs(linear_mse - np.mean((linear - y) ** 2)) < 1e-5
    assert abs(relu_mse - np.mean((relu - y) ** 2)) < 1e-5
    assert best_line_mse - 1e-4 <= linear_mse < best_line_mse * 1.05  # no line beats least squares
    assert relu_mse < 0.05 * best_line_mse
