"""Shareable links, memory across pages, presenter and projector modes on the
neuron, activations, SGD and optimizer-race pages.

Each link test checks both the controls and what the page computed from them
against references: the wine CSV redone with pandas, closed-form activation
functions, and minibatch counts by arithmetic.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dlcore.data import DATA_DIR
from dlcore.text import t
from lessons.optimizers.racers import RACERS
from lessons.optimizers.surfaces import SURFACES
from tests.app.test_links import open_link, toasts

NEURON = "pages/1_neuron.py"
ACTIVATIONS = "pages/2_activations.py"
SGD = "pages/4_sgd.py"
RACE = "pages/5_optimizers.py"
ELSEWHERE = "pages/3_gradient-descent.py"  # a page with other controls, no Keras


def figure(at: AppTest, key: str) -> dict[str, Any]:
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key))
    return json.loads(chart.proto.spec)


def trace(fig: dict[str, Any], name: str) -> dict[str, Any]:
    return next(tr for tr in fig["data"] if tr.get("name") == name)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def ignored(key: str, value: str) -> str:
    return t("link.ignored", key=key, value=value)


def visit_elsewhere_and_back(at: AppTest, script: str) -> None:
    at.switch_page(ELSEWHERE).run()
    assert not at.exception
    at.switch_page(script).run()
    assert not at.exception


def no_keras() -> bool:
    return "tensorflow" not in sys.modules and "keras" not in sys.modules


# -------------------------------------------------------------------- neuron
@pytest.fixture(scope="module")
def scaled_train() -> pd.DataFrame:
    """The course's split and min-max scaling, redone from the CSV."""
    red_wine = pd.read_csv(DATA_DIR / "winequality-red.csv")
    df_train = red_wine.sample(frac=0.7, random_state=0)
    max_, min_ = df_train.max(axis=0), df_train.min(axis=0)
    return (df_train - min_) / (max_ - min_)


def test_neuron_link_sets_feature_weight_and_bias(scaled_train: pd.DataFrame) -> None:
    at = open_link(NEURON, neuron_feature="sulphates", neuron_w="0.5", neuron_b="-0.25")
    assert not at.exception, at.exception
    assert at.selectbox(key="neuron_feature").value == "sulphates"
    assert (at.slider(key="neuron_w").value, at.slider(key="neuron_b").value) == (0.5, -0.25)
    residual = 0.5 * scaled_train["sulphates"] + -0.25 - scaled_train["quality"]
    shown = metrics(at)
    assert shown["MAE"] == f"{residual.abs().mean():.4f}"
    assert shown["MSE"] == f"{(residual**2).mean():.4f}"
    line = figure(at, "neuron_chart")["data"][2]
    np.testing.assert_allclose(line["y"], [0.5 * v - 0.25 for v in line["x"]])
    assert toasts(at) == []
    link = {k: v for k, v in dict(at.query_params).items() if k != "ws"}  # ws: the browser's workspace
    assert link == {"neuron_feature": "sulphates", "neuron_w": "0.5", "neuron_b": "-0.25"}
    assert no_keras()


def test_neuron_link_ignores_bad_values_with_a_note() -> None:
    at = open_link(NEURON, neuron_w="2.5", neuron_x1="colour", neuron_wine="3", neuron_epochs="0")
    assert not at.exception, at.exception
    assert at.slider(key="neuron_w").value == 1.0  # the default; 2.5 is beyond the slider's 2
    assert at.selectbox(key="neuron_x1").value == "volatile acidity"
    assert at.slider(key="neuron_epochs").value == 30
    assert at.number_input(key="neuron_wine").value == 3  # the valid one still applies
    assert sorted(toasts(at)) == sorted(
        [ignored("neuron_w", "2.5"), ignored("neuron_x1", "colour"), ignored("neuron_epochs", "0")]
    )
    assert {k: v for k, v in dict(at.query_params).items() if k != "ws"} == {"neuron_wine": "3"}  # ws: the workspace


def test_neuron_values_survive_a_visit_to_another_page() -> None:
    at = open_link(NEURON)
    at.selectbox(key="neuron_x2").set_value("pH")
    at.slider(key="neuron_w2").set_value(-0.8)
    at.slider(key="neuron_b").set_value(0.35).run()
    visit_elsewhere_and_back(at, NEURON)
    assert at.selectbox(key="neuron_x2").value == "pH"
    assert at.slider(key="neuron_w2").value == -0.8
    assert at.slider(key="neuron_b").value == 0.35
    codes = " ".join(c.value for c in at.code)
    assert "-0.8" in codes  # the three-input code uses the kept weight


