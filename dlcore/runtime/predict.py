"""Predictions with a saved run's model (worker side)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from dlcore.runtime.model_store import max_age_seconds, saved_model
from dlcore.runtime.tasks import Task, worker_task
from dlcore.spec import SettingError


@worker_task(Task.PREDICT)
def predict(payload: dict[str, Any], emit: Callable[[str, dict[str, Any]], None], should_stop: Callable[[], bool]) -> dict[str, Any]:
    """Predicts scaled targets for scaled feature rows with a saved model.

    Args:
        payload: ``{"model_id": id from dlcore.runtime.model_store, "rows": [[x, ...], ...]}``.
        emit: Unused.
        should_stop: Unused.

    Returns:
        ``{"predictions": [float per row]}``.

    Raises:
        SettingError: ``predict.model_pruned`` when the model is gone.
    """
    path = saved_model(payload["model_id"])
    if path is None:  # pruned from the store (dlcore.runtime.model_store)
        raise SettingError("predict.model_pruned", hours=max_age_seconds() / 3600)
    # safe_mode refuses models that would run arbitrary code (Lambda layers);
    # the file is one this app wrote, named by an id it generated.
    model = keras.saving.load_model(path, safe_mode=True)
    rows = np.asarray(payload["rows"], dtype=np.float32)
    return {"predictions": [float(v) for v in model.predict(rows, verbose=0).reshape(-1)]}
