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

import base64
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

TOY_KINDS: tuple[str, ...] = ("circle", "xor", "gaussian", "spiral", "moons")
GRID_SIZE = 100
NEURON_GRID = 25  # points per axis of the neuron view's unit maps: 625 bytes a map
SPIRAL_TURNS = 1.25
# Optional input features as TensorFlow Playground offers them, in column
# order after x1 and x2. Each name maps to (column name, closed form).
FEATURES: tuple[str, ...] = ("x1sq", "x2sq", "x1x2", "sin1", "sin2")
FEATURE_COLUMNS: dict[str, str] = {"x1sq": "x1^2", "x2sq": "x2^2", "x1x2": "x1*x2", "sin1": "sin(x1)", "sin2": "sin(x2)"}
# The same closed forms as the exported script writes them (x1, x2 are its columns).
FEATURE_CODE: dict[str, str] = {"x1sq": "x1 ** 2", "x2sq": "x2 ** 2", "x1x2": "x1 * x2", "sin1": "np.sin(x1)", "sin2": "np.sin(x2)"}
_FEATURE_FORMS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1sq": lambda a, b: a * a,
    "x2sq": lambda a, b: b * b,
    "x1x2": lambda a, b: a * b,
    "sin1": lambda a, b: np.sin(a),
    "sin2": lambda a, b: np.sin(b),
}


def feature_tuple(features: object) -> tuple[str, ...]:
    """The chosen features in canonical order (unknown names dropped), so the
    same choice always gives the same columns, cache key and link.

    Args:
        features: Names (any iterable; None or empty for none).

    Returns:
        A tuple in ``FEATURES`` order.
    """
    chosen = set(features or ())
    return tuple(f for f in FEATURES if f in chosen)


def add_features(x: np.ndarray, features: tuple[str, ...] | list[str]) -> np.ndarray:
    """``x`` (columns x1, x2) with the chosen feature columns appended.

    The single place the columns are derived: the data split, the boundary
    and neuron grids all call it, so a model sees the same columns everywhere.

    Args:
        x: Points, shape ``(n, 2)``.
        features: Names from ``FEATURES`` (appended in ``FEATURES`` order).

    Returns:
        A float32 array of shape ``(n, 2 + len(features))``.
    """
    x = np.asarray(x, dtype=np.float32)
    chosen = feature_tuple(features)
    if not chosen:
        return x
    a, b = x[:, 0], x[:, 1]
    extra = [_FEATURE_FORMS[name](a, b) for name in chosen]
    return np.column_stack([x, *extra]).astype(np.float32)


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
        features: Extra input columns the model expects (``FEATURES``
            names); ``points`` appends them.
    """

    extent: float
    size: int = GRID_SIZE
    features: tuple[str, ...] = ()

    def axis(self) -> np.ndarray:
        """The ``size`` coordinates along either axis."""
        return np.linspace(-self.extent, self.extent, self.size)

    def points(self) -> np.ndarray:
        """All grid points, shape ``(size², 2)``, row-major: row i is y = axis[i],
        so the probabilities reshape to ``(size, size)`` as a heatmap's z.
        With ``features``, their columns follow (the model's inputs)."""
        xx, yy = np.meshgrid(self.axis(), self.axis())
        return add_features(np.column_stack([xx.ravel(), yy.ravel()]), self.features)


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


def encode_signed(values: np.ndarray) -> tuple[str, float]:
    """Packs values of any range into one byte each around their largest
    magnitude (base64 text, so a run's extras stay JSON).

    Args:
        values: The values (any shape).

    Returns:
        ``(text, scale)``: byte b stands for (b / 127.5 − 1) · scale, precise
        to scale / 255.
    """
    values = np.asarray(values, dtype=np.float64)
    scale = float(np.max(np.abs(values))) if values.size else 0.0
    scale = scale if np.isfinite(scale) and scale > 0 else 1.0
    packed = np.round((np.clip(values / scale, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)
    return base64.b64encode(packed.tobytes()).decode("ascii"), round(scale, 6)


def decode_signed(text: str, scale: float, shape: tuple[int, ...]) -> np.ndarray:
    """Unpacks ``encode_signed`` output into an array of ``shape``."""
    packed = np.frombuffer(base64.b64decode(text), dtype=np.uint8).reshape(shape)
    return (packed / 127.5 - 1.0) * scale


def decode_probability_text(text: str, size: int) -> list[list[float]]:
    """``decode_probabilities`` of base64 text (the neuron probe's output map)."""
    return decode_probabilities(base64.b64decode(text), size)


def decode_probabilities(blob: bytes, size: int) -> list[list[float]]:
    """Unpacks ``encode_probabilities`` output into ``size`` rows of ``size``
    probabilities (rounded to 3 decimals), ready for a heatmap's z."""
    values = np.frombuffer(blob, dtype=np.uint8).reshape(size, size) / 255.0
    return np.round(values, 3).tolist()
