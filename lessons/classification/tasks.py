"""Losses of a single prediction, computed by Keras (a compute task).

Runs in a worker: ``compute(Task.LOSS_CURVES, {"points": n})``.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from dlcore.runtime.tasks import Task, worker_task


@worker_task(Task.LOSS_CURVES)
def loss_curves(payload: dict[str, Any], emit: Any, should_stop: Any) -> dict[str, list[float]]:
    """Binary cross-entropy, MAE and MSE of a prediction p against y = 1 and y = 0.

    The values come from ``keras.losses.binary_crossentropy`` (which clips p
    to [1e−7, 1 − 1e−7], so −log p stays finite), ``mean_absolute_error`` and
    ``mean_squared_error``, each applied to one example per p.

    Args:
        payload: ``{"points": n}``: n values of p evenly spaced over [0, 1].
        emit: Unused (no progress to report).
        should_stop: Unused.

    Returns:
        ``{"p": [...], "bce_1", "mae_1", "mse_1", "bce_0", "mae_0", "mse_0"}``.
    """
    p = np.linspace(0.0, 1.0, int(payload.get("points", 201)), dtype=np.float32).reshape(-1, 1)
    result: dict[str, list[float]] = {"p": [round(float(v), 4) for v in p.ravel()]}
    for label in (1, 0):
        y = np.full_like(p, float(label))
        for name, loss in (
            ("bce", keras.losses.binary_crossentropy),
            ("mae", keras.losses.mean_absolute_error),
            ("mse", keras.losses.mean_squared_error),
        ):
            values = keras.ops.convert_to_numpy(loss(y, p)).reshape(-1)
            result[f"{name}_{label}"] = [round(float(v), 5) for v in values]
    return result
