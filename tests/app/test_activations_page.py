"""The activations lesson: Keras's curves and derivatives against closed forms
and finite differences, the collapse of a linear stack, and the page."""

from __future__ import annotations

import json
import sys

import numpy as np

from dlcore.spec import ACTIVATIONS
from dlcore.text import t
from tests.conftest import open_page

PAGE = "pages/2_activations.py"


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The course's form e^x / (e^x + 1)."""
    return np.exp(x) / (np.exp(x) + 1)


def figure(at, key: str) -> dict:
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key))
    return json.loads(chart.proto.spec)


def test_page_renders_and_controls_change_the_charts() -> None:
    at = open_page(PAGE)
    assert not at.exception, at.exception
    assert at.selectbox(key="act_name").options == [t(f"activation.{name}") for name in ACTIVATIONS]
    curves = figure(at, "act_curves_chart")["data"]
    x = np.asarray(curves[0]["x"])
    np.testing.assert_allclose(curves[0]["y"], np.maximum(0, x), atol=1e-6)

    at.selectbox(key="act_name").set_value("sigmoid").run()
    curves = figure(at, "act_curves_chart")["data"]
    np.testing.assert_allclose(curves[0]["y"], sigmoid(x), atol=1e-6)
    s = sigmoid(x)
    np.testing.assert_allclose(curves[1]["y"], s * (1 - s), atol=1e-6)  # σ' = σ(1 − σ)
    assert any(r"\sigma(x)" in latex.value for latex in at.latex)

    at.multiselect(key="act_compare").set_value(["tanh", "relu"]).run()
    assert len(figure(at, "act_curves_chart")["data"]) == 6  # function and derivative of three

    at.slider(key="act_w").set_value(2.0)
    at.slider(key="act_b").set_value(-1.0).run()
    line, output = figure(at, "act_neuron_chart")["data"][:2]
    xn = np.asarray(line["x"])
    np.testing.assert_allclose(line["y"], 2 * xn - 1, atol=1e-5)
    np.testing.assert_allclose(output["y"], sigmoid(2 * xn - 1), atol=1e-6)
    assert any(r"\sigma\left(2x - 1\right)" in latex.value for latex in at.latex)

    metrics = {m.label: float(m.value) for m in at.metric}
    assert metrics["MSE, ReLU network"] < 0.05 * metrics["MSE, linear network"]
    assert abs(metrics["MSE, linear network"] - metrics["MSE, best straight line"]) < 0.05
    fit = figure(at, "act_fit_chart")["data"]
    assert [len(trace["x"]) for trace in fit] == [201, 2, 201, 201]
    assert at.success and not at.error
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules
