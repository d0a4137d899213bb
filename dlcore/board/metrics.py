"""What one posted run scored, in the board's units, and its model in one line.

Every number is read from the run's settings (``meta``) and its Keras History:

* **wine, overfitting**: the best validation MAE in wine-quality points,
  the scaled MAE (``val_loss`` of an MAE run, else Keras's ``val_mae``)
  times the quality range of the course's training split, as the wine page
  shows it (``lessons/wine/views.py``). A run on an uploaded table keeps
  the scaled MAE (its own units are unknown here) and ranks in its own group.
* **classification**: the best validation accuracy (``val_binary_accuracy``),
  and the best validation AUC (``val_auc``) where Keras recorded it; each
  data set ranks in its own group.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from typing import Any

from dlcore.data import data_split, wine_split
from dlcore.diagnosis import constant_baseline, diagnose
from dlcore.spec import ModelSpec, SettingError, TrainConfig, from_dict
from dlcore.text import t

WINE = "wine"
UPLOAD = "upload"


def data_of(meta: dict[str, Any], page: str) -> dict[str, Any]:
    """A run's data choice (``meta["data"]``); the wine pages' runs without one used the course's wine."""
    data = meta.get("data")
    if isinstance(data, dict) and data.get("dataset"):
        return data
    return {"dataset": WINE} if page != "classification" else {"dataset": "?"}


def group_of(page: str, meta: dict[str, Any]) -> str:
    """The group a run ranks in: its data set (``"upload"`` for an uploaded table)."""
    return str(data_of(meta, page)["dataset"])


def metric_key(page: str, group: str) -> str:
    """The text key stem of a board's metric (``board.metric.<key>``)."""
    if page == "classification":
        return "accuracy"
    return "mae_points" if group == WINE else "mae_scaled"


def higher_is_better(page: str) -> bool:
    """Whether a larger metric ranks first (accuracy) or a smaller one (MAE)."""
    return page == "classification"


@functools.lru_cache(maxsize=1)
def wine_quality_span() -> float:
    """Quality points per scaled unit: the training split's quality range (max − min)."""
    return float(wine_split().target_range)


def _finite(values: Sequence[Any]) -> list[float | None]:
    out: list[float | None] = []
    for value in values:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        out.append(number if math.isfinite(number) else None)
    return out


def metric_curve(page: str, meta: dict[str, Any], history: dict[str, list[float]]) -> list[float | None]:
    """The run's validation metric per epoch, in the board's units (None where not finite).

    Args:
        page: The lesson's slug.
        meta: The run's settings.
        history: Its Keras History.

    Returns:
        One value per epoch.
    """
    if page == "classification":
        return _finite(history.get("val_binary_accuracy", []))
    loss = (meta.get("train") or {}).get("loss", "mae")
    scaled = _finite(history.get("val_loss" if loss == "mae" else "val_mae", []))
    scale = wine_quality_span() if group_of(page, meta) == WINE else 1.0
    return [None if v is None else v * scale for v in scaled]


def best_of(curve: Sequence[float | None], higher: bool) -> tuple[float, int] | None:
    """The best finite value of a curve and its epoch (1-based; the first on ties), or None."""
    present = [(v, epoch) for epoch, v in enumerate(curve, 1) if v is not None]
    if not present:
        return None
    best = max(v for v, _ in present) if higher else min(v for v, _ in present)
    return best, next(epoch for v, epoch in present if v == best)


def best_auc(history: dict[str, list[float]]) -> float | None:
    """The highest validation AUC Keras recorded, or None."""
    found = best_of(_finite(history.get("val_auc", [])), higher=True)
    return found[0] if found else None


def model_spec(meta: dict[str, Any]) -> ModelSpec | None:
    """The run's ModelSpec, or None if its settings cannot be read."""
    try:
        return from_dict(ModelSpec, meta["model"])
    except (KeyError, TypeError, SettingError):
        return None


def train_config(meta: dict[str, Any]) -> TrainConfig | None:
    """The run's TrainConfig, or None if its settings cannot be read."""
    try:
        return from_dict(TrainConfig, meta["train"])
    except (KeyError, TypeError, SettingError):
        return None


def model_line(meta: dict[str, Any], lang: str) -> str:
    """The model and its training in one short line: ``3×512 relu · adam · dropout 0.3``.

    Equal hidden layers are counted (``3×512``), unequal ones listed
    (``4→3``); the learning rate shows when it is not Adam's default 0.001;
    dropout, batch normalization, weight penalties and early stopping show
    when used.

    Args:
        meta: A run's settings (``model`` and ``train`` dicts).
        lang: Text language.

    Returns:
        The line (the run's own label if its settings cannot be read).
    """
    model, train = model_spec(meta), train_config(meta)
    if model is None or train is None:
        return str(meta.get("label", "?"))
    if model.depth == 0:
        parts = [t("board.line.linear", lang)]
    else:
        layers = f"{model.depth}×{model.units[0]}" if model.is_uniform else "→".join(str(u) for u in model.units)
        parts = [f"{layers} {model.activation}"]
    optimizer = train.optimizer if train.learning_rate == 0.001 else f"{train.optimizer} {train.learning_rate:g}"
    parts.append(optimizer)
    if model.dropout:
        parts.append(t("board.line.dropout", lang, rate=model.dropout))
    if model.batchnorm != "none":
        parts.append(t(f"board.line.bn_{model.batchnorm}", lang))
    if model.l1 or model.l2:
        parts.append(t("board.line.penalty", lang, l1=model.l1, l2=model.l2))
    if train.early_stopping:
        parts.append(t("board.line.es", lang))
    return " · ".join(parts)


@functools.lru_cache(maxsize=64)
def _baseline(loss: str, data_json: str) -> float | None:
    data = json.loads(data_json)
    if data.get("dataset") in (UPLOAD, "?"):
        return None  # an uploaded table's rows are not on the server any more
    try:
        split = wine_split() if data.get("dataset") == WINE and "train_fraction" not in data else data_split(data)
    except (KeyError, ValueError, TypeError):
        return None
    return constant_baseline(loss, split.y_train, split.y_valid)


def verdict_of(page: str, meta: dict[str, Any], history: dict[str, list[float]]) -> tuple[str, int | None]:
    """The run's diagnosis (``dlcore.diagnosis``): its verdict and epoch, against the constant prediction."""
    loss = (meta.get("train") or {}).get("loss", "mae")
    baseline = _baseline(loss, json.dumps(data_of(meta, page), sort_keys=True))
    diagnosis = diagnose(history.get("loss", []), history.get("val_loss", []), baseline=baseline)
    return diagnosis.verdict, diagnosis.epoch
