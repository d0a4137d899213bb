"""Training jobs: ``model.fit`` with a callback that streams every epoch.

Runs inside a worker process (``dlcore.worker``); the server only sees the
messages that ``emit`` sends.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from dlcore.data import SplitData, wine_split
from dlcore.keras_build import build_model, build_optimizer
from dlcore.spec import ModelSpec, TrainConfig, from_dict

Emit = Callable[[str, dict[str, Any]], None]
ShouldStop = Callable[[], bool]


class LiveHistory(keras.callbacks.Callback):
    """Sends each epoch's logs through ``emit`` and honours cancellation.

    It stops training (``model.stop_training = True``) when ``should_stop()``
    turns true (checked after every batch) or when a loss stops being a finite
    number, which means the optimizer diverged.

    Args:
        emit: Called as ``emit("epoch", {"epoch": n, "logs": {...},
            "seconds": t})`` after each epoch (``n`` counts from 1, ``t`` is
            the time since training began).
        should_stop: Returns True once the job was cancelled.
    """

    def __init__(self, emit: Emit, should_stop: ShouldStop) -> None:
        super().__init__()
        self.emit = emit
        self.should_stop = should_stop
        self.epochs_done = 0
        self.cancelled = False
        self.diverged_epoch: int | None = None
        self._started = 0.0

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.epochs_done = 0
        self.cancelled = False
        self.diverged_epoch = None
        self._started = time.perf_counter()

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if self.should_stop():
            self.cancelled = True
            self.model.stop_training = True

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        values = {name: float(value) for name, value in logs.items()}
        self.epochs_done = epoch + 1
        self.emit(
            "epoch",
            {"epoch": epoch + 1, "logs": values, "seconds": time.perf_counter() - self._started},
        )
        if not all(math.isfinite(v) for v in values.values()):
            self.diverged_epoch = epoch + 1
            self.model.stop_training = True
        if self.should_stop():
            self.cancelled = True
            self.model.stop_training = True


def load_split(data: dict[str, Any]) -> SplitData:
    """The prepared data a job payload names (``{"dataset": "wine"}``)."""
    if data.get("dataset", "wine") == "wine":
        return wine_split()
    raise ValueError(f"unknown dataset {data!r}")


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def run_training(payload: dict[str, Any], emit: Emit, should_stop: ShouldStop) -> dict[str, Any]:
    """Trains the model a job payload describes and reports the outcome.

    Args:
        payload: ``{"model": ModelSpec fields, "train": TrainConfig fields,
            "data": {"dataset": name}}``; ``n_inputs`` comes from the data.
        emit: Message sink (see ``LiveHistory``).
        should_stop: Cancellation flag.

    Returns:
        ``{"stop_reason", "epochs_run", "best_epoch", "stopped_epoch",
        "final", "valid_predictions", "seconds", "param_count"}`` where
        ``stop_reason`` is ``"completed"``, ``"early_stopping"``,
        ``"cancelled"`` or ``"diverged"`` and ``final`` holds the metrics of
        the returned model (the restored best one with restore_best_weights).
    """
    split = load_split(payload.get("data", {}))
    spec = from_dict(ModelSpec, {**payload["model"], "n_inputs": split.x_train.shape[1]})
    config = from_dict(TrainConfig, payload["train"])

    # One seed covers Python's, NumPy's and the backend's generators: weight
    # initialisation, shuffling and dropout masks repeat run after run.
    keras.utils.set_random_seed(config.seed)
    model = build_model(spec)
    metrics = [] if config.loss == "mae" else ["mae"]
    model.compile(optimizer=build_optimizer(config), loss=config.loss, metrics=metrics)

    live = LiveHistory(emit, should_stop)
    callbacks: list[keras.callbacks.Callback] = [live]
    early = None
    if config.early_stopping:
        early = keras.callbacks.EarlyStopping(
            min_delta=config.min_delta,
            patience=config.patience,
            restore_best_weights=config.restore_best,
        )
        callbacks.append(early)

    started = time.perf_counter()
    history = model.fit(
        split.x_train,
        split.y_train,
        validation_data=(split.x_valid, split.y_valid),
        batch_size=config.batch_size,
        epochs=config.epochs,
        callbacks=callbacks,
        verbose=0,
    )
    seconds = time.perf_counter() - started

    if live.diverged_epoch is not None:
        stop_reason = "diverged"
    elif live.cancelled:
        stop_reason = "cancelled"
    elif early is not None and early.stopped_epoch > 0:
        stop_reason = "early_stopping"
    else:
        stop_reason = "completed"

    val_loss = np.asarray(history.history.get("val_loss", []), dtype=float)
    finite = np.where(np.isfinite(val_loss), val_loss, np.inf)
    best_epoch = int(np.argmin(finite)) + 1 if finite.size and np.isfinite(finite).any() else None

    final: dict[str, float | None] = {}
    valid_predictions: list[float] = []
    if stop_reason != "diverged":
        train_eval = model.evaluate(split.x_train, split.y_train, verbose=0, return_dict=True)
        valid_eval = model.evaluate(split.x_valid, split.y_valid, verbose=0, return_dict=True)
        final = {k: _finite_or_none(float(v)) for k, v in train_eval.items()}
        final.update({f"val_{k}": _finite_or_none(float(v)) for k, v in valid_eval.items()})
        predictions = model.predict(split.x_valid, verbose=0, batch_size=1024).reshape(-1)
        valid_predictions = [float(p) for p in predictions]

    return {
        "stop_reason": stop_reason,
        "epochs_run": live.epochs_done,
        "best_epoch": best_epoch,
        "stopped_epoch": live.epochs_done if stop_reason == "early_stopping" else None,
        "diverged_epoch": live.diverged_epoch,
        "final": final,
        "valid_predictions": valid_predictions,
        "seconds": seconds,
        "param_count": model.count_params(),
    }
