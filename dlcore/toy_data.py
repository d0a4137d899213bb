"""Two-dimensional toy data sets for binary classification (numpy only).

Each generator draws ``n`` points, exactly half of each class, from a NumPy
``Generator`` seeded with ``seed``, so the same arguments always give the same
points (in the server, which draws the chart, and in the worker, which trains).
The clean shapes fit in the square [−1, 1]²; ``noise`` is the standard
deviation of Gaussian jitter added to every coordinate afterwards, as in
TensorFlow Playground.

Shapes (label 1 = positive class):

* ``circle``: a disc of radius 0.5 (1) inside a ring 0.7 ≤ r ≤ 1 (0).
* ``xor``: quadrants with x·y > 0 (1) against x·y < 0 (0).
* ``gaussian``: a cluster around (0.45, 0.45) (1) and one around
  (−0.45, −0.45) (0), each with standard deviation 0.2.
* ``spiral``: two interleaved arms r = t, θ = 2π·1.25·t (+π for class 0).
* ``moons``: two interleaved half circles (as scikit-learn's make_moons).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

TOY_KINDS: tuple[str, ...] = ("circle", "xor", "gaussian", "spiral", "moons")
GRID_SIZE = 100
SPIRAL_TURNS = 1.25


def _circle(rng: np.random.Generator, half: int) -> tuple[np.ndarray, np.ndarray]:
    # Area-uniform radii: r = R·sqrt(u) spreads points evenly over the disc.
    inner_r = 0.5 * np.sqrt(rng.uniform(0.0, 1.0, half))
    outer_r = np.sqrt(rng.uniform(0.7**2, 1.0, half))
    angles = rng.uniform(0.0, 2 * math.pi, 2 * half)
    r = np.concatenate([inner_r, outer_r])
    return np.column_stack([r * np.cos(angles), r * np.sin(angles)]), np.repeat([1.0, 0.0], half)


def _xor(rng: np.random.Generator, half: int) -> tuple[np.ndarray, np.ndarray]:
    # |x|, |y| in [0.05, 1] keeps a small gap along the axes; the signs pick
    # the quadrant: equal signs (x·y > 0) are class 1.
    magnitude = rng.uniform(0.05, 1.0, (2 * half, 2))
    sign_x = rng.choice([-1.0, 1.0], 2 * half)
    same = np.repeat([1.0, -1.0], half)  # class 1 first: sign_y = sign_x
    points = magnitude * np.column_stack([sign_x, sign_x * same])
    return points, np.repeat([1.0, 0.0], half)


def _gaussian(rng: np.random.Generator, half: int) -> tuple[np.ndarray, np.ndarray]:
    positive = rng.normal(0.45, 0.2, (half, 2))
    negative = rng.normal(-0.45, 0.2, (half, 2))
    return np.vstack([positive, negative]), np.repeat([1.0, 0.0], half)


def _spiral(rng: np.random.Generator, half: int) -> tuple[np.ndarray, np.ndarray]:
    # Arm k: r = t, θ = 2π·turns·t + kπ, t uniform in [0.05, 1].
    t = rng.uniform(0.05, 1.0, 2 * half)
    theta = 2 * math.pi * SPIRAL_TURNS * t + np.repeat([0.0, math.pi], half)
    return np.column_stack([t * np.cos(theta), t * np.sin(theta)]), np.repeat([1.0, 0.0], half)


def _moons(rng: np.random.Generator, half: int) -> tuple[np.ndarray, np.ndarray]:
    # scikit-learn's make_moons: upper arc (cos θ, sin θ) and lower arc
    # (1 − cos θ, 0.5 − sin θ), θ in [0, π]; then centred and scaled by 2/3
    # so the union spans [−1, 1] horizontally.
    theta = rng.uniform(0.0, math.pi, 2 * half)
    upper = np.column_stack([np.cos(theta[:half]), np.sin(theta[:half])])
    lower = np.column_stack([1 - np.cos(theta[half:]), 0.5 - np.sin(theta[half:])])
    points = (np.vstack([lower, upper]) - [0.5, 0.25]) * (2 / 3)
    return points, np.repeat([1.0, 0.0], half)


_GENERATORS: dict[str, Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]] = {
    "circle": _circle,
    "xor": _xor,
    "gaussian": _gaussian,
    "spiral": _spiral,
    "moons": _moons,
}


def make_toy(kind: str, n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Draws a toy data set.

    Args:
        kind: One of ``TOY_KINDS``.
        n: Number of points (even; an odd ``n`` is rounded down).
        noise: Standard deviation of the Gaussian jitter on each coordinate.
        seed: Seed of the NumPy generator.

    Returns:
        ``(x, y)``: float32 arrays of shape ``(n, 2)`` and ``(n,)``, labels
        0/1, shuffled.

    Raises:
        ValueError: For an unknown kind, fewer than 2 points or negative noise.
    """
    if kind not in _GENERATORS:
        raise ValueError(f"unknown toy data set {kind!r}")
    if n < 2 or noise < 0:
        raise ValueError(f"need n ≥ 2 and noise ≥ 0, got n={n}, noise={noise}")
    rng = np.random.default_rng(seed)
    points, labels = _GENERATORS[kind](rng, n // 2)
    # Drawn even for noise = 0 (then all zeros), so the same seed gives the
    # same clean shape and the same order whatever the noise.
    points = points + rng.normal(0.0, noise, points.shape)
    order = rng.permutation(len(labels))
    return points[order].astype(np.float32), labels[order].astype(np.float32)


@dataclass(frozen=True)
class Grid:
    """A square grid over the plane on which a model's probability is drawn.

    Attributes:
        extent: The grid spans [−extent, extent] on both axes.
        size: Points per axis.
    """

    extent: float
    size: int = GRID_SIZE

    def axis(self) -> np.ndarray:
        """The ``size`` coordinates along either axis."""
        return np.linspace(-self.extent, self.extent, self.size)

    def points(self) -> np.ndarray:
        """All grid points, shape ``(size², 2)``, row-major: row i is y = axis[i],
        so the probabilities reshape to ``(size, size)`` as a heatmap's z."""
        xx, yy = np.meshgrid(self.axis(), self.axis())
        return np.column_stack([xx.ravel(), yy.ravel()]).astype(np.float32)


def grid_for(x: np.ndarray, size: int = GRID_SIZE) -> Grid:
    """The grid that frames a data set: at least [−1.2, 1.2]², grown to the
    farthest point plus 5 %, rounded up to a tenth.

    Args:
        x: Points, shape ``(n, 2)``.
        size: Points per axis.

    Returns:
        The grid.
    """
    far = float(np.max(np.abs(x))) * 1.05 if len(x) else 0.0
    return Grid(max(1.2, math.ceil(far * 10) / 10), size)


def encode_probabilities(p: np.ndarray) -> bytes:
    """Packs probabilities into one byte each (p·255 rounded): 10 kB for a
    100 × 100 grid, precise to 0.002, plenty for a colour map."""
    return np.round(np.clip(p, 0.0, 1.0) * 255).astype(np.uint8).tobytes()


def decode_probabilities(blob: bytes, size: int) -> list[list[float]]:
    """Unpacks ``encode_probabilities`` output into ``size`` rows of ``size``
    probabilities (rounded to 3 decimals), ready for a heatmap's z."""
    values = np.frombuffer(blob, dtype=np.uint8).reshape(size, size) / 255.0
    return np.round(values, 3).tolist()
