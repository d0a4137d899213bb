"""Minibatch SGD on a line y = w·x + b: data, schedule and settings.

Pure Python and NumPy (no Keras). The trajectory itself comes from
``lessons.sgd.tasks``, where ``keras.optimizers.SGD`` updates w and b from
``tf.GradientTape`` gradients of each minibatch's MSE in a worker process.

The data are n points x ~ U(−2, 2), y = 2x + 1 + ε with ε ~ N(0, 0.5²),
drawn from a seeded generator. Each epoch shuffles the indices with a
second seeded generator and cuts them into minibatches of ``batch_size``
(the last one smaller when ``batch_size`` does not divide n), as
``model.fit(..., shuffle=True)`` does; one epoch is ⌈n / batch_size⌉ steps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from dlcore.spec import SettingError, check_range

TRUE_W = 2.0
TRUE_B = 1.0
NOISE_STD = 0.5
X_RANGE: tuple[float, float] = (-2.0, 2.0)
START: tuple[float, float] = (-1.0, 3.0)  # (w₀, b₀): far enough to see the walk
W_RANGE: tuple[float, float] = (-1.5, 3.0)  # the (w, b) plane drawn on the right
B_RANGE: tuple[float, float] = (0.0, 3.5)
MAX_STEPS = 3000
DIVERGED_MSE = 1e6
EXCESS_FLOOR = 1e-10  # MSE − lowest MSE below this is drawn here (log axis)
CONTOUR_LEVELS = 20
LEARNING_RATES: tuple[float, ...] = (0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)
SAMPLE_RANGE: tuple[int, int] = (10, 200)
EPOCH_RANGE: tuple[int, int] = (1, 50)


@dataclass(frozen=True)
class SgdSettings:
    """One minibatch-SGD run.

    Attributes:
        learning_rate: Step size η.
        batch_size: Samples per minibatch (1 … n_samples).
        n_samples: Number of data points n.
        epochs: Passes over the data.
        seed: Seed of the data noise and of the shuffles.
    """

    learning_rate: float = 0.1
    batch_size: int = 8
    n_samples: int = 64
    epochs: int = 10
    seed: int = 0

    def __post_init__(self) -> None:
        check_range("learning_rate", self.learning_rate, 1e-6, 10.0)
        check_range("n_samples", self.n_samples, *SAMPLE_RANGE)
        check_range("batch_size", self.batch_size, 1, self.n_samples)
        check_range("epochs", self.epochs, *EPOCH_RANGE)
        check_range("seed", self.seed, 0, 2**31 - 1)
        if self.total_steps > MAX_STEPS:
            raise SettingError("sgd.error.too_many_steps", steps=self.total_steps, limit=MAX_STEPS)

    @property
    def steps_per_epoch(self) -> int:
        """⌈n / batch_size⌉: the number of minibatches in one epoch."""
        return steps_per_epoch(self.n_samples, self.batch_size)

    @property
    def total_steps(self) -> int:
        return self.epochs * self.steps_per_epoch

    def to_payload(self) -> dict[str, Any]:
        """The task payload (the compute cache key)."""
        return asdict(self)


def steps_per_epoch(n_samples: int, batch_size: int) -> int:
    """⌈n / batch_size⌉ minibatches make one epoch."""
    return -(-n_samples // batch_size)


def max_epochs(n_samples: int, batch_size: int) -> int:
    """The most epochs that keep a run within ``MAX_STEPS`` steps."""
    return max(EPOCH_RANGE[0], min(EPOCH_RANGE[1], MAX_STEPS // steps_per_epoch(n_samples, batch_size)))


def _generators(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    # Two independent streams: the data stay the same when only the
    # shuffling changes and vice versa.
    data_seq, shuffle_seq = np.random.SeedSequence(seed).spawn(2)
    return np.random.default_rng(data_seq), np.random.default_rng(shuffle_seq)


def make_data(n_samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n points around the true line y = 2x + 1 with Gaussian noise (σ = 0.5).

    Args:
        n_samples: Number of points.
        seed: Seed of the generator.

    Returns:
        ``(x, y)`` as float64 arrays.
    """
    rng, _ = _generators(seed)
    x = rng.uniform(*X_RANGE, n_samples)
    y = TRUE_W * x + TRUE_B + rng.normal(0.0, NOISE_STD, n_samples)
    return x, y


def minibatch_schedule(n_samples: int, batch_size: int, epochs: int, seed: int) -> list[list[int]]:
    """The minibatches of every step: each epoch a fresh seeded permutation of
    the indices, cut into consecutive slices of ``batch_size``.

    Args:
        n_samples: Number of data points.
        batch_size: Samples per minibatch.
        epochs: Passes over the data.
        seed: Seed of the shuffles.

    Returns:
        One list of sample indices per step, in step order.
    """
    _, rng = _generators(seed)
    batches = []
    for _ in range(epochs):
        order = rng.permutation(n_samples)
        batches += [order[i : i + batch_size].tolist() for i in range(0, n_samples, batch_size)]
    return batches


def least_squares(x: Sequence[float], y: Sequence[float]) -> tuple[float, float]:
    """The best line for the data (NumPy's least-squares ``polyfit``): (w, b)."""
    w, b = np.polyfit(np.asarray(x), np.asarray(y), 1)
    return float(w), float(b)


def stable_prefix(losses: Sequence[float | None]) -> int:
    """Number of leading steps before a run diverged: the first step whose
    MSE is not finite or above ``DIVERGED_MSE`` (the start's is about 16)."""
    for i, v in enumerate(losses):
        if v is None or not math.isfinite(v) or v > DIVERGED_MSE:
            return i
    return len(losses)
