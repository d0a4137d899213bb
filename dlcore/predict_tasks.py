"""Predictions with a saved run's model (worker side)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from dlcore.model_store import model_path


def predict(payload: dict[str, Any], emit: Callable[[str, dict[str, Any]], None], should_stop: Callable[[], bool]) -> dict[str, Any]:
    """Predicts scaled targets for scaled feature rows with a saved model.

    Args:
        payload: ``{"model_id": id from dlcore.model_store, "rows": [[x, ...], ...]}``.
        emit: Unused.
        should_stop: Unused.

    Returns:
        ``{"predictions": [float per row]}``.
    """
    # safe_mode refuses models that would run arbitrary code (Lambda layers);
    # the file is one this app wrote, named by an id it generated.
    model = keras.saving.load_model(model_path(payload["model_id"]), safe_mode=True)
    rows = np.asarray(payload["rows"], dtype=np.float32)
    return {"predictions": [float(v) for v in model.predict(rows, verbose=0).reshape(-1)]}
