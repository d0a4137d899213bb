"""Training jobs: ``model.fit`` with a callback that streams every epoch.

Runs inside a worker process (``dlcore.runtime.worker``); the server only sees the
messages that ``emit`` sends. Regression (the course's wine model) and binary
classification (sigmoid output, binary cross-entropy, accuracy and AUC) share
the same job; optional probes (``dlcore.runtime.probes``) add per-layer gradient
magnitudes or a decision-boundary grid to the epoch messages.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from dlcore.data import SplitData, data_split
from dlcore.runtime.compiled_models import worker_models
from dlcore.runtime.model_store import model_path, prune
from dlcore.runtime.probes import BoundaryProbe, GradientProbe, Probe
from dlcore.runtime.tasks import Emit, ShouldStop, Task, worker_task
from dlcore.spec import ModelSpec, TrainConfig, from_dict
from dlcore.toy_data import Grid


class LiveHistory(keras.callbacks.Callback):
    """Sends each epoch's logs through ``emit`` and honours cancellation.

    It stops training (``model.stop_training = True``) when ``should_stop()``
    turns true (checked after every batch) or when a loss stops being a finite
    number, which means the optimizer diverged.

    Args:
        emit: Called as ``emit("epoch", {"epoch": n, "logs": {...},
            "seconds": t, **probe reports})`` after each epoch (``n`` counts
            from 1, ``t`` is the time since training began).
        should_stop: Returns True once the job was cancelled.
        probes: Measurements whose reports join the epoch message.
    """

    def __init__(self, emit: Emit, should_stop: ShouldStop, probes: Sequence[Probe] = ()) -> None:
        super().__init__()
        self.emit = emit
        self.should_stop = should_stop
        self.probes = tuple(probes)
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
        message: dict[str, Any] = {"epoch": epoch + 1, "logs": values, "seconds": time.perf_counter() - self._started}
        for probe in self.probes:
            message.update(probe(self.model, epoch + 1) or {})
        self.emit("epoch", message)
        if not all(math.isfinite(v) for v in values.values()):
            self.diverged_epoch = epoch + 1
            self.model.stop_training = True
        if self.should_stop():
            self.cancelled = True
            self.model.stop_training = True


CLASSIFICATION_LOSS = "binary_crossentropy"
GRADIENT_BATCH = 256  # rows of the fixed batch the gradient probe measures on


def load_split(data: dict[str, Any]) -> SplitData:
    """The prepared data a job payload names (see ``dlcore.data.data_split``)."""
    return data_split(data)


def _metrics(loss: str) -> list[Any]:
    if loss == CLASSIFICATION_LOSS:
        return ["binary_accuracy", keras.metrics.AUC(name="auc")]
    return [] if loss == "mae" else ["mae"]


def _pipelines(split: SplitData, config: TrainConfig) -> tuple[tf.data.Dataset, tf.data.Dataset]:
    # Small tables as cached tf.data pipelines: the same minibatches as
    # fit(x, y, shuffle=True) (a fresh permutation every epoch, seeded), but
    # without re-wrapping the NumPy arrays every epoch, which dominates the
    # time of an epoch on data this small.
    train = (
        tf.data.Dataset.from_tensor_slices((split.x_train, split.y_train))
        .cache()
        .shuffle(len(split.y_train), seed=config.seed, reshuffle_each_iteration=True)
        .batch(config.batch_size)
    )
    valid = tf.data.Dataset.from_tensor_slices((split.x_valid, split.y_valid)).batch(config.batch_size).cache()
    return train, valid


def _probes(
    options: dict[str, Any], split: SplitData, config: TrainConfig, epochs: int
) -> tuple[GradientProbe | None, BoundaryProbe | None]:
    gradients = boundary = None
    if "gradients" in options:
        every = options["gradients"].get("every") or max(1, math.ceil(epochs / 50))
        rows = slice(0, GRADIENT_BATCH)
        gradients = GradientProbe(split.x_train[rows], split.y_train[rows], config.loss, every)
    if "boundary" in options:
        spec = options["boundary"]
        boundary = BoundaryProbe(Grid(float(spec["extent"]), int(spec["size"])), float(spec.get("interval", 0.25)))
    return gradients, boundary


# XLA compilation costs about 1.5–2 s before the first epoch and saved at most
# ~10 % per epoch on these small models (benchmarks/bench_training.py), so it
# only pays off on long runs; short runs start drawing sooner without it.
XLA_MIN_EPOCHS = 200


def use_xla(config: TrainConfig) -> bool:
    """Whether to compile the training step with XLA (long runs only)."""
    return config.epochs >= XLA_MIN_EPOCHS


# Batches per call of the traced training function. Keras runs them in one
# graph call, so the Python work of a step (callbacks, iterator, logs) is paid
# once per call instead of once per batch: the course model's epoch is 5
# batches, one call. Callbacks see one "batch end" per call, so Stop acts
# within at most this many batches.
MAX_STEPS_PER_EXECUTION = 16


def steps_per_execution(rows: int, batch_size: int) -> int:
    """Batches per traced call: a whole epoch, at most ``MAX_STEPS_PER_EXECUTION``."""
    return max(1, min(math.ceil(rows / batch_size), MAX_STEPS_PER_EXECUTION))


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


@worker_task(Task.TRAIN)
def run_training(payload: dict[str, Any], emit: Emit, should_stop: ShouldStop) -> dict[str, Any]:
    """Trains the model a job payload describes and reports the outcome.

    Args:
        payload: ``{"model": ModelSpec fields, "train": TrainConfig fields,
            "data": {"dataset": name, ...}, "probes": {...}}``; ``n_inputs``
            comes from the data. ``probes`` is optional: ``{"gradients":
            {"every": k}}`` adds per-layer mean |gradient| every k epochs
            (k = 0: about 50 samples per run), ``{"boundary": {"extent": e,
            "size": s, "interval": seconds}}`` adds the model's probability on
            an s × s grid over [−e, e]² at most every ``interval`` seconds.
            ``model_id`` is optional: the final model is saved under that id
            in ``dlcore.runtime.model_store``.
        emit: Message sink (see ``LiveHistory``).
        should_stop: Cancellation flag.

    Returns:
        ``{"stop_reason", "epochs_run", "best_epoch", "stopped_epoch",
        "diverged_epoch", "final", "valid_predictions", "seconds",
        "param_count"}`` (and ``"boundary"``, the returned model's grid, with
        the boundary probe) where ``stop_reason`` is ``"completed"``,
        ``"early_stopping"``, ``"cancelled"`` or ``"diverged"`` and ``final``
        holds the metrics of the returned model (the restored best one with
        restore_best_weights). For binary cross-entropy the model's output is
        a probability and the metrics are ``binary_accuracy`` and ``auc``.
    """
    split = load_split(payload.get("data", {}))
    spec = from_dict(ModelSpec, {**payload["model"], "n_inputs": split.x_train.shape[1]})
    config = from_dict(TrainConfig, payload["train"])

    # Seeded as a fresh model; reused from this worker's compiled models when
    # the same graph ran before (dlcore.runtime.compiled_models).
    model = worker_models().model(
        spec,
        config,
        metrics=_metrics(config.loss),
        jit_compile=use_xla(config),
        steps_per_execution=steps_per_execution(len(split.y_train), config.batch_size),
    )

    gradient_probe, boundary_probe = _probes(payload.get("probes", {}), split, config, config.epochs)
    live = LiveHistory(emit, should_stop, [p for p in (gradient_probe, boundary_probe) if p is not None])
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
    train_data, valid_data = _pipelines(split, config)
    history = model.fit(
        train_data,
        validation_data=valid_data,
        epochs=config.epochs,
        callbacks=callbacks,
        shuffle=False,  # the pipeline reshuffles every epoch
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
    extra: dict[str, Any] = {}
    if stop_reason != "diverged":
        train_eval = model.evaluate(split.x_train, split.y_train, verbose=0, batch_size=1024, return_dict=True)
        valid_eval = model.evaluate(split.x_valid, split.y_valid, verbose=0, batch_size=1024, return_dict=True)
        final = {k: _finite_or_none(float(v)) for k, v in train_eval.items()}
        final.update({f"val_{k}": _finite_or_none(float(v)) for k, v in valid_eval.items()})
        predictions = model.predict(split.x_valid, verbose=0, batch_size=1024).reshape(-1)
        valid_predictions = [float(p) for p in predictions]
        if boundary_probe is not None:
            extra["boundary"] = {"epoch": live.epochs_done, "p": boundary_probe.grid_probabilities(model)}
        if payload.get("model_id"):
            # Kept for the page's download and predictions (see dlcore.runtime.model_store).
            model.save(model_path(payload["model_id"]))
            prune()

    return {
        **extra,
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
