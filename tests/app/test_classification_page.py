"""Binary classification: ROC/AUC and confusion maths, the training job's
classifier path and boundary probe, quality bars, and the page in AppTest."""

from __future__ import annotations

import base64
import json
import math
import sys

import numpy as np
import pytest

from dlcore.data import data_split
from dlcore.text import t
from dlcore.toy_data import GRID_SIZE
from tests.conftest import busy, open_page, page_runs, run_until

PAGE = "pages/8_classification.py"


# ----------------------------------------------------------------------- page
def chart_spec(at, key: str) -> dict:
    element = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key) or key in c.proto.id)
    return json.loads(element.proto.spec)


def values(trace: dict, axis: str) -> list:
    v = trace.get(axis, [])
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return v


def test_page_renders_explainer_data_and_course_network() -> None:
    at = open_page(PAGE)
    assert not at.exception
    assert at.selectbox(key="dataset").value == "ionosphere"
    assert at.slider(key="train_ratio").value == 0.7 and at.number_input(key="data_seed").value == 0
    # The course's network and compile settings in the shared panel.
    assert at.slider(key="depth").value == 2 and at.number_input(key="width").value == 4
    assert at.selectbox(key="loss").value == "binary_crossentropy" and at.selectbox(key="loss").options == [
        "binary cross-entropy"
    ]
    assert any("Total params: 165" in c.value for c in at.caption)  # 34·4+4 + 4·4+4 + 4+1
    # Cross-entropy from Keras: −ln p for a positive example, 1 − p for MAE.
    spec = chart_spec(at, "classification_ce_chart")
    first = spec["data"][0]
    p, bce = values(first, "x"), values(first, "y")
    i = min(range(len(p)), key=lambda j: abs(p[j] - 0.25))
    assert bce[i] == pytest.approx(-math.log(p[i]), rel=1e-4)
    mae = values(spec["data"][1], "y")
    assert mae[i] == pytest.approx(1 - p[i], abs=1e-5)
    # 225 good of 351; the majority class is 1.
    assert any("64%" in m.value and "75.2%" in m.value for m in at.markdown)
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_wine_good_shows_the_imbalance_against_the_majority_baseline() -> None:
    at = open_page(PAGE)
    at.selectbox(key="dataset").set_value("wine_good").run()
    assert not at.exception
    # 217 of 1,599 wines are good (14 %); always "not good" is right on 84.0 % of the validation split.
    assert any("14%" in m.value and "84.0%" in m.value for m in at.markdown)
    assert any("imbalanced" in w.value for w in at.warning)
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_toy_training_draws_the_boundary_and_reads_the_predictions() -> None:
    at = open_page(PAGE)
    at.selectbox(key="dataset").set_value("circle").run()
    assert not at.exception
    # Choosing a 2-D set loads its suggested settings into the panel.
    assert at.number_input(key="width").value == 8 and at.selectbox(key="activation").value == "tanh"
    at.slider(key="noise").set_value(0.05).run()
    at.select_slider(key="n_points").set_value(200).run()
    before = chart_spec(at, "classification_boundary")
    assert [trace["type"] for trace in before["data"]] == ["scatter"] * 4  # the points, no heatmap yet
    at.number_input(key="epochs").set_value(4).run()
    at.button(key="train").click().run()
    run_until(at, lambda a: not busy(a) and page_runs(a, "classification"), timeout=180)
    assert not at.exception
    record = page_runs(at, "classification")[-1]
    assert record.epochs_run == 4 and "boundary" in record.extras
    assert record.meta["data"] == {
        "dataset": "circle",
        "train_fraction": 0.7,
        "seed": 0,
        "noise": 0.05,
        "n_points": 200,
    }
    heatmap = chart_spec(at, "classification_boundary")["data"][0]
    assert heatmap["type"] == "heatmap"
    z = heatmap["z"]
    assert len(z) == GRID_SIZE and len(z[0]) == GRID_SIZE and all(0 <= v <= 1 for v in z[50])
    curves = chart_spec(at, "classification_live_chart")
    assert [len(values(trace, "y")) for trace in curves["data"][:4]] == [4, 4, 4, 4]
    # The threshold slider re-reads the predictions: accuracy at 0.5 is Keras's.
    accuracy = {m.label: m.value for m in at.metric}["Accuracy"]
    assert accuracy == f"{record.result['final']['val_binary_accuracy']:.1%}"
    at.slider(key="threshold").set_value(0.0).run()
    assert not at.exception
    y = data_split(record.meta["data"]).y_valid
    assert {m.label: m.value for m in at.metric}["Recall"] == "100.0%"  # every p > 0 is called positive
    assert {m.label: m.value for m in at.metric}["Accuracy"] == f"{np.mean(y):.1%}"
    cm = chart_spec(at, "classification_confusion")["data"][0]["z"]
    assert cm == [[0, int(np.sum(y == 0))], [0, int(np.sum(y == 1))]]
    roc = chart_spec(at, "classification_roc")
    assert roc["data"][1]["x"][0] == 0 and roc["data"][1]["x"][-1] == 1
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_link_sets_the_data_controls_and_notes_a_bad_value() -> None:
    from tests.app.test_links import open_link, toasts

    at = open_link(PAGE, dataset="xor", noise="0.25", n_points="200", train_ratio="0.8", data_seed="abc")
    assert not at.exception
    assert at.selectbox(key="dataset").value == "xor"
    assert (at.slider(key="noise").value, at.select_slider(key="n_points").value) == (0.25, 200)
    assert at.slider(key="train_ratio").value == 0.8 and at.number_input(key="data_seed").value == 0
    notes = toasts(at)
    assert len(notes) == 1 and "data_seed=abc" in notes[0]
    # 0.8 of 200 points train, the rest validate.
    assert any("160 training and 40 validation" in c.value for c in at.caption)
    # The choice survives a visit to another page.
    at.switch_page("pages/6_wine.py").run()
    at.switch_page(PAGE).run()
    assert at.selectbox(key="dataset").value == "xor" and at.slider(key="noise").value == 0.25
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_sequential_slide_preset_builds_the_4_3_1_network_on_two_inputs() -> None:
    at = open_page(PAGE)
    at.button(key="classification_preset_sequential_slide").click().run()
    assert not at.exception
    assert at.selectbox(key="dataset").value == "circle"
    assert at.toggle(key="per_layer").value is True
    assert [at.number_input(key=f"units_{i}").value for i in (1, 2)] == [4, 3]
    # Dense(4) on 2 inputs: 2·4 + 4 = 12; Dense(3): 4·3 + 3 = 15; Dense(1): 3 + 1 = 4.
    assert any("Total params: 31" in c.value for c in at.caption)
    assert any("建立順序式模型" in s.value for s in at.success)  # names the slide
    # The exported Keras code has the slide's layers.
    code = "\n".join(c.value for c in at.code)
    assert "layers.Dense(4, activation='relu')" in code and "layers.Dense(3, activation='relu')" in code
    # One link opens the same setup.
    assert at.query_params["per_layer"] == "true" and at.query_params["units_2"] == "3"
    assert "width" not in at.query_params
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_compile_line_preset_is_adam_binary_crossentropy_on_ionosphere() -> None:
    at = open_page(PAGE)
    at.selectbox(key="dataset").set_value("circle").run()
    at.button(key="classification_preset_binary_compile").click().run()
    assert not at.exception
    assert at.selectbox(key="dataset").value == "ionosphere"
    assert (at.selectbox(key="optimizer").value, at.select_slider(key="learning_rate").value) == ("adam", 0.001)
    assert at.selectbox(key="loss").value == "binary_crossentropy"
    assert at.toggle(key="early_stopping").value is True and at.number_input(key="patience").value == 20
    assert any("Total params: 165" in c.value for c in at.caption)  # 34·4+4 + 4·4+4 + 4+1
    assert any("二元分類器" in s.value for s in at.success)


def test_a_preset_and_a_suggestion_never_claim_the_panel_at_once() -> None:
    at = open_page(PAGE)
    at.selectbox(key="dataset").set_value("circle").run()
    suggested = t("clf.suggested", name=t("clf.ds.circle"))
    assert suggested in [c.value for c in at.caption]
    at.button(key="classification_preset_sequential_slide").click().run()
    assert len(at.success) == 1 and "建立順序式模型" in at.success[0].value
    assert suggested not in [c.value for c in at.caption]
    at.selectbox(key="dataset").set_value("xor").run()  # loads the XOR suggestion
    assert not at.exception and not any("建立順序式模型" in s.value for s in at.success)
    assert at.toggle(key="per_layer").value is False and at.number_input(key="width").value == 8
