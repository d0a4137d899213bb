"""Training jobs: ``model.fit`` with callbacks that stream every epoch.

Runs inside a worker process (``dlcore.runtime.worker``); the server only sees the
messages that ``emit`` sends. Regression (the course's wine model) and binary
classification (sigmoid output, binary cross-entropy, accuracy and AUC) share
the same job; optional probes (``dlcore.runtime.probes``) add per-layer gradient
magnitudes or a decision-boundary grid to the epoch messages.

A run can be paused between epochs (``dlcore.runtime.callbacks.PauseOnRequest``)
and continued later from its saved model (``continue_from``): each epoch's
minibatches are a function of (seed, epoch) only (``_pipelines``), so a
continued run trains exactly as one longer ``fit`` would.
"""

from __future__ import annotations

import math
import time
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from dlcore.data import SplitData, data_split
from dlcore.runtime.callbacks import JobCallbacks
from dlcore.runtime.compiled_models import worker_models
from dlcore.runtime.control import PauseGate
from dlcore.runtime.histogram_probe import histogram_probe
from dlcore.runtime.model_store import model_path, prune, saved_model
from dlcore.runtime.neuron_probe import neuron_probe
from dlcore.runtime.probes import BoundaryProbe, GradientProbe
from dlcore.runtime.tasks import Emit, ShouldStop, Task, worker_task
from dlcore.spec import ModelSpec, SettingError, TrainConfig, from_dict
from dlcore.toy_data import Grid

CLASSIFICATION_LOSS = "binary_crossentropy"
GRADIENT_BATCH = 256  # rows of the fixed batch the gradient probe measures on


def load_split(data: dict[str, Any]) -> SplitData:
    """The prepared data a job payload names (see ``dlcore.data.data_split``)."""
    return data_split(data)


def _metrics(loss: str) -> list[Any]:
    if loss == CLASSIFICATION_LOSS:
        return ["binary_accuracy", keras.metrics.AUC(name="auc")]
    return [] if loss == "mae" else ["mae"]


def steps_per_epoch(rows: int, batch_size: int) -> int:
    """Minibatches in one epoch (the last one may be short)."""
    return max(1, math.ceil(rows / batch_size))


