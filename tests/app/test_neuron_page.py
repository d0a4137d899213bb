"""The neuron lesson: Dense(1) recovers a known line, and the page's sliders,
Keras fit and three-input unit match references computed from the CSV."""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pytest

from dlcore.data import DATA_DIR
from tests.conftest import open_page

PAGE = "pages/1_neuron.py"


@pytest.fixture(scope="module")
def scaled_train() -> pd.DataFrame:
    """The course's split and scaling, redone here from the CSV (slides 分割驗證資料, 標準化)."""
    red_wine = pd.read_csv(DATA_DIR / "winequality-red.csv")
    df_train = red_wine.sample(frac=0.7, random_state=0)
    max_, min_ = df_train.max(axis=0), df_train.min(axis=0)
    return (df_train - min_) / (max_ - min_)


def figure(at, key: str) -> dict:
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key))
    return json.loads(chart.proto.spec)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_sliders_move_the_line_and_the_metrics(scaled_train) -> None:
    at = open_page(PAGE)
    assert not at.exception, at.exception
    assert at.selectbox(key="neuron_feature").value == "alcohol"
    at.slider(key="neuron_w").set_value(0.5)
    at.slider(key="neuron_b").set_value(0.2).run()
    for feature in ("alcohol", "sulphates"):
        if feature != "alcohol":
            at.selectbox(key="neuron_feature").set_value(feature).run()
        assert not at.exception
        residual = 0.5 * scaled_train[feature] + 0.2 - scaled_train["quality"]
        shown = metrics(at)
        assert shown["MAE"] == f"{residual.abs().mean():.4f}"
        assert shown["MSE"] == f"{(residual**2).mean():.4f}"
        residuals, wines, line = figure(at, "neuron_chart")["data"]
        assert len(wines["x"]) == len(scaled_train) == 1119
        assert len(residuals["x"]) == 3 * 1119  # one segment (and a gap) per wine
        np.testing.assert_allclose(line["y"], [0.5 * v + 0.2 for v in line["x"]])
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_keras_fit_animates_every_epoch_and_feeds_the_sliders(scaled_train) -> None:
    at = open_page(PAGE)
    at.slider(key="neuron_epochs").set_value(8)
    at.button(key="neuron_fit").click().run()
    assert not at.exception, at.exception
    fig = figure(at, "neuron_fit_chart")
    assert [frame["name"] for frame in fig["frames"]] == [str(i) for i in range(9)]
    lines = [frame["data"][0] for frame in fig["frames"]]
    slopes = [(line["y"][1] - line["y"][0]) / (line["x"][1] - line["x"][0]) for line in lines]
    assert slopes[0] == pytest.approx(1.0)  # epoch 0 is the slider line w = 1, b = 0
    shown = metrics(at)
    assert float(shown["Keras's w"]) == pytest.approx(slopes[-1], abs=1e-3)
    x, y = scaled_train["alcohol"].to_numpy(), scaled_train["quality"].to_numpy()
    start_mse = np.mean((x - y) ** 2)
    assert float(shown["MSE after 8 epochs"]) < 0.5 * start_mse
    (w_ref, b_ref), *_ = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)
    assert any(f"w = {w_ref:.3f}, b = {b_ref:.3f}" in c.value for c in at.caption)

    at.button(key="neuron_use_fit").click().run()
    assert at.slider(key="neuron_w").value == pytest.approx(round(float(shown["Keras's w"]), 2), abs=0.011)
    assert at.slider(key="neuron_b").value == pytest.approx(round(float(shown["Keras's b"]), 2), abs=0.011)
    # The values the button set are in the page's link like any other.
    assert float(at.query_params["neuron_w"]) == at.slider(key="neuron_w").value
    assert float(at.query_params["neuron_b"]) == at.slider(key="neuron_b").value
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_three_inputs_predict_one_wine_and_keras_fits_them(scaled_train) -> None:
    at = open_page(PAGE)
    features, weights, bias, row = ["alcohol", "sulphates", "pH"], [0.4, 0.3, -0.2], 0.1, 5
    for i, (feature, weight) in enumerate(zip(features, weights, strict=True)):
        at.selectbox(key=f"neuron_x{i}").set_value(feature)
        at.slider(key=f"neuron_w{i}").set_value(weight)
    at.slider(key="neuron_b_multi").set_value(bias)
    at.number_input(key="neuron_wine").set_value(row).run()
    assert not at.exception, at.exception
    wine = scaled_train.iloc[row]
    prediction = sum(w * wine[f] for w, f in zip(weights, features, strict=True)) + bias
    shown = metrics(at)
    assert shown["Prediction ŷ (scaled)"] == f"{prediction:.3f}"
    assert shown["ŷ in quality points"] == f"{3 + 5 * prediction:.2f}"  # quality spans 3..8
    codes = " ".join(c.value for c in at.code)
    assert "layers.Dense(units=1, input_shape=[3])" in codes and "keras.Input(shape=(3,))" in codes

    at.button(key="neuron_multi_fit").click().run()
    assert not at.exception, at.exception
    design = np.column_stack([scaled_train[features].to_numpy(), np.ones(len(scaled_train))])
    reference = np.linalg.lstsq(design, scaled_train["quality"].to_numpy(), rcond=None)[0]
    fitted = [at.slider(key=f"neuron_w{i}").value for i in range(3)] + [at.slider(key="neuron_b_multi").value]
    np.testing.assert_allclose(fitted, reference, atol=0.03)
    assert at.success
    assert [float(at.query_params[f"neuron_w{i}"]) for i in range(3)] == fitted[:3]

    at.selectbox(key="neuron_x1").set_value("alcohol").run()
    assert any("three different features" in w.value for w in at.warning)
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules
