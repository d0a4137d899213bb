"""Gradient descent on the course's function f(x) = 5x² − 2x + 4.

f'(x) = 10x − 2 (the slide prints 10x + 2), so the minimum is at x* = 0.2
with f(x*) = 3.8. A step is x ← x − η·f'(x). Writing e = x − x*, a step maps
e to (1 − 10η)·e, so the learning rate η alone decides the behaviour:

* 0 < η < 0.1: 0 < 1 − 10η < 1, monotone convergence;
* η = 0.1: the factor is 0, one step lands on the minimum;
* 0.1 < η < 0.2: −1 < factor < 0, the point jumps across and converges;
* η = 0.2: factor −1, it bounces between x* ± e forever;
* η > 0.2: |factor| > 1, every step overshoots further: divergence.
"""

from __future__ import annotations

import math

import numpy as np

from dlcore.course_function import df

REGIMES: tuple[str, ...] = ("monotone", "one_step", "oscillating", "endless", "diverging")


def descent(learning_rate: float, x0: float, steps: int) -> np.ndarray:
    """Plain gradient descent x_{t+1} = x_t − η·f'(x_t).

    Args:
        learning_rate: η.
        x0: Start point.
        steps: Number of steps.

    Returns:
        ``steps + 1`` positions, x_0 first.
    """
    xs = np.empty(steps + 1)
    xs[0] = x0
    for i in range(steps):
        xs[i + 1] = xs[i] - learning_rate * df(xs[i])
    return xs


def contraction(learning_rate: float) -> float:
    """The factor 1 − 10η by which each step multiplies the distance x − 0.2."""
    return 1 - 10 * learning_rate


def regime(learning_rate: float) -> str:
    """Names the behaviour a learning rate gives (see the module docstring).

    Args:
        learning_rate: η > 0.

    Returns:
        One of ``REGIMES``.
    """
    if math.isclose(learning_rate, 0.1, abs_tol=1e-12):
        return "one_step"
    if math.isclose(learning_rate, 0.2, abs_tol=1e-12):
        return "endless"
    if learning_rate < 0.1:
        return "monotone"
    if learning_rate < 0.2:
        return "oscillating"
    return "diverging"