# --------------------------------------------------------------- activations
def test_activations_link_sets_function_comparison_and_neuron() -> None:
    at = open_link(ACTIVATIONS, act_name="tanh", act_compare="relu,sigmoid", act_w="2", act_b="-1")
    assert not at.exception, at.exception
    assert at.selectbox(key="act_name").value == "tanh"
    assert at.multiselect(key="act_compare").value == ["relu", "sigmoid"]
    assert (at.slider(key="act_w").value, at.slider(key="act_b").value) == (2.0, -1.0)
    curves = figure(at, "act_curves_chart")["data"]
    assert len(curves) == 6  # function and derivative of three
    x = np.asarray(curves[0]["x"])
    np.testing.assert_allclose(curves[0]["y"], np.tanh(x), atol=1e-6)
    np.testing.assert_allclose(curves[1]["y"], 1 - np.tanh(x) ** 2, atol=1e-5)  # tanh' = 1 − tanh²
    line, output = figure(at, "act_neuron_chart")["data"][:2]
    xn = np.asarray(line["x"])
    np.testing.assert_allclose(line["y"], 2 * xn - 1, atol=1e-5)
    np.testing.assert_allclose(output["y"], np.tanh(2 * xn - 1), atol=1e-6)
    assert toasts(at) == []
    assert at.query_params["act_compare"] == "relu,sigmoid"
    assert no_keras()


def test_activations_link_ignores_bad_values_with_a_note() -> None:
    at = open_link(ACTIVATIONS, act_name="softmax", act_compare="relu,nope", act_w="9", act_b="0.5")
    assert not at.exception, at.exception
    assert at.selectbox(key="act_name").value == "relu"
    assert at.multiselect(key="act_compare").value == []
    assert (at.slider(key="act_w").value, at.slider(key="act_b").value) == (1.0, 0.5)
    notes = toasts(at)
    assert len(notes) == 3
    assert ignored("act_name", "softmax") in notes and ignored("act_w", "9") in notes
    assert ignored("act_compare", "relu,nope") in notes
    line = figure(at, "act_neuron_chart")["data"][0]
    np.testing.assert_allclose(line["y"], [v + 0.5 for v in line["x"]], atol=1e-5)


def test_activations_values_survive_a_visit_to_another_page() -> None:
    at = open_link(ACTIVATIONS)
    at.multiselect(key="act_compare").set_value(["swish"])
    at.slider(key="act_b").set_value(1.5).run()
    visit_elsewhere_and_back(at, ACTIVATIONS)
    assert at.multiselect(key="act_compare").value == ["swish"]
    assert at.slider(key="act_b").value == 1.5
    assert len(figure(at, "act_curves_chart")["data"]) == 4


# ----------------------------------------------------------------------- SGD
def test_sgd_link_sets_samples_batch_and_learning_rate() -> None:
    at = open_link(SGD, sgd_samples="30", sgd_batch="7", sgd_lr="0.02")
    assert not at.exception, at.exception
    assert at.slider(key="sgd_samples").value == 30
    assert at.slider(key="sgd_batch").value == 7
    assert at.select_slider(key="sgd_lr").value == 0.02
    fig = figure(at, "sgd_chart")
    assert len(trace(fig, t("sgd.chart.samples"))["x"]) == 30
    assert len(trace(fig, t("sgd.chart.minibatch"))["x"]) == 30 - 4 * 7  # the last minibatch of each epoch
    epochs = at.slider(key="sgd_epochs").value
    assert fig["layout"]["sliders"][0]["steps"][-1]["label"] == str(5 * epochs)  # ⌈30 / 7⌉ = 5 steps per epoch
    assert "0.02" in fig["layout"]["title"]["text"]
    assert toasts(at) == []


def test_sgd_link_checks_the_batch_against_the_linked_sample_count() -> None:
    at = open_link(SGD, sgd_samples="20", sgd_batch="25", sgd_lr="0.4", sgd_full="false")
    assert not at.exception, at.exception
    assert at.slider(key="sgd_samples").value == 20
    assert at.slider(key="sgd_batch").value == 8  # the default; 25 > n = 20
    assert at.slider(key="sgd_batch").max == 20
    assert at.select_slider(key="sgd_lr").value == 0.1  # 0.4 is not one of the rates
    assert at.toggle(key="sgd_full").value is False
    assert sorted(toasts(at)) == sorted([ignored("sgd_batch", "25"), ignored("sgd_lr", "0.4")])
    assert not any(tr.get("name") == t("sgd.chart.full_line") for tr in figure(at, "sgd_chart")["data"])


