"""The bundled data and the course's split and scaling."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from dlcore.data import DATA_DIR, WINE_FEATURES, load_dataset, split_and_scale, wine_split

# Checksums from shared/data/SOURCES.md (and data/README.md).
SHA256 = {
    "winequality-red.csv": "d22f4f11db0456ff21745d2fa96d26fa348a8cdb889efda65bde802085be45fd",
    "ionosphere.csv": "5dc782e8df5aec1f33a845a37563a8b8ab1fe469de8ee18668cf5b0e4bbdc9f3",
}


@pytest.mark.parametrize("name", sorted(SHA256))
def test_bundled_files_are_the_documented_ones(name: str) -> None:
    assert hashlib.sha256((DATA_DIR / name).read_bytes()).hexdigest() == SHA256[name]
    assert name in (DATA_DIR / "README.md").read_text()


def test_wine_table_matches_sources_md() -> None:
    df = load_dataset("wine")
    assert df.shape == (1599, 12)
    assert tuple(df.columns[:-1]) == WINE_FEATURES and df.columns[-1] == "quality"
    assert df["quality"].value_counts().sort_index().to_dict() == {3: 10, 4: 53, 5: 681, 6: 638, 7: 199, 8: 18}
    assert df["alcohol"].mean() == pytest.approx(10.422983, abs=1e-6)


def test_split_is_the_course_split() -> None:
    split = wine_split()
    assert split.x_train.shape == (1119, 11) and split.x_valid.shape == (480, 11)
    assert split.y_train.shape == (1119,) and split.y_valid.shape == (480,)
    # The course's own lines, as the reference.
    red_wine = pd.read_csv(DATA_DIR / "winequality-red.csv")
    df_train = red_wine.sample(frac=0.7, random_state=0)
    df_valid = red_wine.drop(df_train.index)
    max_ = df_train.max(axis=0)
    min_ = df_train.min(axis=0)
    df_train = (df_train - min_) / (max_ - min_)
    df_valid = (df_valid - min_) / (max_ - min_)
    np.testing.assert_array_equal(split.train_index, df_train.index.to_numpy())
    np.testing.assert_allclose(split.x_train, df_train.drop("quality", axis=1).to_numpy(), rtol=1e-6)
    np.testing.assert_allclose(split.x_valid, df_valid.drop("quality", axis=1).to_numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(split.y_valid, df_valid["quality"].to_numpy(), rtol=1e-6)


def test_training_split_spans_exactly_zero_to_one() -> None:
    split = wine_split()
    np.testing.assert_allclose(split.x_train.min(axis=0), 0.0)
    np.testing.assert_allclose(split.x_train.max(axis=0), 1.0)
    assert split.y_train.min() == 0.0 and split.y_train.max() == 1.0


def test_quality_points_conversion() -> None:
    split = wine_split()
    assert split.target_range == 5.0  # quality 3..8 in the training split
    assert split.unscale_target(0.0) == 3.0 and split.unscale_target(1.0) == 8.0
    assert split.unscale_target(0.094) == pytest.approx(3.47)  # 0.094 × 5 + 3
    np.testing.assert_allclose(split.unscale_target(split.y_valid), load_dataset("wine").loc[split.valid_index, "quality"])


def test_constant_column_is_shifted_not_divided_by_zero() -> None:
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "c": [5.0] * 4, "y": [0.0, 1.0, 0.0, 1.0]})
    split = split_and_scale(df, "y", train_fraction=0.5)
    assert np.isfinite(split.x_train).all() and np.isfinite(split.x_valid).all()
    np.testing.assert_array_equal(split.x_train[:, 1], 0.0)
