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
from typing import Any

import numpy as np
import pandas as pd

from dlcore.toy_data import FEATURE_COLUMNS, TOY_KINDS, add_features, feature_tuple, make_toy

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


# --------------------------------------------------------------- classification
GOOD_QUALITY = 7  # wine "good": quality ≥ 7 (about 14 % of the red wines)
TABLE_CLASSIFIERS: tuple[str, ...] = ("ionosphere", "wine_good")


def ionosphere_table() -> pd.DataFrame:
    """The ionosphere radar returns with ``Class`` mapped g (good) → 1, b (bad) → 0.

    Returns:
        351 rows: the 34 features ``V1``…``V34`` and the 0/1 ``Class``.
    """
    df = load_dataset("ionosphere")
    df["Class"] = df["Class"].map({"g": 1.0, "b": 0.0})
    return df


def wine_good_table() -> pd.DataFrame:
    """The red wines with ``quality`` replaced by ``good`` = 1 if quality ≥ 7.

    Returns:
        1,599 rows: the 11 measurements and the 0/1 ``good`` column.
    """
    df = load_dataset("wine")
    df["good"] = (df.pop("quality") >= GOOD_QUALITY).astype(float)
    return df


_TABLES = {"ionosphere": (ionosphere_table, "Class"), "wine_good": (wine_good_table, "good")}


@lru_cache(maxsize=32)
def classification_split(
    dataset: str,
    *,
    train_fraction: float = 0.7,
    seed: int = 0,
    noise: float = 0.1,
    n_points: int = 400,
    features: tuple[str, ...] = (),
) -> SplitData:
    """A binary-classification split: a bundled table or a 2-D toy set.

    Tables are split and min-max scaled like the course's wine data (labels
    stay 0/1), ``seed`` being ``DataFrame.sample``'s ``random_state``. Toy
    sets (``dlcore.toy_data``) are drawn with ``seed`` and kept in plane
    coordinates (not scaled, so the decision boundary is drawn where the
    points are); their first ``round(train_fraction · n)`` shuffled points
    are the training split.

    Args:
        dataset: ``"ionosphere"``, ``"wine_good"`` or a ``TOY_KINDS`` name.
        train_fraction: Share of rows used for training.
        seed: Seed of the split (tables) or of the generator (toy sets).
        noise: Toy sets only: jitter standard deviation.
        n_points: Toy sets only: number of points.
        features: Toy sets only: extra input columns (``dlcore.toy_data.FEATURES``
            names: x1², x2², x1·x2, sin x1, sin x2), appended after x1 and x2.

    Returns:
        The split, labels as float32 0/1.

    Raises:
        ValueError: For an unknown dataset.
    """
    if dataset in _TABLES:
        make, target = _TABLES[dataset]
        return split_and_scale(make(), target, train_fraction=train_fraction, random_state=seed, scale_target=False)
    if dataset not in TOY_KINDS:
        raise ValueError(f"unknown dataset {dataset!r}")
    x, y = make_toy(dataset, n_points, noise, seed)
    x = add_features(x, features)
    n_train = min(max(int(round(train_fraction * len(y))), 1), len(y) - 1)
    names = ("x1", "x2", *(FEATURE_COLUMNS[f] for f in feature_tuple(features)))
    return SplitData(
        x_train=x[:n_train],
        y_train=y[:n_train],
        x_valid=x[n_train:],
        y_valid=y[n_train:],
        feature_names=names,
        target="label",
        minimum=pd.Series(0.0, index=[*names, "label"]),
        span=pd.Series(1.0, index=[*names, "label"]),
        train_index=np.arange(n_train),
        valid_index=np.arange(n_train, len(y)),
    )


def data_split(data: dict[str, Any]) -> SplitData:
    """The split a job payload's ``data`` names.

    Args:
        data: ``{"dataset": "wine"}`` (the course's regression split),
            ``{"dataset": "upload", "columns", "values", "target", "task"}``
            (a user's table, see ``ui.upload_view``) or
            ``{"dataset": name, **classification_split keyword arguments}``.

    Returns:
        The split.
    """
    options = dict(data)
    dataset = options.pop("dataset", "wine")
    if dataset == "wine":
        return wine_split()
    if dataset == "upload":  # a user's table, already checked by dlcore.upload
        table = pd.DataFrame(np.asarray(options["values"], dtype=np.float64), columns=options["columns"])
        return split_and_scale(table, options["target"], scale_target=options["task"] == "regression")
    if "features" in options:  # a list after JSON; the cache needs a tuple
        options["features"] = feature_tuple(options["features"])
    return classification_split(dataset, **options)
