"""The 2-D toy generators, the classification tables and the grid codec."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from dlcore.data import DATA_DIR, classification_split, data_split, ionosphere_table, wine_good_table
from dlcore.toy_data import (
    SPIRAL_TURNS,
    TOY_KINDS,
    Grid,
    decode_probabilities,
    encode_probabilities,
    grid_for,
    make_toy,
)


@pytest.mark.parametrize("kind", TOY_KINDS)
def test_shapes_types_and_exact_class_balance(kind: str) -> None:
    x, y = make_toy(kind, 300, 0.1, seed=3)
    assert x.shape == (300, 2) and y.shape == (300,)
    assert x.dtype == np.float32 and y.dtype == np.float32
    assert set(np.unique(y)) == {0.0, 1.0}
    assert int(y.sum()) == 150  # exactly half of each class
    assert np.isfinite(x).all()


@pytest.mark.parametrize("kind", TOY_KINDS)
def test_same_seed_same_points_other_seed_other_points(kind: str) -> None:
    first, again, other = make_toy(kind, 200, 0.2, 7), make_toy(kind, 200, 0.2, 7), make_toy(kind, 200, 0.2, 8)
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("kind", TOY_KINDS)
def test_noise_is_gaussian_jitter_of_the_given_size(kind: str) -> None:
    # Same seed: the same clean shape and order, so the difference is the jitter.
    clean, labels = make_toy(kind, 4000, 0.0, 11)
    noisy, noisy_labels = make_toy(kind, 4000, 0.25, 11)
    np.testing.assert_array_equal(labels, noisy_labels)
    jitter = noisy - clean
    assert jitter.std() == pytest.approx(0.25, rel=0.05)
    assert abs(jitter.mean()) < 0.02


def test_odd_count_rounds_down_and_bad_arguments_are_refused() -> None:
    x, y = make_toy("xor", 51, 0.0, 0)
    assert len(x) == 50 and y.sum() == 25
    with pytest.raises(ValueError):
        make_toy("donut", 10, 0.0, 0)
    with pytest.raises(ValueError):
        make_toy("circle", 10, -0.1, 0)


def test_clean_circle_disc_inside_ring() -> None:
    x, y = make_toy("circle", 2000, 0.0, 1)
    r = np.hypot(x[:, 0], x[:, 1])
    assert r[y == 1].max() <= 0.5 + 1e-6
    assert r[y == 0].min() >= 0.7 - 1e-6 and r[y == 0].max() <= 1.0 + 1e-6


def test_clean_xor_label_is_the_sign_of_the_product() -> None:
    x, y = make_toy("xor", 2000, 0.0, 2)
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] > 0).astype(np.float32))
    assert np.abs(x).min() >= 0.05 - 1e-6 and np.abs(x).max() <= 1.0 + 1e-6


def test_gaussian_clusters_centres_and_spread() -> None:
    x, y = make_toy("gaussian", 4000, 0.0, 3)
    np.testing.assert_allclose(x[y == 1].mean(axis=0), [0.45, 0.45], atol=0.02)
    np.testing.assert_allclose(x[y == 0].mean(axis=0), [-0.45, -0.45], atol=0.02)
    np.testing.assert_allclose(x[y == 1].std(axis=0), [0.2, 0.2], rtol=0.06)


def test_clean_spiral_points_lie_on_their_arm() -> None:
    # Arm k: radius t and angle 2π·turns·t + kπ (k = 0 for class 1, 1 for class 0).
    x, y = make_toy("spiral", 1000, 0.0, 4)
    r = np.hypot(x[:, 0], x[:, 1])
    angle = np.arctan2(x[:, 1], x[:, 0])
    expected = 2 * math.pi * SPIRAL_TURNS * r + np.where(y == 1, 0.0, math.pi)
    wrapped = np.angle(np.exp(1j * (angle - expected)))  # difference modulo 2π, in (−π, π]
    np.testing.assert_allclose(wrapped, 0.0, atol=1e-4)


def test_clean_moons_lie_on_their_half_circles() -> None:
    # Undo the centring and scaling, then compare with make_moons' arcs.
    x, y = make_toy("moons", 1000, 0.0, 5)
    raw = x / (2 / 3) + [0.5, 0.25]
    upper, lower = raw[y == 0], raw[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, atol=1e-5)
    assert (upper[:, 1] >= -1e-6).all()
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0, atol=1e-5)
    assert (lower[:, 1] <= 0.5 + 1e-6).all()


def test_ionosphere_loads_351_rows_with_225_good() -> None:
    # Reference: the raw CSV read with the csv module.
    with open(DATA_DIR / "ionosphere.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    df = ionosphere_table()
    assert len(df) == len(rows) == 351
    assert df.shape[1] == 35
    assert df["Class"].tolist() == [1.0 if row["Class"] == "g" else 0.0 for row in rows]
    assert int(df["Class"].sum()) == 225


def test_wine_good_is_quality_seven_or_more() -> None:
    df = wine_good_table()
    assert "quality" not in df.columns and df.shape == (1599, 12)
    assert int(df["good"].sum()) == 199 + 18  # quality 7 and 8 (see tests/unit/test_data.py)
    assert df["good"].mean() == pytest.approx(0.1357, abs=1e-4)


def test_table_split_is_the_course_split_with_unscaled_labels() -> None:
    split = classification_split("ionosphere")
    df = ionosphere_table()
    train = df.sample(frac=0.7, random_state=0)
    assert split.x_train.shape == (246, 34) and split.x_valid.shape == (105, 34)
    np.testing.assert_array_equal(split.train_index, train.index.to_numpy())
    np.testing.assert_array_equal(split.y_train, train["Class"].to_numpy(np.float32))
    np.testing.assert_allclose(split.x_train.max(axis=0)[2:], 1.0)  # V1 is 0/1, V2 constant 0
    assert set(np.unique(split.y_valid)) == {0.0, 1.0}


def test_toy_split_takes_the_first_share_for_training() -> None:
    split = data_split({"dataset": "moons", "noise": 0.1, "n_points": 200, "train_fraction": 0.6, "seed": 9})
    x, y = make_toy("moons", 200, 0.1, 9)
    assert len(split.y_train) == 120 and len(split.y_valid) == 80
    np.testing.assert_array_equal(np.vstack([split.x_train, split.x_valid]), x)
    np.testing.assert_array_equal(np.r_[split.y_train, split.y_valid], y)


def test_unknown_dataset_is_refused() -> None:
    with pytest.raises(ValueError):
        classification_split("mnist")


def test_grid_frames_the_points_and_is_row_major_in_y() -> None:
    x = np.array([[0.1, -1.9], [0.3, 0.2]], dtype=np.float32)
    grid = grid_for(x, size=5)
    assert grid.extent == pytest.approx(2.0)  # 1.9 · 1.05 = 1.995 → 2.0
    assert grid_for(np.zeros((3, 2)), 5).extent == 1.2  # the minimum frame
    points = Grid(1.0, 3).points()
    assert points.tolist() == [[-1, -1], [0, -1], [1, -1], [-1, 0], [0, 0], [1, 0], [-1, 1], [0, 1], [1, 1]]


def test_probability_codec_is_one_byte_each_and_precise_to_half_a_step() -> None:
    p = np.linspace(0.0, 1.0, 10_000)
    blob = encode_probabilities(p)
    assert isinstance(blob, bytes) and len(blob) == 10_000
    z = decode_probabilities(blob, 100)
    assert len(z) == 100 and all(len(row) == 100 for row in z)
    assert np.abs(np.asarray(z).ravel() - p).max() <= 1 / 510 + 5e-4  # rounding to 1/255, then 3 decimals
    assert decode_probabilities(encode_probabilities(np.array([-0.5, 1.5, 0.5, 1.0])), 2) == [[0.0, 1.0], [0.502, 1.0]]


def test_pandas_sample_reference_for_wine_good() -> None:
    split = classification_split("wine_good", train_fraction=0.5, seed=3)
    reference = wine_good_table().sample(frac=0.5, random_state=3)
    np.testing.assert_array_equal(split.y_train, reference["good"].to_numpy(np.float32))
    np.testing.assert_array_equal(split.valid_index, wine_good_table().drop(reference.index).index.to_numpy())
