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
from tests.conftest import ROOT

TRAIN = Task.TRAIN
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
