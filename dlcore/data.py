"""Datasets as the course prepares them: read, split 70/30, min-max scale.

The course's code (slides "分割驗證資料" and "標準化")::

    df_train = red_wine.sample(frac=0.7, random_state=0)
    df_valid = red_wine.drop(df_train.index)
    max_ = df_train.max(axis=0)
    min_ = df_train.min(axis=0)
    df_train = (df_train - min_) / (max_ - min_)
    df_valid = (df_valid - min_) / (max_ - min_)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class BundledDataset:
    """A CSV file shipped in ``data/`` and the column a model predicts.

    Attributes:
        filename: File name inside ``data/``.
        target: Name of the column to predict.
        task: ``"regression"`` or ``"classification"``.
    """

    filename: str
    target: str
    task: str

    @property
    def path(self) -> Path:
        return DATA_DIR / self.filename


DATASETS: dict[str, BundledDataset] = {
    "wine": BundledDataset("winequality-red.csv", "quality", "regression"),
    "ionosphere": BundledDataset("ionosphere.csv", "Class", "classification"),
}

# Feature names of the red-wine data, in file order (the text catalogue
# describes each under "data.column.<name>").
WINE_FEATURES: tuple[str, ...] = (
    "fixed acidity",
    "volatile acidity",
    "citric acid",
    "residual sugar",
    "chlorides",
    "free sulfur dioxide",
    "total sulfur dioxide",
    "density",
    "pH",
    "sulphates",
    "alcohol",
)


@lru_cache(maxsize=8)
def _read_bundled(name: str) -> pd.DataFrame:
    return pd.read_csv(DATASETS[name].path)


def load_dataset(name: str) -> pd.DataFrame:
    """Reads a bundled dataset.

    Args:
        name: A key of ``DATASETS``.

    Returns:
        A fresh copy of the table (callers may modify it).
    """
    return _read_bundled(name).copy()


@dataclass(frozen=True)
class SplitData:
    """A train/validation split scaled with the training split's min and max.

    Attributes:
        x_train, y_train, x_valid, y_valid: Scaled float32 arrays.
        feature_names: Names of the feature columns.
        target: Name of the target column.
        minimum: The training split's per-column minimum (raw units),
            including the target.
        span: The training split's per-column max − min (1 for a constant
            column, which is only shifted), including the target.
        train_index, valid_index: Row labels of the original table.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_valid: np.ndarray
    y_valid: np.ndarray
    feature_names: tuple[str, ...]
    target: str
    minimum: pd.Series
    span: pd.Series
    train_index: np.ndarray
    valid_index: np.ndarray

    @property
    def target_range(self) -> float:
        """max − min of the target in the training split (raw units)."""
        return float(self.span[self.target])

    def unscale_target(self, scaled: np.ndarray | float) -> np.ndarray | float:
        """Maps scaled target values back to raw units (quality points)."""
        return scaled * self.target_range + float(self.minimum[self.target])


def split_and_scale(
    df: pd.DataFrame,
    target: str,
    *,
    train_fraction: float = 0.7,
    random_state: int = 0,
    scale_target: bool = True,
) -> SplitData:
    """Splits a table as the course does and min-max scales it.

    The split is ``df.sample(frac=train_fraction, random_state=random_state)``
    for training and the remaining rows for validation. Every column is mapped
    with x' = (x − min) / (max − min), min and max taken on the training split
    only, so no validation information leaks into the scaling. A column that is
    constant in the training split would divide by zero; it is only shifted.

    Args:
        df: Numeric table including the target column.
        target: Name of the column to predict.
        train_fraction: Share of rows used for training.
        random_state: Seed of ``DataFrame.sample``.
        scale_target: Scale the target too (regression, as in the course);
            classification targets stay 0/1.

    Returns:
        The scaled split.
    """
    df_train = df.sample(frac=train_fraction, random_state=random_state)
    df_valid = df.drop(df_train.index)
    max_ = df_train.max(axis=0)
    min_ = df_train.min(axis=0)
    span = (max_ - min_).replace(0, 1)
    if not scale_target:
        min_[target], span[target] = 0.0, 1.0
    df_train = (df_train - min_) / span
    df_valid = (df_valid - min_) / span
    features = tuple(c for c in df.columns if c != target)
    return SplitData(
        x_train=df_train[list(features)].to_numpy(np.float32),
        y_train=df_train[target].to_numpy(np.float32),
        x_valid=df_valid[list(features)].to_numpy(np.float32),
        y_valid=df_valid[target].to_numpy(np.float32),
        feature_names=features,
        target=target,
        minimum=min_,
        span=span,
        train_index=df_train.index.to_numpy(),
        valid_index=df_valid.index.to_numpy(),
    )


@lru_cache(maxsize=4)
def wine_split() -> SplitData:
    """The course's red-wine split: 1,119 training and 480 validation rows."""
    return split_and_scale(load_dataset("wine"), "quality")
