"""Keras tasks of the activations lesson. Imported only in worker processes.

* ``activation_curves``: values of ``keras.activations.<name>`` on a grid and
  their derivatives by automatic differentiation (``tf.GradientTape``).
* ``fit_nonlinear``: a stack of linear layers against a non-linear stack,
  both fitted with ``model.fit`` to a curved 1-D target.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

from dlcore.runtime.callbacks import JobCallbacks
from dlcore.runtime.keras_build import build_model
from dlcore.runtime.tasks import Emit, ShouldStop, Task, worker_task
from dlcore.spec import ACTIVATIONS, ModelSpec, SettingError
from lessons.activations.model import (
    FIT_BATCH_SIZE,
    FIT_DEPTH,
    FIT_LEARNING_RATE,
    FIT_REPEATS,
    FIT_WIDTH,
    MAX_POINTS,
    TARGETS,
    fit_grid,
    target_values,
)


def _check_names(names: list[str]) -> None:
    for name in names:
        if name not in ACTIVATIONS:
            raise SettingError("error.setting_choice", name="activation", value=name)


def _grid(payload: dict[str, Any]) -> np.ndarray:
    if payload.get("x") is not None:
        x = np.asarray(payload["x"], dtype=np.float32).reshape(-1)
    else:
        points = int(payload.get("points", 401))
        if not 2 <= points <= MAX_POINTS:
            raise SettingError("error.setting_range", name="points", value=points, low=2, high=MAX_POINTS)
        x = np.linspace(float(payload["x_min"]), float(payload["x_max"]), points, dtype=np.float32)
    if x.size > MAX_POINTS or not np.all(np.isfinite(x)):
        raise SettingError("error.setting_range", name="x", value=int(x.size), low=1, high=MAX_POINTS)
    return x


@worker_task(Task.ACTIVATION_CURVES)
def activation_curves(payload: dict[str, Any], emit: Emit, should_stop: ShouldStop) -> dict[str, Any]:
    """Evaluates Keras activations of one neuron, a(wx + b), and d/dx of it.

    The derivative is Keras/TensorFlow's own: the tape records
    z = w·x + b and y = a(z), and ``tape.gradient`` applies the chain rule,
    dy/dx = w · a′(wx + b). With w = 1 and b = 0 this is the bare function
    and its derivative a′(x). At a kink (ReLU at 0) TensorFlow picks one
    side's slope (0 for ReLU).

    Args:
        payload: ``{"names": [activation keys], "w": float, "b": float}`` and
            either ``"x": [points]`` or ``"x_min", "x_max", "points"``.
        emit: Unused (short computation).
        should_stop: Unused (short computation).

    Returns:
        ``{"x": [...], "z": [w·x + b ...], "curves": {name: {"y": [...],
        "dy": [...]}}}``.
    """
    names = list(payload["names"])
    _check_names(names)
    w, b = float(payload.get("w", 1.0)), float(payload.get("b", 0.0))
    x = tf.constant(_grid(payload))
    curves: dict[str, dict[str, list[float]]] = {}
    for name in names:
        function = keras.activations.get(ACTIVATIONS[name])
        with tf.GradientTape() as tape:
            tape.watch(x)
            z = w * x + b
            y = function(z)
        # y is element-wise in x, so the gradient of sum(y) is the vector of
        # derivatives dy_i/dx_i.
        dy = tape.gradient(y, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)
        curves[name] = {"y": y.numpy().astype(float).tolist(), "dy": dy.numpy().astype(float).tolist()}
    z = w * x + b
    return {"x": x.numpy().astype(float).tolist(), "z": z.numpy().astype(float).tolist(), "curves": curves}


@worker_task(Task.NONLINEAR_FIT)
def fit_nonlinear(payload: dict[str, Any], emit: Emit, should_stop: ShouldStop) -> dict[str, Any]:
    """Fits the same 3-layer network with each activation to a curved target.

    Every network is ``Dense(16, act) → Dense(16, act) → Dense(1)``, trained
    with Adam (η = 0.03) on MSE from the same seed. With ``"linear"`` the
    whole stack is one affine map, so its best fit is the least-squares line.

    Args:
        payload: ``{"target": key of TARGETS, "activations": [keys],
            "seed": int}``.
        emit: Receives an ``"epoch"`` message per network (see ``dlcore.runtime.callbacks.EpochStream``).
        should_stop: Cancellation flag, checked after every batch.

    Returns:
        ``{"x": [...], "y": [...], "fits": {activation: {"prediction": [...],
        "mse": float}}}``.
    """
    target = payload["target"]
    if target not in TARGETS:
        raise SettingError("error.setting_choice", name="target", value=target)
    activations = list(payload.get("activations", ["linear", "relu"]))
    _check_names(activations)
    seed = int(payload.get("seed", 0))
    x = fit_grid().astype(np.float32)
    y = target_values(target, x).astype(np.float32)
    x_train, y_train = np.tile(x, FIT_REPEATS)[:, None], np.tile(y, FIT_REPEATS)
    fits: dict[str, dict[str, Any]] = {}
    for activation in activations:
        keras.utils.set_random_seed(seed)  # same initial weights and shuffling for every network
        model = build_model(ModelSpec.uniform(1, FIT_DEPTH, FIT_WIDTH, activation=activation))
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=FIT_LEARNING_RATE), loss="mse")
        job = JobCallbacks.create(emit, should_stop)
        model.fit(x_train, y_train, batch_size=FIT_BATCH_SIZE, epochs=1, shuffle=True, callbacks=job.as_list(), verbose=0)
        if job.cancel.cancelled:
            raise RuntimeError("cancelled")
        prediction = model.predict(x[:, None], verbose=0).reshape(-1)
        mse = float(model.evaluate(x[:, None], y, verbose=0))
        fits[activation] = {"prediction": prediction.astype(float).tolist(), "mse": mse}
    return {"x": x.astype(float).tolist(), "y": y.astype(float).tolist(), "fits": fits}
