"""The overfitting lesson: the course's experiments, their Keras code, the
gradient probe, the early-stopping quality bar, and the page in AppTest."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict

import pytest

from dlcore.diagnosis import diagnose
from dlcore.experiments import EXPERIMENTS, EXPERIMENTS_BY_KEY, in_group
from dlcore.export import model_code
from dlcore.keras_code import keras_code
from dlcore.runtime.tasks import Task
from dlcore.spec import ModelSpec, TrainConfig
from tests.conftest import ROOT, open_page, run_until
from ui.diagnosis_view import verdict_label

TRAIN = Task.TRAIN
PAGE = "pages/7_overfitting.py"
ENV = {"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"}


def payload(model: ModelSpec, train: TrainConfig, **probes: dict) -> dict:
    return {"model": asdict(model), "train": asdict(train), "data": {"dataset": "wine"}, "probes": probes}


def run_python(script: str) -> dict:
    """Runs a script in a fresh interpreter (Keras never enters the test process)."""
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300, env=ENV
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------ the experiments
def test_experiments_are_the_course_slides() -> None:
    layers = {
        e.key: [(layer.kind, layer.units, layer.kwargs.get("activation")) for layer in e.model.layers()]
        for e in EXPERIMENTS
    }
    assert layers["baseline"] == [("Dense", 16, "relu"), ("Dense", 1, None)]
    assert layers["wider"] == [("Dense", 32, "relu"), ("Dense", 1, None)]
    assert layers["deeper"] == [("Dense", 16, "relu"), ("Dense", 16, "relu"), ("Dense", 1, None)]
    assert layers["early_stopping"] == [("Dense", 512, "relu")] * 3 + [("Dense", 1, None)]
    assert [k for k, _, _ in layers["dropout"]] == ["Dense", "Dropout"] * 3 + ["Dense"]
    assert EXPERIMENTS_BY_KEY["dropout"].model.dropout == 0.3
    assert layers["bn_after"][:2] == [("Dense", 512, "relu"), ("BatchNormalization", 512, None)]
    assert layers["bn_inside"][:3] == [
        ("Dense", 512, None),
        ("BatchNormalization", 512, None),
        ("Activation", 512, "relu"),
    ]
    for e in EXPERIMENTS:
        assert (e.train.optimizer, e.train.loss, e.train.batch_size, e.train.learning_rate) == (
            "adam",
            "mae",
            256,
            0.001,
        )
    for e in in_group("capacity"):
        assert e.train.epochs == 10 and not e.train.early_stopping  # the slides' model.fit(..., epochs=10)
    for e in in_group("remedies"):
        t = e.train
        assert (t.epochs, t.early_stopping, t.min_delta, t.patience, t.restore_best) == (500, True, 0.001, 20, True)


def test_code_reads_like_the_slides() -> None:
    deck = ROOT.parent / "shared" / "course" / "deck.txt"
    assert keras_code(EXPERIMENTS_BY_KEY["baseline"].model, EXPERIMENTS_BY_KEY["baseline"].train).splitlines()[2:5] == [
        "    layers.Dense(16, activation='relu'),",
        "    layers.Dense(1),",
        "])",
    ]
    early = keras_code(EXPERIMENTS_BY_KEY["early_stopping"].model, EXPERIMENTS_BY_KEY["early_stopping"].train)
    for line in (
        "min_delta=0.001,",
        "patience=20,",
        "restore_best_weights=True,",
        "epochs=500,",
        "callbacks=[early_stopping],",
        "batch_size=256,",
    ):
        assert line in early
    inside = keras_code(EXPERIMENTS_BY_KEY["bn_inside"].model, EXPERIMENTS_BY_KEY["bn_inside"].train)
    assert "layers.Dense(512),\n    layers.BatchNormalization(),\n    layers.Activation('relu')," in inside
    assert "layers.Dropout(rate=0.3)," in keras_code(
        EXPERIMENTS_BY_KEY["dropout"].model, EXPERIMENTS_BY_KEY["dropout"].train
    )
    if deck.is_file():  # the slide's own lines, where the course text is at hand
        text = deck.read_text(encoding="utf-8")
        for line in (
            "layers.Dense(16, activation='relu'),",
            "layers.BatchNormalization(),",
            "restore_best_weights=True,",
        ):
            assert line in text


GENERATED_CODE_SCRIPT = """
import json
out = {}
for key, code in CODES.items():
    scope = {}
    exec(code, scope)
    out[key] = scope["model"].count_params()
