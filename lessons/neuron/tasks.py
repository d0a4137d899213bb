"""Keras task of the neuron lesson: fit ``Dense(1)``, recording every epoch.

Imported only in worker processes.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from dlcore.data import WINE_FEATURES
from dlcore.runtime.callbacks import JobCallbacks
from dlcore.runtime.tasks import Emit, ShouldStop, Task, worker_task
from dlcore.spec import SettingError
from lessons.neuron.model import BATCH_SIZE, MAX_EPOCHS, feature_data


class WeightRecorder(keras.callbacks.Callback):
    """Keeps the unit's (w, b) and its full-data MAE and MSE after every epoch.

    The state before training is recorded as epoch 0, so a fit of N epochs
    yields N + 1 entries. MAE and MSE are Keras's own losses evaluated on the
    whole data set with the weights at the end of the epoch (``history``'s
    loss is instead the average over the epoch's minibatches).

    Args:
        x: Inputs, shape ``(n, k)``.
        y: Targets, shape ``(n, 1)``.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        super().__init__()
        self.x, self.y = x, y
        self.weights: list[list[float]] = []
        self.biases: list[float] = []
        self.mae: list[float] = []
        self.mse: list[float] = []

    def _record(self) -> None:
        kernel, bias = self.model.layers[0].get_weights()  # shapes (k, 1) and (1,)
        self.weights.append(kernel[:, 0].astype(float).tolist())
        self.biases.append(float(bias[0]))
        prediction = self.model(self.x, training=False)
        self.mae.append(float(keras.ops.mean(keras.losses.mean_absolute_error(self.y, prediction))))
        self.mse.append(float(keras.ops.mean(keras.losses.mean_squared_error(self.y, prediction))))

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._record()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._record()


def _data(payload: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    if "x" in payload:
        x = np.asarray(payload["x"], dtype=np.float32)
        x = x.reshape(len(x), -1)
        y = np.asarray(payload["y"], dtype=np.float32)
        return x, y.reshape(-1, 1)
    features = list(payload["features"])
    for name in features:
        if name not in WINE_FEATURES:
            raise SettingError("error.setting_choice", name="feature", value=name)
    x, y = feature_data(features)
    return x.astype(np.float32), y.astype(np.float32).reshape(-1, 1)


@worker_task(Task.NEURON_FIT)
def fit_neuron(payload: dict[str, Any], emit: Emit, should_stop: ShouldStop) -> dict[str, Any]:
    """Fits one linear unit ``Dense(1)`` with SGD on MSE, from given weights.

    The model is ``keras.Sequential([keras.Input(shape=(k,)),
    layers.Dense(units=1)])``; its kernel and bias are set to ``w0`` and
    ``b0`` before training, so the fit starts from the learner's own line.

    Args:
        payload: ``{"features": [wine feature names]}`` (the scaled training
            split against quality) or ``{"x": [[...]], "y": [...]}``; plus
            ``"w0"`` (k starting weights), ``"b0"``, ``"epochs"``,
            ``"learning_rate"`` and optionally ``"seed"`` (minibatch order).
        emit: Receives an ``"epoch"`` message per epoch.
        should_stop: Cancellation flag.

    Returns:
        ``{"weights": [[w per input] per epoch], "biases": [...], "mae":
        [...], "mse": [...]}`` with epoch 0 (the start) first, plus
        ``"loss"`` (Keras's history) and ``"stop_reason"`` (``"completed"``,
        ``"diverged"`` or ``"cancelled"``).
    """
    x, y = _data(payload)
    epochs = int(payload["epochs"])
    if not 1 <= epochs <= MAX_EPOCHS:
        raise SettingError("error.setting_range", name="epochs", value=epochs, low=1, high=MAX_EPOCHS)
    learning_rate = float(payload["learning_rate"])
    if not 1e-6 <= learning_rate <= 10.0:
        raise SettingError("error.setting_range", name="learning_rate", value=learning_rate, low=1e-6, high=10.0)
    w0 = np.asarray(payload["w0"], dtype=np.float32).reshape(x.shape[1], 1)
    b0 = np.asarray([payload["b0"]], dtype=np.float32)

    keras.utils.set_random_seed(int(payload.get("seed", 0)))  # the minibatch order repeats
    model = keras.Sequential([keras.Input(shape=(x.shape[1],)), keras.layers.Dense(units=1)])
    model.layers[0].set_weights([w0, b0])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    recorder = WeightRecorder(x, y)
    job = JobCallbacks.create(emit, should_stop)
    history = model.fit(x, y, epochs=epochs, batch_size=BATCH_SIZE, callbacks=[recorder, *job.as_list()], verbose=0)
    return {
        "weights": recorder.weights,
        "biases": recorder.biases,
        "mae": recorder.mae,
        "mse": recorder.mse,
        "loss": [float(v) for v in history.history.get("loss", [])],
        "stop_reason": job.stop_reason(),
    }