def _pipelines(
    split: SplitData, config: TrainConfig, initial_epoch: int = 0
) -> tuple[tf.data.Dataset, tf.data.Dataset]:
    # Small tables as cached tf.data pipelines: a fresh seeded permutation
    # every epoch, without re-wrapping the NumPy arrays every epoch (which
    # dominates the time of an epoch on data this small). One endless stream
    # of epochs (repeat) that fit reads steps_per_epoch batches at a time:
    # epoch k's batches depend on (seed, k) only, so a run continued at
    # epoch k skips k epochs of the stream and sees what one longer fit sees.
    steps = steps_per_epoch(len(split.y_train), config.batch_size)
    train = (
        tf.data.Dataset.from_tensor_slices((split.x_train, split.y_train))
        .cache()
        .shuffle(len(split.y_train), seed=config.seed, reshuffle_each_iteration=True)
        .batch(config.batch_size)
        .repeat()
        .skip(initial_epoch * steps)
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
        grid = Grid(float(spec["extent"]), int(spec["size"]), tuple(spec.get("features", ())))
        boundary = BoundaryProbe(grid, float(spec.get("interval", 0.25)))
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
# within at most this many batches. It divides the epoch: on the endless
# stream of epochs (``_pipelines``) a call that ran past an epoch's end would
# take the next epoch's batches.
MAX_STEPS_PER_EXECUTION = 16


def steps_per_execution(rows: int, batch_size: int) -> int:
    """Batches per traced call: the largest divisor of the epoch's batches up
    to ``MAX_STEPS_PER_EXECUTION`` (a whole epoch when it is that short)."""
    steps = steps_per_epoch(rows, batch_size)
    return max(d for d in range(1, min(steps, MAX_STEPS_PER_EXECUTION) + 1) if steps % d == 0)


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _model(spec: ModelSpec, config: TrainConfig, split: SplitData, continue_from: str | None = None) -> keras.Model:
    """The compiled model: seeded as a fresh model; reused from this worker's
    compiled models when the same graph ran before (dlcore.runtime.compiled_models);
    or, to continue a run, its saved model with its optimizer state."""
    if continue_from:
        return _saved(continue_from, config)
    return worker_models().model(
        spec,
        config,
        metrics=_metrics(config.loss),
        jit_compile=use_xla(config),
        steps_per_execution=steps_per_execution(len(split.y_train), config.batch_size),
    )


def _saved(model_id: str, config: TrainConfig) -> keras.Model:
    """A run's saved model, compiled as it was saved (optimizer variables,
    step count, loss, metrics); Keras seeded with the run's seed as at its start.

    Raises:
        SettingError: If the model is no longer kept (``pause.model_gone``).
    """
    path = saved_model(model_id)
    if path is None:
        raise SettingError("pause.model_gone")
    keras.utils.set_random_seed(config.seed)
    return keras.saving.load_model(path)


def _early_stopping(config: TrainConfig) -> keras.callbacks.EarlyStopping | None:
    """Keras's early stopping on ``val_loss`` when the config asks for it."""
    if not config.early_stopping:
        return None
    return keras.callbacks.EarlyStopping(
        min_delta=config.min_delta,
        patience=config.patience,
        restore_best_weights=config.restore_best,
    )


def _fit(
    model: keras.Model,
    split: SplitData,
    config: TrainConfig,
    callbacks: list[keras.callbacks.Callback],
    initial_epoch: int = 0,
) -> keras.callbacks.History:
    """``model.fit`` on the cached pipelines (see ``_pipelines``), from ``initial_epoch``."""
    train_data, valid_data = _pipelines(split, config, initial_epoch)
    return model.fit(
        train_data,
        validation_data=valid_data,
        epochs=config.epochs,
        initial_epoch=initial_epoch,
        steps_per_epoch=steps_per_epoch(len(split.y_train), config.batch_size),
        callbacks=callbacks,
        shuffle=False,  # the pipeline reshuffles every epoch
        verbose=0,
    )


def _best_epoch(history: keras.callbacks.History) -> int | None:
    """The 1-based epoch of the lowest finite ``val_loss``, or None if there is none."""
    val_loss = np.asarray(history.history.get("val_loss", []), dtype=float)
    finite = np.where(np.isfinite(val_loss), val_loss, np.inf)
    return int(np.argmin(finite)) + 1 if finite.size and np.isfinite(finite).any() else None


def _final_metrics(model: keras.Model, split: SplitData) -> dict[str, float | None]:
    """The returned model's metrics on both sets (``val_`` prefix for validation); NaN/inf as None."""
    train_eval = model.evaluate(split.x_train, split.y_train, verbose=0, batch_size=1024, return_dict=True)
    valid_eval = model.evaluate(split.x_valid, split.y_valid, verbose=0, batch_size=1024, return_dict=True)
    final = {k: _finite_or_none(float(v)) for k, v in train_eval.items()}
    final.update({f"val_{k}": _finite_or_none(float(v)) for k, v in valid_eval.items()})
    return final


def _outcome(
    model: keras.Model, split: SplitData, boundary_probe: BoundaryProbe | None, epochs_run: int, model_id: str | None
) -> tuple[dict[str, Any], dict[str, float | None], list[float]]:
    """What a run that did not diverge returns about its model; saves it under ``model_id``.

    Returns:
        ``(extra, final, valid_predictions)``: ``extra`` holds ``"boundary"``
        (the model's grid) with the boundary probe, else nothing.
    """
    final = _final_metrics(model, split)
    predictions = model.predict(split.x_valid, verbose=0, batch_size=1024).reshape(-1)
    extra: dict[str, Any] = {}
    if boundary_probe is not None:
        extra["boundary"] = {"epoch": epochs_run, "p": boundary_probe.grid_probabilities(model)}
    if model_id:
        # Kept for the page's download and predictions (see dlcore.runtime.model_store).
        model.save(model_path(model_id))
        prune()
    return extra, final, [float(p) for p in predictions]


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
            an s × s grid over [−e, e]² at most every ``interval`` seconds,
            ``{"weights": {"samples": n}}`` per-layer weight percentiles
            (``dlcore.runtime.histogram_probe``) at most n times.
            ``model_id`` is optional: the final model is saved under that id
            in ``dlcore.runtime.model_store``. ``continue_from`` (a saved
            model's id) and ``initial_epoch`` k continue that run: its model
            and optimizer state train epochs k+1 … ``train.epochs``.
            ``start_paused`` holds after the first epoch (a Step).
        emit: Message sink (see ``dlcore.runtime.callbacks.EpochStream``).
        should_stop: The job's control (``dlcore.runtime.control.JobControl``):
            cancel, and pause / resume / step between epochs.

    Returns:
        ``{"stop_reason", "epochs_run", "best_epoch", "stopped_epoch",
        "diverged_epoch", "final", "valid_predictions", "seconds",
        "param_count"}`` (and ``"boundary"``, the returned model's grid, with
        the boundary probe) where ``stop_reason`` is ``"completed"``,
        ``"early_stopping"``, ``"cancelled"``, ``"paused"`` (held longer than
        ``DLP_PAUSE_SECONDS``: the model is saved with its optimizer state
        under ``model_id``, to be continued) or ``"diverged"`` and ``final``
        holds the metrics of the returned model (the restored best one with
        restore_best_weights). For binary cross-entropy the model's output is
        a probability and the metrics are ``binary_accuracy`` and ``auc``.
    """
    split = load_split(payload.get("data", {}))
    spec = from_dict(ModelSpec, {**payload["model"], "n_inputs": split.x_train.shape[1]})
    config = from_dict(TrainConfig, payload["train"])
    initial_epoch = int(payload.get("initial_epoch", 0))
    model = _model(spec, config, split, payload.get("continue_from"))
    gradient_probe, boundary_probe = _probes(payload.get("probes", {}), split, config, config.epochs)
    weights_probe = histogram_probe(payload.get("probes", {}), config.epochs)  # {"weights": {}}: the distributions
    neurons = neuron_probe(payload.get("probes", {}), config.epochs)  # "neurons": the hidden units' maps
    probes = [p for p in (gradient_probe, boundary_probe, weights_probe, neurons) if p is not None]
    gate = PauseGate(should_stop, emit, start_paused=bool(payload.get("start_paused")))
    job = JobCallbacks.create(emit, should_stop, probes, pause=gate)
    early = _early_stopping(config)

    started = time.perf_counter()
    history = _fit(model, split, config, job.as_list(early), initial_epoch)
    seconds = time.perf_counter() - started - gate.held_seconds

    stop_reason = job.stop_reason(early)
    epochs_run = job.stream.epochs_done or initial_epoch
    extra, final, valid_predictions = {}, {}, []
    if stop_reason != "diverged":
        extra, final, valid_predictions = _outcome(model, split, boundary_probe, epochs_run, payload.get("model_id"))
    return {
        **extra,
        "stop_reason": stop_reason,
        "epochs_run": epochs_run,
        "best_epoch": (best + initial_epoch) if (best := _best_epoch(history)) else None,
        "stopped_epoch": epochs_run if stop_reason == "early_stopping" else None,
        "diverged_epoch": job.divergence.diverged_epoch,
        "final": final,
        "valid_predictions": valid_predictions,
        "seconds": seconds,
        "param_count": model.count_params(),
    }
