"""Binary classification: ROC/AUC and confusion maths, the training job's
classifier path and boundary probe, quality bars, and the page in AppTest."""

from __future__ import annotations

import base64
import itertools
import json
import math
import sys

import numpy as np
import pytest

from dlcore.data import data_split
from dlcore.runtime.tasks import Task
from dlcore.text import t
from dlcore.toy_data import GRID_SIZE, Grid, grid_for
from lessons.classification.model import SUGGESTIONS, auc, confusion, majority_accuracy, roc_curve
from tests.conftest import open_page, run_until

TRAIN = Task.TRAIN
PAGE = "pages/8_classification.py"


# ------------------------------------------------------------------- numpy maths
def test_roc_and_auc_of_a_tiny_example_by_hand() -> None:
    # Scores 0.9 0.8 0.7 0.6 0.6 0.1 with labels 1 1 0 1 0 0. Lowering the
    # threshold through each distinct score: (FPR, TPR) = (0,0) → (0,⅓) →
    # (0,⅔) → (⅓,⅔) → (⅔,1) [the tie 0.6 moves a positive and a negative
    # together] → (1,1). Trapezoids: ⅓·⅔ + ⅓·(⅔+1)/2 + ⅓·1 = 5/6.
    y = np.array([1, 1, 0, 1, 0, 0])
    p = np.array([0.9, 0.8, 0.7, 0.6, 0.6, 0.1])
    fpr, tpr, thresholds = roc_curve(y, p)
    np.testing.assert_allclose(fpr, [0, 0, 0, 1 / 3, 2 / 3, 1])
    np.testing.assert_allclose(tpr, [0, 1 / 3, 2 / 3, 2 / 3, 1, 1])
    assert thresholds[0] == math.inf and thresholds[1:].tolist() == [0.9, 0.8, 0.7, 0.6, 0.1]
    assert auc(fpr, tpr) == pytest.approx(5 / 6)


def test_auc_is_the_probability_a_positive_outranks_a_negative() -> None:
    # Reference: the Mann–Whitney count over all (positive, negative) pairs, ties ½.
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, 60)
    p = np.round(rng.random(60), 1)  # rounding makes many ties
    pairs = [(a, b) for a, b in itertools.product(p[y == 1], p[y == 0])]
    reference = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pairs) / len(pairs)
    assert auc(*roc_curve(y, p)[:2]) == pytest.approx(reference)


def test_perfect_and_inverted_rankings() -> None:
    y = np.array([0, 0, 1, 1])
    assert auc(*roc_curve(y, np.array([0.1, 0.2, 0.8, 0.9]))[:2]) == pytest.approx(1.0)
    assert auc(*roc_curve(y, np.array([0.9, 0.8, 0.2, 0.1]))[:2]) == pytest.approx(0.0)
    with pytest.raises(ValueError):
        roc_curve(np.array([1, 1]), np.array([0.3, 0.4]))


def test_confusion_counts_and_rates_by_hand() -> None:
    y = np.array([1, 1, 0, 1, 0, 0])
    p = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.1])
    c = confusion(y, p, 0.5)  # positive when p > 0.5, as Keras's binary_accuracy
    assert (c.tp, c.fp, c.fn, c.tn) == (3, 1, 0, 2)
    assert c.accuracy == pytest.approx(5 / 6)
    assert c.precision == pytest.approx(3 / 4) and c.recall == 1.0
    assert c.false_positive_rate == pytest.approx(1 / 3)
    high = confusion(y, p, 0.85)
    assert (high.tp, high.fp, high.fn, high.tn) == (1, 0, 2, 3)
    none = confusion(y, p, 1.0)
    assert math.isnan(none.precision) and none.recall == 0.0


def test_majority_baseline() -> None:
    assert majority_accuracy(np.array([0, 0, 0, 1]), np.array([0, 1, 0, 0, 0])) == (0, 0.8)
    assert majority_accuracy(np.array([1, 1, 0]), np.array([0, 1])) == (1, 0.5)


# -------------------------------------------------------------- training jobs
def classifier_payload(dataset: str, *, epochs: int | None = None, train_seed: int = 0, **data: object) -> dict:
    s = SUGGESTIONS[dataset]
    model = {"units": list(s.units), "activation": s.activation, "output_activation": "sigmoid"}
    train = {
        "loss": "binary_crossentropy",
        "optimizer": "adam",
        "learning_rate": s.learning_rate,
        "batch_size": s.batch_size,
        "epochs": epochs or s.epochs,
        "seed": train_seed,
    }
    return {"model": model, "train": train, "data": {"dataset": dataset, **data}}


def epoch_events(result: dict) -> list[dict]:
    return [data for kind, data in result["_events"] if kind == "epoch"]