print(json.dumps(out))
"""


def test_generated_code_builds_the_same_models_in_keras() -> None:
    # Reference: Keras's own count_params of the model the shown code builds.
    codes = {
        e.key: "\n".join(["from tensorflow import keras", "from keras import layers", model_code(e.model)])
        for e in EXPERIMENTS
    }
    counts = run_python(GENERATED_CODE_SCRIPT.replace("CODES", repr(codes)))
    assert counts == {e.key: e.model.param_count() for e in EXPERIMENTS}


GRADIENT_SCRIPT = """
import json
import numpy as np
import keras
from dlcore.runtime.probes import GradientProbe
keras.utils.set_random_seed(1)
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)])
rng = np.random.default_rng(0)
x = rng.normal(size=(32, 3)).astype("float32")
y = rng.normal(size=32).astype("float32")
probe = GradientProbe(x, y, "mse", every=5)
reported = probe(model, 1)["gradients"]
skipped = [probe(model, e) for e in (2, 3, 4)]
again = probe(model, 5)["gradients"]

def loss(weights):
    model.layers[0].kernel.assign(weights[0]); model.layers[1].kernel.assign(weights[1])
    pred = np.asarray(model(x.astype("float64").astype("float32"))).reshape(-1)
    return float(np.mean((pred.astype("float64") - y) ** 2))

# Central finite differences of the MSE for every kernel weight.
base = [np.array(model.layers[0].kernel), np.array(model.layers[1].kernel)]
fd = []
for layer in range(2):
    grads = np.zeros_like(base[layer], dtype="float64")
    for index in np.ndindex(base[layer].shape):
        up = [w.copy() for w in base]; down = [w.copy() for w in base]
        up[layer][index] += 1e-2; down[layer][index] -= 1e-2
        grads[index] = (loss(up) - loss(down)) / 2e-2
    fd.append(float(np.mean(np.abs(grads))))
