"""Why momentum works, in closed form, on the course's f(x) = 5x² − 2x + 4.

Keras's ``SGD(learning_rate=η, momentum=β)`` (``nesterov=False``, see
``keras/src/optimizers/sgd.py``) updates its velocity slot and then the
variable::

    v ← β·v − η·g        x ← x + v

On f the gradient is g = f′(x) = 10(x − x*) with x* = 0.2, so the error
e = x − x* and the velocity follow one linear recurrence
``[e, v] ← M [e, v]`` with ``M = [[1 − 10η, β], [−10η, β]]``. Its
eigenvalues, the roots of λ² − (1 + β − 10η)λ + β = 0, decide everything:
the largest |λ| is the rate (the error shrinks like rateᵗ), complex roots
spiral (the ball rolls past the minimum and back), real roots walk straight
in (positive) or jump from side to side (negative), and |λ| ≥ 1 diverges.

Pure NumPy: the page draws the map from it, the tests check it against the
recurrence itself and the worker's Keras walk against both.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from dlcore.course_function import X_MIN

CURVATURE = 10.0  # f″(x) of the course's function
ETA_MAX = 0.45  # the map's learning-rate range (0, ETA_MAX]
BETA_MAX = 0.98  # momentum range [0, BETA_MAX] (β = 1 never forgets: no friction)
ETA_STEP = 0.005
BETA_STEP = 0.02
# Within this of |λ| = 1 a run neither converges nor diverges visibly.
EDGE = 1e-9


class Region(StrEnum):
    """How a momentum walk on a quadratic behaves (text key ``momentum.region.<value>``)."""

    MONOTONE = "monotone"  # real, positive dominant root: straight in from one side
    OSCILLATING = "oscillating"  # complex roots: spirals in, overshooting and coming back
    ALTERNATING = "alternating"  # real, negative dominant root: jumps across the minimum every step
    DIVERGING = "diverging"  # largest |λ| ≥ 1: every swing larger than the last


def matrix(eta: float, beta: float, curvature: float = CURVATURE) -> np.ndarray:
    """The update of ``[e, v]`` for one Keras SGD step (e = x − x*).

    Args:
        eta: Learning rate η.
        beta: Momentum β.
        curvature: f″ (10 on the course's function).

    Returns:
        The 2 × 2 matrix M with ``[e_{t+1}, v_{t+1}] = M [e_t, v_t]``.
    """
    h = eta * curvature
    # v' = βv − ηh·e, then e' = e + v' = (1 − ηh)e + βv.
    return np.array([[1.0 - h, beta], [-h, beta]])


def eigenvalues(eta: np.ndarray | float, beta: np.ndarray | float, curvature: float = CURVATURE) -> np.ndarray:
    """Roots of λ² − (1 + β − ηh)λ + β = 0 (h = f″), element-wise.

    Args:
        eta: Learning rate(s) η.
        beta: Momentum(s) β, broadcast against ``eta``.
        curvature: f″.

    Returns:
        Complex array of shape ``broadcast(eta, beta).shape + (2,)``; the
        root of larger modulus first.
    """
    eta, beta = np.broadcast_arrays(np.asarray(eta, dtype=float), np.asarray(beta, dtype=float))
    trace = 1.0 + beta - eta * curvature  # λ₁ + λ₂
    root = np.sqrt((trace**2 - 4.0 * beta).astype(complex))
    first, second = (trace + root) / 2.0, (trace - root) / 2.0
    swap = np.abs(second) > np.abs(first)
    return np.stack([np.where(swap, second, first), np.where(swap, first, second)], axis=-1)


def rate(eta: np.ndarray | float, beta: np.ndarray | float, curvature: float = CURVATURE) -> np.ndarray:
    """The convergence rate max|λ|: the error shrinks like rateᵗ (< 1 converges)."""
    return np.abs(eigenvalues(eta, beta, curvature)[..., 0])


def region(eta: float, beta: float, curvature: float = CURVATURE) -> Region:
    """The region of one (η, β).

    Args:
        eta: Learning rate η.
        beta: Momentum β.
        curvature: f″.

    Returns:
        The region.
    """
    dominant = complex(eigenvalues(eta, beta, curvature)[0])
    if abs(dominant) >= 1.0 - EDGE:
        return Region.DIVERGING
    if abs(dominant.imag) > 0.0:
        return Region.OSCILLATING
    return Region.MONOTONE if dominant.real >= 0.0 else Region.ALTERNATING


def region_codes(eta: np.ndarray, beta: np.ndarray, curvature: float = CURVATURE) -> np.ndarray:
    """``region`` over a grid, as indices into ``list(Region)``."""
    roots = eigenvalues(eta, beta, curvature)
    dominant = roots[..., 0]
    codes = np.where(dominant.real >= 0.0, 0, 2)  # monotone, alternating
    codes = np.where(np.abs(dominant.imag) > 0.0, 1, codes)
    return np.where(np.abs(dominant) >= 1.0 - EDGE, 3, codes)


# ------------------------------------------------------- region boundaries
def complex_band(beta: np.ndarray, curvature: float = CURVATURE) -> tuple[np.ndarray, np.ndarray]:
    """The learning rates between which the roots are complex, for each β.

    The discriminant (1 + β − ηh)² − 4β is negative exactly for
    (1 − √β)² < ηh < (1 + √β)². On these two curves the two roots meet:
    it is critical damping, the fastest β for that η.

    Returns:
        ``(eta_low, eta_high)``.
    """
    root = np.sqrt(np.asarray(beta, dtype=float))
    return (1.0 - root) ** 2 / curvature, (1.0 + root) ** 2 / curvature


def stability_edge(beta: np.ndarray, curvature: float = CURVATURE) -> np.ndarray:
    """The largest stable learning rate for each β: η = 2(1 + β)/h (λ = −1).

    Momentum lets a larger step converge: 0.2 without, almost 0.4 with β → 1.
    """
    return 2.0 * (1.0 + np.asarray(beta, dtype=float)) / curvature


def best_beta(eta: np.ndarray | float, curvature: float = CURVATURE) -> np.ndarray:
    """The β with the fastest convergence for a given η: (1 − √(ηh))².

    It makes the discriminant zero (a double root of modulus √β); β larger
    spirals (rate √β grows), smaller leaves a slower real root. Beyond
    ηh = 4 no β < 1 converges; the value is then ≥ 1.
    """
    return (1.0 - np.sqrt(np.asarray(eta, dtype=float) * curvature)) ** 2


# ------------------------------------------------------------- the walk
def walk(eta: float, beta: float, x0: float, steps: int, curvature: float = CURVATURE) -> tuple[np.ndarray, np.ndarray]:
    """Keras's update rule iterated in NumPy on the course's function.

    Args:
        eta: Learning rate η.
        beta: Momentum β.
        x0: Start point.
        steps: Number of steps.
        curvature: f″.

    Returns:
        ``(x, v)``: ``steps + 1`` points (start first) and the velocity after
        each step (``steps`` values, v after step 1 first).
    """
    x = np.empty(steps + 1)
    v = np.empty(steps)
    x[0], velocity = x0, 0.0
    for k in range(steps):
        gradient = curvature * (x[k] - X_MIN)  # f′(x) = 10x − 2
        velocity = beta * velocity - eta * gradient
        v[k] = velocity
        x[k + 1] = x[k] + velocity
    return x, v


def grid(eta_max: float = ETA_MAX, beta_max: float = BETA_MAX) -> tuple[np.ndarray, np.ndarray]:
    """The map's axes: η = ETA_STEP … eta_max and β = 0 … beta_max (the sliders' values)."""
    etas = np.round(np.arange(ETA_STEP, eta_max + ETA_STEP / 2, ETA_STEP), 6)
    betas = np.round(np.arange(0.0, beta_max + BETA_STEP / 2, BETA_STEP), 6)
    return etas, betas
