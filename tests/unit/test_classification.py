"""Binary classification: ROC/AUC and confusion maths, the training job's
classifier path and boundary probe, quality bars, and the page in AppTest."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from dlcore.data import data_split
from dlcore.runtime.tasks import Task
from dlcore.toy_data import GRID_SIZE, Grid, grid_for
from lessons.classification.model import SUGGESTIONS, auc, confusion, majority_accuracy, roc_curve

TRAIN = Task.TRAIN


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