print(json.dumps({"reported": reported, "again": again, "skipped": skipped, "fd": fd}))
"""


def test_gradient_probe_matches_finite_differences() -> None:
    out = run_python(GRADIENT_SCRIPT)
    assert out["skipped"] == [None, None, None]  # every 5: epochs 1, 5, 10, …
    assert out["again"] == pytest.approx(out["reported"])
    assert out["reported"] == pytest.approx(out["fd"], rel=2e-2)


@pytest.mark.slow
def test_early_stopping_experiment_reaches_the_course_quality(run_task) -> None:
    e = EXPERIMENTS_BY_KEY["early_stopping"]
    result = run_task(TRAIN, payload(e.model, e.train, gradients={"every": 0}))
    epochs = [data for kind, data in result["_events"] if kind == "epoch"]
    val = [d["logs"]["val_loss"] for d in epochs]
    assert min(val) <= 0.10  # the course's run: about 0.09–0.095
    assert result["stop_reason"] == "early_stopping" and len(val) < 500
    samples = [d["gradients"] for d in epochs if "gradients" in d]
    assert epochs[0]["gradients"] and all(len(g) == 4 for g in samples)  # 3 hidden Dense + output
    assert len(samples) <= 1 + len(val) // 10  # every ceil(500 / 50) = 10 epochs
    assert diagnose([d["logs"]["loss"] for d in epochs], val).verdict in ("good_fit", "overfitting")


def test_sigmoid_gradients_vanish_relu_gradients_do_not(run_task) -> None:
    ratios = {}
    for key in ("deep_sigmoid", "deep_relu"):
        e = EXPERIMENTS_BY_KEY[key]
        result = run_task(TRAIN, payload(e.model, TrainConfig(epochs=2), gradients={"every": 1}))
        grads = [d["gradients"] for kind, d in result["_events"] if kind == "epoch"][-1]
        assert len(grads) == 7
        ratios[key] = grads[-1] / grads[0]  # output layer over first layer
    # Each sigmoid layer multiplies by σ' ≤ 0.25 on the way back: six of them ≥ 1000×.
    assert ratios["deep_sigmoid"] > 1000
    assert ratios["deep_relu"] < 100


# ----------------------------------------------------------------------- page
def test_page_renders_sketches_experiments_and_panel() -> None:
    at = open_page(PAGE)
    assert not at.exception
    keys = {b.key for b in at.button}
    for e in EXPERIMENTS:
        assert {f"overfit_run_{e.key}", f"overfit_load_{e.key}"} <= keys
    assert {"overfit_run_all", "overfit_clear_queue", "train"} <= keys
    assert at.slider(key="depth").value == 1 and at.number_input(key="width").value == 16  # the baseline
    captions = " ".join(c.value for c in at.caption)
    assert "Under-fitting." in captions and "Good fit." in captions and "Over-fitting from epoch" in captions
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_capacity_group_runs_in_order_and_is_diagnosed() -> None:
    at = open_page(PAGE)
    at.button(key="overfit_run_group_capacity").click().run()
    assert not at.exception
    assert len(at.session_state["queues"]["overfitting"]) == 2  # one running, two waiting
    run_until(
        at,
        lambda a: len(a.session_state["runs"].get("overfitting", [])) == 3 and not a.session_state["jobs"],
        timeout=240,
    )
    assert not at.exception
    records = at.session_state["runs"]["overfitting"]
    assert [r.meta["experiment"] for r in records] == ["baseline", "wider", "deeper"]
    for record in records:
        assert record.epochs_run == 10
        layers = 2 if record.meta["experiment"] != "deeper" else 3
        assert all(len(values) == layers for _, values in record.extras["gradients"])
    table = next(d.value for d in at.dataframe if "Diagnosis" in d.value.columns)
    assert table["Experiment"].tolist() == ["Baseline", "Wider", "Deeper"]
    for record, verdict in zip(records, table["Diagnosis"], strict=True):
        expected = diagnose(record.history["loss"], record.history["val_loss"], baseline=0.13291667)
        assert verdict == verdict_label(expected, "en")
    assert any("Best validation MAE" in c.value for c in at.caption)
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_load_into_panel_then_train_a_variant() -> None:
    at = open_page(PAGE)
    at.button(key="overfit_load_dropout").click().run()
    assert not at.exception
    assert at.slider(key="depth").value == 3 and at.number_input(key="width").value == 512
    assert at.slider(key="dropout").value == 0.3 and at.toggle(key="early_stopping").value
    assert at.number_input(key="epochs").value == 500 and at.number_input(key="patience").value == 20
    at.number_input(key="epochs").set_value(2).run()
    at.button(key="train").click().run()
    run_until(at, lambda a: not a.session_state["jobs"] and a.session_state["runs"].get("overfitting"), timeout=180)
    assert not at.exception
    record = at.session_state["runs"]["overfitting"][-1]
    assert record.meta["experiment"] is None and record.meta["model"]["dropout"] == 0.3
    assert record.epochs_run == 2 and record.extras["gradients"][0][0] == 1
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_each_page_keeps_its_own_panel_values() -> None:
    at = open_page(PAGE)
    at.slider(key="depth").set_value(5).run()
    at.switch_page("pages/6_wine.py").run()
    assert at.slider(key="depth").value == 3 and at.selectbox(key="loss").value == "mae"  # the wine defaults
    at.switch_page("pages/8_classification.py").run()
    assert at.selectbox(key="loss").value == "binary_crossentropy" and at.number_input(key="width").value == 4
    at.switch_page(PAGE).run()
    assert at.slider(key="depth").value == 5
    assert not at.exception


def test_link_sets_the_panel_and_notes_a_bad_value() -> None:
    from tests.test_links import open_link, toasts

    at = open_link(PAGE, depth="2", width="32", dropout="0.9", early_stopping="true")
    assert not at.exception
    assert at.slider(key="depth").value == 2 and at.number_input(key="width").value == 32
    assert at.toggle(key="early_stopping").value
    assert at.slider(key="dropout").value == 0.0  # 0.9 is above the slider's 0.8: the baseline's value stays
    notes = toasts(at)
    assert len(notes) == 1 and "dropout=0.9" in notes[0]
    assert at.query_params["depth"] == "2" and "dropout" not in at.query_params
