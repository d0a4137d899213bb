"""Your own CSV on the classifier page: a two-value text target, a numeric
target split by a threshold, and a target that cannot be classified."""

from __future__ import annotations

import io
import json
import sys

import numpy as np
import pandas as pd

from dlcore.data import DATA_DIR
from tests.conftest import busy, open_page, page_runs, run_until

PAGE = "pages/8_classification.py"


def upload(at, name: str, data: bytes):
    at.radio(key="classification_source").set_value("upload").run()
    at.file_uploader(key="classification_upload").set_value((name, data, "text/csv")).run()
    return at


def chart_spec(at, key: str) -> dict:
    return json.loads(next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key) or key in c.proto.id).proto.spec)


def train(at, epochs: int = 2) -> object:
    at.number_input(key="epochs").set_value(epochs).run()
    at.button(key="train").click().run()
    run_until(at, lambda a: not busy(a) and page_runs(a, "classification"), timeout=180)
    assert not at.exception
    return page_runs(at, "classification")[-1]


def test_ionosphere_file_trains_and_its_results_use_its_split() -> None:
    data = (DATA_DIR / "ionosphere.csv").read_bytes()
    at = upload(open_page(PAGE), "ionosphere.csv", data)
    assert not at.exception
    assert at.selectbox(key="classification_target").value == "Class"  # the last column
    # Reference: the file read by pandas; "g" (good) is the later letter → class 1.
    raw = pd.read_csv(io.BytesIO(data))
    good = int((raw["Class"] == "g").sum())
    assert any(f"“g” → class 1 ({good:,} rows)" in c.value for c in at.caption)
    # V2 is 0 in every row and is dropped: 33 inputs, so the course network
    # Dense(4) → Dense(4) → Dense(1) has 33·4+4 + 4·4+4 + 4+1 = 161 weights.
    assert raw["V2"].nunique() == 1
    assert any("Total params: 161" in c.value for c in at.caption)
    record = train(at, 2)
    assert record.meta["data"] == {"dataset": "upload", "name": "ionosphere.csv", "target": "Class"}
    assert record.epochs_run == 2 and len(record.history["val_loss"]) == 2
    # The confusion matrix counts the uploaded file's validation rows: the
    # course split is DataFrame.sample(frac=0.7, random_state=0).
    valid = raw.drop(raw.sample(frac=0.7, random_state=0).index)
    y = (valid["Class"] == "g").to_numpy()
    cm = chart_spec(at, "classification_confusion")["data"][0]["z"]
    assert [sum(row) for row in cm] == [int((~y).sum()), int(y.sum())]
    p = np.asarray(record.predictions)
    assert cm[1][1] == int(np.sum(y & (p > 0.5)))
    assert chart_spec(at, "classification_roc")
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def numeric_table(rows: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(rows, 2))
    score = np.round(10 + 3 * x[:, 0] - 2 * x[:, 1] + rng.normal(scale=0.5, size=rows), 2)
    return pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "score": score})


def test_numeric_target_needs_a_threshold_then_trains() -> None:
    table = numeric_table()
    at = upload(open_page(PAGE), "scores.csv", table.to_csv(index=False).encode())
    assert not at.exception and not at.error
    assert at.selectbox(key="classification_target").value == "score"
    assert any("threshold" in i.value for i in at.info)
    threshold = at.number_input(key="classification_threshold")
    assert threshold.value == float(np.median(table["score"]))
    at.number_input(key="classification_threshold").set_value(11.0).run()
    ones = int((table["score"] >= 11.0).sum())  # y ≥ threshold → class 1
    assert any(f"score ≥ 11 → class 1 ({ones} rows)" in c.value for c in at.caption)
    # A threshold at the minimum puts every row into class 1: explained, not trained.
    at.number_input(key="classification_threshold").set_value(float(table["score"].min())).run()
    assert not at.exception and any("all 60 rows fall into class 1" in e.value for e in at.error)
    at.number_input(key="classification_threshold").set_value(11.0).run()
    assert not at.error
    at.slider(key="depth").set_value(1).run()
    record = train(at, 2)
    assert record.meta["data"] == {"dataset": "upload", "name": "scores.csv", "target": "score", "threshold": 11.0}
    assert record.epochs_run == 2
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_single_class_target_is_explained_and_the_bundled_sets_still_train() -> None:
    table = numeric_table().drop(columns="score").assign(label=1)
    at = upload(open_page(PAGE), "one_class.csv", table.to_csv(index=False).encode())
    assert not at.exception
    assert at.selectbox(key="classification_target").value == "label"
    assert any("single value 1 in all 60 rows" in e.value for e in at.error)
    # The page falls back to the bundled sets and stays usable.
    assert at.selectbox(key="dataset").value == "ionosphere"
    assert not at.button(key="train").disabled
    record = train(at, 1)
    assert record.meta["data"]["dataset"] == "ionosphere" and record.epochs_run == 1
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules
