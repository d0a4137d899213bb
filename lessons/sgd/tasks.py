"""Minibatch SGD on a line with Keras: the task behind the SGD page.

Runs only in worker processes (it imports Keras and TensorFlow). For every
step it takes the step's minibatch, computes the MSE of y = w·x + b on it
under ``tf.GradientTape`` and lets ``keras.optimizers.SGD`` update w and b.
The loop over steps is compiled once per worker with ``tf.function``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from dlcore.runtime.tasks import Task, worker_task
from lessons.sgd.model import B_RANGE, START, W_RANGE, SgdSettings, least_squares, make_data, minibatch_schedule

DTYPE = tf.float64
GRID_POINTS = 41


class LineFitter:
    """w, b, one SGD optimizer and a compiled loop over given minibatches.

    Built once per worker and reset before each run (start point, optimizer
    state via ``set_weights``, learning rate), so the ``tf.function`` is
    traced once, not on every request.
    """

    def __init__(self) -> None:
        self.w = tf.Variable(0.0, dtype=DTYPE, name="w")
        self.b = tf.Variable(0.0, dtype=DTYPE, name="b")
        self.optimizer = keras.optimizers.SGD(learning_rate=0.01)
        self.optimizer.build([self.w, self.b])
        self.fresh_state = [v.numpy() for v in self.optimizer.variables]
        vector = tf.TensorSpec([None], DTYPE)
        indices = tf.TensorSpec([None], tf.int32)
        self.loop = tf.function(self._loop, input_signature=[vector, vector, indices, indices, indices])

    def _loop(
        self, x: tf.Tensor, y: tf.Tensor, order: tf.Tensor, starts: tf.Tensor, sizes: tf.Tensor
    ) -> tuple[tf.Tensor, ...]:
        """Steps through the minibatches ``order[starts[k] : starts[k] + sizes[k]]``.

        Returns:
            w, b and the full-data MSE before the first step and after each step.
        """
        steps = tf.shape(starts)[0]
        ws = tf.TensorArray(DTYPE, size=steps + 1)
        bs = tf.TensorArray(DTYPE, size=steps + 1)
        losses = tf.TensorArray(DTYPE, size=steps + 1)

        def record(
            i: tf.Tensor, ws: tf.TensorArray, bs: tf.TensorArray, losses: tf.TensorArray
        ) -> tuple[tf.TensorArray, ...]:
            full_mse = keras.losses.mean_squared_error(y, self.w * x + self.b)
            return ws.write(i, self.w.read_value()), bs.write(i, self.b.read_value()), losses.write(i, full_mse)

        ws, bs, losses = record(0, ws, bs, losses)
        for k in tf.range(steps):
            batch = order[starts[k] : starts[k] + sizes[k]]
            x_batch, y_batch = tf.gather(x, batch), tf.gather(y, batch)
            with tf.GradientTape() as tape:
                # The minibatch's MSE: mean over the batch of (w·x + b − y)².
                loss = keras.losses.mean_squared_error(y_batch, self.w * x_batch + self.b)
            gradients = tape.gradient(loss, [self.w, self.b])
            self.optimizer.apply_gradients(zip(gradients, [self.w, self.b]))
            ws, bs, losses = record(k + 1, ws, bs, losses)
        return ws.stack(), bs.stack(), losses.stack()

    def run(
        self, x: np.ndarray, y: np.ndarray, batches: Sequence[Sequence[int]], learning_rate: float
    ) -> dict[str, list[float]]:
        """SGD from ``START`` over the given minibatches.

        Args:
            x: Inputs.
            y: Targets.
            batches: Sample indices of each step's minibatch.
            learning_rate: η.

        Returns:
            ``{"w", "b", "loss"}``: one value before the first step and one
            after each step (``len(batches) + 1`` each).
        """
        self.optimizer.set_weights(self.fresh_state)
        self.optimizer.learning_rate = learning_rate
        self.w.assign(START[0])
        self.b.assign(START[1])
        sizes = np.array([len(b) for b in batches], dtype=np.int32)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int32)
        order = np.concatenate([np.asarray(b, dtype=np.int32) for b in batches])
        ws, bs, losses = self.loop(
            tf.constant(x, DTYPE), tf.constant(y, DTYPE), tf.constant(order), tf.constant(starts), tf.constant(sizes)
        )
        return {"w": ws.numpy().tolist(), "b": bs.numpy().tolist(), "loss": losses.numpy().tolist()}


_fitter: LineFitter | None = None


def line_fitter() -> LineFitter:
    """The worker's ``LineFitter``, built on first use."""
    global _fitter
    if _fitter is None:
        _fitter = LineFitter()
    return _fitter


def mse_grid(x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """The full-data MSE over a grid of (w, b), from ``keras.losses``.

    Returns:
        ``{"w": axis, "b": axis, "mse": z}`` with ``z[row = b][column = w]``.
    """
    w_axis = np.linspace(*W_RANGE, GRID_POINTS)
    b_axis = np.linspace(*B_RANGE, GRID_POINTS)
    # Predictions of every grid line at every x: shape (b, w, n).
    predictions = w_axis[None, :, None] * x[None, None, :] + b_axis[:, None, None]
    targets = np.broadcast_to(y, predictions.shape)
    mse = keras.losses.mean_squared_error(targets, predictions)
    return {"w": w_axis.tolist(), "b": b_axis.tolist(), "mse": np.asarray(mse).tolist()}


@worker_task(Task.SGD_RUN)
def run_sgd(payload: dict[str, Any], emit: Callable[..., None], should_stop: Callable[[], bool]) -> dict[str, Any]:
    """Minibatch SGD and, for comparison, full-batch gradient descent for the
    same number of steps, both with ``keras.optimizers.SGD``.

    Args:
        payload: ``SgdSettings`` fields.
        emit: Unused (the run takes a fraction of a second).
        should_stop: Unused.

    Returns:
        ``{"x", "y", "batches", "w", "b", "loss", "full_w", "full_b",
        "full_loss", "ls_w", "ls_b", "best_mse", "grid", "seconds"}``: the
        data, each step's minibatch indices, both runs (start first), the
        least-squares line and its MSE, and the MSE grid for the contours.
    """
    started = time.perf_counter()
    settings = SgdSettings(**payload)
    x, y = make_data(settings.n_samples, settings.seed)
    batches = minibatch_schedule(settings.n_samples, settings.batch_size, settings.epochs, settings.seed)
    fitter = line_fitter()
    mini = fitter.run(x, y, batches, settings.learning_rate)
    everything = list(range(settings.n_samples))
    full = fitter.run(x, y, [everything] * len(batches), settings.learning_rate)
    ls_w, ls_b = least_squares(x, y)
    best_mse = float(keras.losses.mean_squared_error(y, ls_w * x + ls_b))
    return {
        "x": x.tolist(),
        "y": y.tolist(),
        "batches": batches,
        **mini,
        "full_w": full["w"],
        "full_b": full["b"],
        "full_loss": full["loss"],
        "ls_w": ls_w,
        "ls_b": ls_b,
        "best_mse": best_mse,
        "grid": mse_grid(x, y),
        "seconds": time.perf_counter() - started,
    }