@pytest.mark.slow
def test_ionosphere_course_network_reaches_85_percent(run_task) -> None:
    # The course's network Dense(4) → Dense(4) → Dense(1, sigmoid), Adam.
    payload = classifier_payload("ionosphere")
    assert payload["model"]["units"] == [4, 4]
    result = run_task(TRAIN, payload)
    final = result["final"]
    assert final["val_binary_accuracy"] >= 0.85
    assert result["param_count"] == 34 * 4 + 4 + 4 * 4 + 4 + 4 + 1
    logs = epoch_events(result)[-1]["logs"]
    assert set(logs) == {"loss", "binary_accuracy", "auc", "val_loss", "val_binary_accuracy", "val_auc"}
    # Our numpy reading of the returned probabilities agrees with Keras's metrics.
    y = data_split(payload["data"]).y_valid
    p = np.asarray(result["valid_predictions"])
    assert ((p >= 0) & (p <= 1)).all()
    assert confusion(y, p, 0.5).accuracy == pytest.approx(final["val_binary_accuracy"], abs=1e-6)
    assert auc(*roc_curve(y, p)[:2]) == pytest.approx(final["val_auc"], abs=0.02)  # Keras: 200 thresholds


@pytest.mark.slow
def test_spiral_two_hidden_layers_of_eight_reach_90_percent(run_task) -> None:
    payload = classifier_payload("spiral", noise=0.05, n_points=400, train_fraction=0.7, seed=0)
    assert payload["model"]["units"] == [8, 8] and payload["train"]["epochs"] <= 500
    result = run_task(TRAIN, payload)
    assert result["final"]["val_binary_accuracy"] >= 0.90


def test_boundary_probe_streams_throttled_small_grids_that_match_the_model(run_task) -> None:
    data = {"dataset": "moons", "noise": 0.1, "n_points": 200, "train_fraction": 0.7, "seed": 1}
    split = data_split(data)
    grid = grid_for(np.vstack([split.x_train, split.x_valid]), GRID_SIZE)
    payload = classifier_payload("moons", epochs=30, **{k: v for k, v in data.items() if k != "dataset"})
    payload["probes"] = {"boundary": {"extent": grid.extent, "size": grid.size, "interval": 0.25}}
    result = run_task(TRAIN, payload)
    epochs = epoch_events(result)
    grids = [e for e in epochs if "boundary" in e]
    assert grids[0]["epoch"] == 1 and grids[0]["boundary"]["epoch"] == 1
    assert all(len(e["boundary"]["p"]) == GRID_SIZE**2 for e in grids)  # one byte per cell: 10 kB
    # Throttled to one grid per 0.25 s: never more grids than a fresh one per quarter second.
    assert len(grids) <= 2 + epochs[-1]["seconds"] / 0.25
    # The returned model's grid, read at each validation point's nearest cell,
    # agrees with its predictions there (so rows are y and columns x).
    final = np.frombuffer(result["boundary"]["p"], dtype=np.uint8).reshape(grid.size, grid.size) / 255
    step = 2 * grid.extent / (grid.size - 1)
    cols = np.round((split.x_valid[:, 0] + grid.extent) / step).astype(int)
    rows = np.round((split.x_valid[:, 1] + grid.extent) / step).astype(int)
    near = final[rows, cols]
    assert np.mean(np.abs(near - np.asarray(result["valid_predictions"])) < 0.1) >= 0.9
    transposed = final.T[rows, cols]
    assert np.mean(np.abs(transposed - np.asarray(result["valid_predictions"])) < 0.1) < 0.9


def test_grid_points_order_matches_the_heatmap_layout() -> None:
    grid = Grid(1.0, 4)
    points = grid.points().reshape(4, 4, 2)
    np.testing.assert_allclose(points[0, :, 1], -1.0)  # row 0 is the lowest y
    np.testing.assert_allclose(points[:, 0, 0], -1.0)  # column 0 is the lowest x


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
    run_until(at, lambda a: not a.session_state["jobs"] and a.session_state["runs"].get("classification"), timeout=180)
    assert not at.exception
    record = at.session_state["runs"]["classification"][-1]
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
    from tests.test_links import open_link, toasts

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


@pytest.mark.slow
@pytest.mark.parametrize(
    ("key", "data", "bar"),
    [
        # The page's default 2-D data: 400 points, noise 0.1, 70 % for training.
        ("sequential_slide", {"noise": 0.1, "n_points": 400}, 0.90),
        ("binary_compile", {}, 0.85),
    ],
)
def test_classifier_presets_train_to_a_useful_accuracy(run_task, key: str, data: dict, bar: float) -> None:
    from dlcore.presets import CLASSIFIER_PRESETS
    from dlcore.spec import to_dict

    preset = next(p for p in CLASSIFIER_PRESETS if p.key == key)
    payload = {
        "model": to_dict(preset.model),
        "train": to_dict(preset.train),
        "data": {"dataset": preset.dataset, "train_fraction": 0.7, "seed": 0, **data},
    }
    result = run_task(TRAIN, payload)
    assert result["param_count"] == {"sequential_slide": 31, "binary_compile": 165}[key]  # worked by hand above
    assert result["final"]["val_binary_accuracy"] >= bar
