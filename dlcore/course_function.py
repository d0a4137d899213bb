"""The course's example function, f(x) = 5x² − 2x + 4.

f'(x) = 10x − 2 (the slide prints 10x + 2, a misprint), so the minimum is at
x* = 0.2 with f(x*) = 3.8. The gradient-descent lesson walks down it; the
optimizer race starts on it.
"""

from __future__ import annotations

import numpy as np

X_MIN = 0.2
F_MIN = 3.8


def f(x: np.ndarray | float) -> np.ndarray | float:
    """f(x) = 5x² − 2x + 4."""
    return 5 * x**2 - 2 * x + 4


def df(x: np.ndarray | float) -> np.ndarray | float:
    """f'(x) = 10x − 2."""
    return 10 * x - 2
