"""Exported Keras scripts run, and build the same model the app trains."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dlcore.data import DATA_DIR
from dlcore.export import DataSource, keras_script, model_code, notebook
from dlcore.spec import ModelSpec, TrainConfig

REPORT = """
import json as _json
print("EXPORT-REPORT " + _json.dumps({
    "count": model.count_params(),
    "layers": [type(layer).__name__ for layer in model.layers],
    "epochs": len(history.history["loss"]),
}))
"""

CONFIGS = {
    "course wine model": (ModelSpec(n_inputs=11), TrainConfig()),
    "linear unit, sgd": (ModelSpec(n_inputs=11, units=()), TrainConfig(optimizer="sgd", learning_rate=0.1, loss="mse")),
    "early stopping, dropout, batchnorm inside": (
        ModelSpec(n_inputs=11, units=(16, 16), dropout=0.3, batchnorm="before_activation", l2=0.001),
        TrainConfig(early_stopping=True, epochs=500, optimizer="nesterov", momentum=0.8, learning_rate=0.03),
    ),
    "unequal layers, batchnorm after, huber": (
        ModelSpec(n_inputs=11, units=(32, 8), batchnorm="after", activation="elu"),
        TrainConfig(loss="huber"),
    ),
}


def run_script(code: str, tmp_path: Path) -> dict:
    for name in ("winequality-red.csv", "ionosphere.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    script = tmp_path / "exported.py"
    script.write_text(code + REPORT)
    proc = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        env={"MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(row for row in proc.stdout.splitlines() if row.startswith("EXPORT-REPORT "))
    return {**json.loads(line.split(" ", 1)[1]), "stdout": proc.stdout, "stderr": proc.stderr}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_exported_script_runs_and_matches_the_app_model(name: str, tmp_path: Path) -> None:
    spec, config = CONFIGS[name]
    report = run_script(keras_script(spec, config, epochs=2), tmp_path)
    assert report["count"] == spec.param_count()
    assert report["layers"] == [layer.kind for layer in spec.layers()]
    assert 1 <= report["epochs"] <= 2
    assert "Best validation loss" in report["stdout"]


def test_course_model_is_written_like_the_slide() -> None:
    code = model_code(ModelSpec(n_inputs=11))
    assert code == (
        "model = keras.Sequential([\n"
        "    keras.Input(shape=(11,)),\n"
        "    layers.Dense(512, activation='relu'),\n"
        "    layers.Dense(512, activation='relu'),\n"
        "    layers.Dense(512, activation='relu'),\n"
        "    layers.Dense(1),\n"
        "])"
    )
    script = keras_script(ModelSpec(n_inputs=11), TrainConfig())
    for line in (
        "red_wine = pd.read_csv('winequality-red.csv')",
        "df_train = red_wine.sample(frac=0.7, random_state=0)",
        "df_valid = red_wine.drop(df_train.index)",
        "    optimizer='adam',",
        "    loss='mae',",
        "    batch_size=256,",
        "    epochs=10,",
    ):
        assert line in script


def test_early_stopping_block_is_the_course_one() -> None:
    script = keras_script(ModelSpec(n_inputs=11), TrainConfig(early_stopping=True, epochs=500))
    assert "early_stopping = EarlyStopping(\n    min_delta=0.001,\n    patience=20,\n    restore_best_weights=True,\n)" in script
    assert "    callbacks=[early_stopping],\n" in script and "    epochs=500,\n" in script


def test_notebook_holds_the_same_code() -> None:
    spec, config = CONFIGS["early stopping, dropout, batchnorm inside"]
    document = json.loads(notebook(spec, config))
    assert document["nbformat"] == 4
    code_cells = ["".join(cell["source"]) for cell in document["cells"] if cell["cell_type"] == "code"]
    script = keras_script(spec, config)
    for code in code_cells:
        assert code in script
    assert sum(len(c) for c in code_cells) > 0.8 * len(script.split("# Imports", 1)[1])


@pytest.mark.parametrize(
    "source",
    [
        DataSource("ionosphere.csv", "Class", classification=True, positive="g"),
        DataSource("winequality-red.csv", "quality", classification=True, threshold=7),
    ],
    ids=["ionosphere", "wine good"],
)
def test_exported_classifier_script_runs(source: DataSource, tmp_path: Path) -> None:
    n_inputs = 34 if source.csv == "ionosphere.csv" else 11
    spec = ModelSpec(n_inputs=n_inputs, units=(4, 4), output_activation="sigmoid")
    config = TrainConfig(loss="binary_crossentropy")
    script = keras_script(spec, config, source, epochs=2)
    assert "metrics=['binary_accuracy']," in script and "loss='binary_crossentropy'," in script
    report = run_script(script, tmp_path)
    assert report["count"] == spec.param_count()
    assert report["layers"] == [layer.kind for layer in spec.layers()]
