"""Reading learning curves: under-fitting, over-fitting or a good fit.

The verdict is computed from a run's own training and validation losses
(``history["loss"]`` and ``history["val_loss"]``), never chosen in advance.
With V the validation curve and L the training curve over n epochs, each
averaged over k = clamp(n/10, 1, 10) neighbouring epochs (single epochs are
noisy), e* the epoch where the averaged V is lowest (V*), and the end of a
curve read as the mean of its last k epochs (V_end, L_end):

* **over-fitting from epoch e\\***: V_end ≥ (1 + ``rise``)·V*, at least
  max(``min_epochs_after``, k) epochs after e*, while the training loss did
  not rise as much (L_end < (1 + ``rise``)·L at e*): the model learns noise
  of the training set.
* **unstable**: the validation loss rose as much but the training loss rose
  too: the optimisation itself went wrong (too high a learning rate).
* **under-fitting**: the lowest validation loss is within ``high`` of the
  loss of the best constant prediction (min V ≥ (1 − high) · baseline: both
  losses high), or both curves were still falling (the last quarter of the
  epochs lowered the averaged validation loss by at least ``still_falling``)
  with a small gap between them (|V_end − L_end| ≤ ``gap`` · V_end): more
  training or more capacity would help.
* **good fit**: none of these: the validation loss levelled off near its
  minimum.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

VERDICTS: tuple[str, ...] = ("too_short", "overfitting", "unstable", "underfitting", "good_fit")


@dataclass(frozen=True)
class Thresholds:
    """The tolerances of ``diagnose`` (all relative).

    Attributes:
        rise: Rise of the validation loss above its minimum that counts
            (and the rise of the training loss that makes a run unstable).
        min_epochs_after: Epochs after the minimum the rise must span.
        high: Best validation loss within this share of the constant
            prediction's loss counts as high.
        still_falling: Drop of the validation loss over the last quarter of
            the epochs that counts as still improving.
        gap: Largest |V_end − L_end| / V_end that counts as a small gap.
        min_epochs: Fewer epochs than this cannot be read.
    """

    rise: float = 0.05
    min_epochs_after: int = 3
    high: float = 0.1
    still_falling: float = 0.02
    gap: float = 0.15
    min_epochs: int = 3


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Diagnosis:
    """A verdict and the numbers it was read from.

    Attributes:
        verdict: One of ``VERDICTS``.
        epoch: For over-fitting and unstable runs, e*: the epoch of the
            (averaged) validation minimum after which the curves part; else None.
        numbers: The measurements used (``epochs``, ``smoothing`` (k),
            ``best_epoch`` and ``best_val`` (the raw minimum), ``turn_epoch``
            and ``turn_val`` (e* and V*), ``final_val``, ``final_train``,
            ``train_at_turn``, ``rise``, ``train_change``, ``gap``,
            ``recent_drop``, and ``baseline`` and ``baseline_ratio`` when a
            baseline was given).
    """

    verdict: str
    epoch: int | None = None
    numbers: dict[str, float] = field(default_factory=dict)


def _clean(values: Sequence[float | None]) -> np.ndarray:
    return np.array([v if v is not None and math.isfinite(v) else np.nan for v in values], dtype=float)


def diagnose(
    train: Sequence[float | None],
    valid: Sequence[float | None],
    *,
    baseline: float | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Diagnosis:
    """Reads a run's learning curves (see the module docstring for the rules).

    Args:
        train: Training loss per epoch.
        valid: Validation loss per epoch (same length).
        baseline: Validation loss of the best constant prediction, if known
            (``constant_baseline``); lets "high" be judged absolutely.
        thresholds: Tolerances.

    Returns:
        The diagnosis.
    """
    train_arr, valid_arr = _clean(train), _clean(valid)
    n = min(len(train_arr), len(valid_arr))
    train_arr, valid_arr = train_arr[:n], valid_arr[:n]
    if n < thresholds.min_epochs or np.isnan(valid_arr).all() or np.isnan(train_arr[-1]) or np.isnan(valid_arr[-1]):
        return Diagnosis("too_short", numbers={"epochs": n})

    # Single epochs are noisy (minibatch order, dropout), so trends are read
    # on curves averaged over k = n/10 epochs (clamped to 1…10).
    k = max(1, min(10, n // 10))
    smooth_valid, smooth_train = _moving_average(valid_arr, k), _moving_average(train_arr, k)
    best_index = int(np.nanargmin(valid_arr))
    turn_index = int(np.nanargmin(smooth_valid))
    best_val = float(valid_arr[best_index])
    turn_val = float(smooth_valid[turn_index])
    final_val = float(np.nanmean(valid_arr[-k:]))
    final_train = float(np.nanmean(train_arr[-k:]))
    train_at_turn = float(smooth_train[turn_index])
    rise = final_val / turn_val - 1 if turn_val > 0 else 0.0
    train_change = final_train / train_at_turn - 1 if train_at_turn > 0 else 0.0
    gap = (final_val - final_train) / final_val if final_val > 0 else 0.0
    # Still falling: how much the last quarter lowered the (averaged)
    # validation loss below its best before that quarter.
    window = max(2, n // 4)
    before, recent = smooth_valid[: n - window], smooth_valid[n - window :]
    earlier_best = float(np.nanmin(before)) if before.size else float(smooth_valid[0])
    recent_drop = (earlier_best - float(np.nanmin(recent))) / earlier_best if earlier_best > 0 else 0.0
    numbers = {
        "epochs": n,
        "smoothing": k,
        "best_epoch": best_index + 1,
        "best_val": best_val,
        "turn_epoch": turn_index + 1,
        "turn_val": turn_val,
        "final_val": final_val,
        "final_train": final_train,
        "train_at_turn": train_at_turn,
        "rise": rise,
        "train_change": train_change,
        "gap": gap,
        "recent_drop": recent_drop,
    }
    if baseline is not None and baseline > 0:
        numbers["baseline"] = float(baseline)
        numbers["baseline_ratio"] = best_val / baseline

    parted = rise >= thresholds.rise and n - (turn_index + 1) >= max(thresholds.min_epochs_after, k)
    if parted and train_change < thresholds.rise:
        return Diagnosis("overfitting", turn_index + 1, numbers)
    if parted:
        return Diagnosis("unstable", turn_index + 1, numbers)
    high = baseline is not None and baseline > 0 and best_val >= (1 - thresholds.high) * baseline
    still_falling = recent_drop >= thresholds.still_falling and abs(gap) <= thresholds.gap
    if high or still_falling:
        return Diagnosis("underfitting", None, numbers)
    return Diagnosis("good_fit", None, numbers)


def _moving_average(values: np.ndarray, k: int) -> np.ndarray:
    """Centred mean over k epochs (fewer at the ends), ignoring NaN."""
    if k <= 1:
        return values.copy()
    kernel = np.ones(k)
    present = ~np.isnan(values)
    sums = np.convolve(np.where(present, values, 0.0), kernel, mode="same")
    counts = np.convolve(present.astype(float), kernel, mode="same")
    return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def constant_baseline(loss: str, y_train: np.ndarray, y_valid: np.ndarray) -> float:
    """Validation loss of the best constant prediction fitted on the training set.

    The constant that minimises each loss on the training targets: the median
    for MAE (and, approximately, Huber), the mean for MSE, the positive rate
    p for binary cross-entropy. Its validation loss is what a model that
    learned nothing from the features would score.

    Args:
        loss: ``"mae"``, ``"mse"``, ``"huber"`` or ``"binary_crossentropy"``.
        y_train: Training targets.
        y_valid: Validation targets.

    Returns:
        The constant prediction's loss on the validation targets.
    """
    y_train = np.asarray(y_train, dtype=float)
    y_valid = np.asarray(y_valid, dtype=float)
    if loss == "binary_crossentropy":
        # BCE = −mean(y·log p + (1 − y)·log(1 − p)), p clipped like Keras (1e−7).
        p = float(np.clip(y_train.mean(), 1e-7, 1 - 1e-7))
        return float(-np.mean(y_valid * np.log(p) + (1 - y_valid) * np.log(1 - p)))
    if loss == "mse":
        return float(np.mean((y_valid - y_train.mean()) ** 2))
    c = float(np.median(y_train))
    errors = np.abs(y_valid - c)
    if loss == "huber":
        # Keras's Huber with δ = 1: ½e² for |e| ≤ 1, else |e| − ½.
        return float(np.mean(np.where(errors <= 1.0, 0.5 * errors**2, errors - 0.5)))
    return float(np.mean(errors))