def test_sgd_values_and_presets_survive_a_visit_to_another_page() -> None:
    at = open_link(SGD)
    at.slider(key="sgd_samples").set_value(40).run()
    at.button(key="sgd_preset_full").click().run()
    assert at.slider(key="sgd_batch").value == 40
    visit_elsewhere_and_back(at, SGD)
    assert (at.slider(key="sgd_samples").value, at.slider(key="sgd_batch").value) == (40, 40)
    assert [i.value for i in at.info] == [t("sgd.full_note")]
    # Fewer samples lower the kept batch size with the slider's new maximum.
    at.slider(key="sgd_samples").set_value(25).run()
    assert not at.exception
    assert at.slider(key="sgd_batch").value == 25


# ------------------------------------------------------------ optimizer race
def test_race_link_sets_surface_steps_and_a_learning_rate() -> None:
    at = open_link(RACE, race_surface="rosenbrock", race_steps="40", race_hp_adam_learning_rate="0.05")
    assert not at.exception, at.exception
    assert at.selectbox(key="race_surface").value == "rosenbrock"
    assert at.slider(key="race_steps").value == 40
    assert at.select_slider(key="race_hp_adam_learning_rate").value == 0.05
    # The start point not in the link is the linked surface's suggestion.
    assert (at.slider(key="race_x0").value, at.slider(key="race_y0").value) == SURFACES["rosenbrock"].start
    fig = figure(at, "race_chart")
    assert t("race.surface.rosenbrock.name") in fig["layout"]["title"]["text"]
    assert len(trace(fig, t("optimizer.sgd"))["x"]) == 41  # the start and 40 steps
    assert f"{t('optimizer.adam')} · η = 0.05" in [e.label for e in at.get("expander")]
    assert any("Adam(learning_rate=0.05," in c.value for c in at.code)
    assert toasts(at) == []
    assert no_keras()


def test_race_link_ignores_bad_values_with_a_note() -> None:
    at = open_link(
        RACE,
        race_surface="nowhere",
        race_x0="40",
        race_tol="0.5",
        race_optimizers="sgd,adam",
        race_hp_adam_learning_rate="0.05",
    )
    assert not at.exception, at.exception
    assert at.selectbox(key="race_surface").value == "ravine"
    assert at.slider(key="race_x0").value == SURFACES["ravine"].start[0]
    assert at.select_slider(key="race_tol").value == 1e-3
    # The valid ones still apply (the notes outlive the rerun that retitles Adam's settings).
    assert at.multiselect(key="race_optimizers").value == ["sgd", "adam"]
    assert f"{t('optimizer.adam')} · η = 0.05" in [e.label for e in at.get("expander")]
    table = at.dataframe[0].value
    assert list(table[t("race.table.optimizer")]) == [t("optimizer.sgd"), t("optimizer.adam")]
    assert sorted(toasts(at)) == sorted(
        [ignored("race_surface", "nowhere"), ignored("race_x0", "40"), ignored("race_tol", "0.5")]
    )
    unknown = open_link(RACE, race_optimizers="sgd,lbfgs")
    assert unknown.multiselect(key="race_optimizers").value == list(RACERS)
    assert toasts(unknown) == [ignored("race_optimizers", "sgd,lbfgs")]


def test_race_story_and_moved_start_survive_a_visit_to_another_page() -> None:
    at = open_link(RACE)
    at.button(key="race_story_ravine").click().run()
    at.slider(key="race_x0").set_value(-3.0).run()
    visit_elsewhere_and_back(at, RACE)
    assert at.selectbox(key="race_surface").value == "ravine"
    assert at.multiselect(key="race_optimizers").value == ["sgd", "momentum"]
    assert at.slider(key="race_x0").value == -3.0
    assert at.info and t("race.story.ravine_text") in at.info[0].value
    assert trace(figure(at, "race_chart"), t("optimizer.sgd"))["x"][0] == -3.0
    # The surface's suggested settings bring the start point back.
    at.button(key="race_suggest").click().run()
    assert at.slider(key="race_x0").value == SURFACES["ravine"].start[0]


# -------------------------------------------------- presenter and projector
@pytest.mark.parametrize(
    ("script", "intro"),
    [(NEURON, "neuron.intro"), (ACTIVATIONS, "act.intro"), (SGD, "sgd.intro"), (RACE, "race.intro")],
    ids=["neuron", "activations", "sgd", "race"],
)
def test_presenter_hides_explanations_and_projector_enlarges_charts(script: str, intro: str) -> None:
    at = open_link(script, projector="true", presenter="true", hide="explanations")
    at.run()  # the hide list is known at the end of the first run
    assert not at.exception, at.exception
    assert not any(m.value == t(intro) for m in at.markdown)
    charts = at.get("plotly_chart")
    assert charts
    assert all(json.loads(c.proto.spec)["layout"]["font"]["size"] >= 18 for c in charts)
    shown = open_link(script)
    assert any(m.value == t(intro) for m in shown.markdown)
