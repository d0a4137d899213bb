"""The learning-curve diagnosis on synthetic curves of each kind."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlcore.diagnosis import constant_baseline, diagnose

EPOCHS = np.arange(1, 81, dtype=float)


def decay(start: float, end: float, tau: float) -> np.ndarray:
    """end + (start − end)·e^(−epoch/τ): a loss that falls and levels off."""
    return end + (start - end) * np.exp(-EPOCHS / tau)


def test_overfitting_from_the_validation_minimum() -> None:
    # Validation: a parabola with its minimum 0.09 at epoch 25; training keeps falling.
    train = decay(0.3, 0.02, 15)
    valid = 0.09 + 0.00004 * (EPOCHS - 25) ** 2
    d = diagnose(train, valid, baseline=0.13)
    assert d.verdict == "overfitting" and d.epoch == 25
    assert d.numbers["best_val"] == pytest.approx(0.09) and d.numbers["best_epoch"] == 25
    # The end (mean of the last 8 epochs) against the averaged minimum.
    end = float(np.mean(valid[-8:]))
    assert d.numbers["final_val"] == pytest.approx(end)
    assert d.numbers["rise"] == pytest.approx(end / d.numbers["turn_val"] - 1)
    assert d.numbers["final_train"] < d.numbers["train_at_turn"]


def test_underfitting_both_high_with_a_small_gap() -> None:
    # Both level off at 95–97 % of the constant prediction's loss.
    train = decay(0.2, 0.95 * 0.13, 5)
    valid = decay(0.2, 0.97 * 0.13, 5)
    d = diagnose(train, valid, baseline=0.13)
    assert d.verdict == "underfitting" and d.epoch is None
    assert d.numbers["baseline_ratio"] == pytest.approx(0.97, abs=1e-3)


def test_underfitting_still_falling_without_a_baseline() -> None:
    # Straight lines down: the last quarter still lowers validation by ~10 %.
    train = 0.5 - 0.004 * EPOCHS
    valid = 0.51 - 0.004 * EPOCHS
    d = diagnose(train, valid)
    assert d.verdict == "underfitting"
    assert d.numbers["recent_drop"] > 0.02 and abs(d.numbers["gap"]) < 0.15
    assert "baseline" not in d.numbers


def test_good_fit_levels_off_low() -> None:
    train = decay(0.3, 0.07, 6)
    valid = decay(0.3, 0.09, 6)
    d = diagnose(train, valid, baseline=0.13)
    assert d.verdict == "good_fit"
    assert d.numbers["baseline_ratio"] == pytest.approx(0.09 / 0.13, rel=1e-3)


def test_good_fit_survives_epoch_noise_and_a_last_epoch_spike() -> None:
    rng = np.random.default_rng(0)
    train = decay(0.3, 0.07, 6) * (1 + 0.02 * rng.standard_normal(EPOCHS.size))
    valid = decay(0.3, 0.09, 6) * (1 + 0.02 * rng.standard_normal(EPOCHS.size))
    valid[-1] *= 1.15  # one noisy epoch at the end is not a trend
    assert diagnose(train, valid, baseline=0.13).verdict == "good_fit"


def test_a_rise_too_recent_is_not_yet_overfitting() -> None:
    # The minimum is 2 epochs before the end: fewer than max(3, k = 8) epochs after it.
    train = decay(0.3, 0.05, 10)
    valid = decay(0.3, 0.09, 6)
    valid[-3] = 0.08
    assert diagnose(train, valid, baseline=0.13).verdict == "good_fit"


def test_both_losses_rising_is_unstable() -> None:
    train = np.r_[decay(0.3, 0.08, 4)[:40], 0.08 + 0.01 * np.arange(1, 41)]
    valid = train + 0.01
    d = diagnose(train, valid, baseline=0.13)
    # The averaged curve's minimum sits within k/2 = 4 epochs of the raw one.
    assert d.verdict == "unstable" and d.numbers["best_epoch"] == 40 and abs(d.epoch - 40) <= 4
    assert d.numbers["train_change"] > 0.05


def test_too_few_or_non_finite_epochs() -> None:
    assert diagnose([0.5, 0.4], [0.5, 0.45]).verdict == "too_short"
    assert diagnose([0.5, 0.4, float("nan")], [0.5, 0.45, 0.4]).verdict == "too_short"
    assert diagnose([0.5, 0.4, 0.3], [0.5, 0.45, None]).verdict == "too_short"  # type: ignore[list-item]


def test_smoothing_window_is_a_tenth_clamped() -> None:
    for n, k in ((5, 1), (40, 4), (300, 10)):
        curve = list(np.linspace(0.5, 0.1, n))
        assert diagnose(curve, curve).numbers["smoothing"] == k


def test_constant_baselines_by_hand() -> None:
    y_train = np.array([0.0, 0.0, 1.0, 1.0, 1.0])
    y_valid = np.array([1.0, 0.0])
    # BCE of the constant p = 0.6: −(log 0.6 + log 0.4) / 2.
    assert constant_baseline("binary_crossentropy", y_train, y_valid) == pytest.approx(
        -(math.log(0.6) + math.log(0.4)) / 2
    )
    # MAE of the median 1: (0 + 1) / 2; MSE of the mean 0.6: (0.16 + 0.36) / 2.
    assert constant_baseline("mae", y_train, y_valid) == pytest.approx(0.5)
    assert constant_baseline("mse", y_train, y_valid) == pytest.approx(0.26)
    # Huber (δ = 1) of the median: errors 0 and 1 → (0 + ½·1²) / 2.
    assert constant_baseline("huber", y_train, y_valid) == pytest.approx(0.25)
