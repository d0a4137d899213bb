"""Probes: small measurements taken on the model at the end of an epoch and
streamed with that epoch's logs. Imported only in worker processes.

A probe is called as ``probe(model, epoch)`` and returns a dict to merge into
the epoch message, or None when it has nothing to report this epoch (probes
throttle themselves, by epochs or by wall-clock time).
"""

from __future__ import annotations

import time
from typing import Any, Protocol

import keras
import numpy as np
import tensorflow as tf

from dlcore.toy_data import Grid, encode_probabilities


class Probe(Protocol):
    def __call__(self, model: keras.Model, epoch: int) -> dict[str, Any] | None: ...


def dense_layers(model: keras.Model) -> list[keras.layers.Dense]:
    """The model's Dense layers in order (hidden layers, then the output)."""
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


class GradientProbe:
    """Mean gradient magnitude per Dense layer on a fixed batch.

    For every Dense kernel W it reports mean |∂L/∂W|, where L is the compiled
    loss (plus any weight penalties) on the same fixed batch each time.
    TensorFlow's ``GradientTape`` does the backpropagation. The forward pass
    runs in inference mode (``training=False``) so measuring neither draws
    dropout masks nor moves BatchNormalization's statistics.

    Args:
        x: The fixed batch's inputs.
        y: Its targets.
        loss: The compiled loss's Keras name (``"mae"``, ``"binary_crossentropy"``…).
        every: Report at epoch 1 and at every multiple of ``every``.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, loss: str, every: int = 1) -> None:
        self.x = tf.constant(x, dtype=tf.float32)
        self.y = tf.constant(np.asarray(y, dtype=np.float32).reshape(-1, 1))
        self.loss = keras.losses.get(loss)
        self.every = max(1, int(every))

    def __call__(self, model: keras.Model, epoch: int) -> dict[str, Any] | None:
        if epoch != 1 and epoch % self.every:
            return None
        kernels = [layer.kernel for layer in dense_layers(model)]
        with tf.GradientTape() as tape:
            predictions = model(self.x, training=False)
            # The loss functions average over the last axis; the mean over
            # the batch gives the scalar that fit() minimises.
            loss = tf.reduce_mean(self.loss(self.y, predictions))
            if model.losses:
                loss = loss + tf.add_n(model.losses)
        gradients = tape.gradient(loss, kernels)
        return {"gradients": [float(tf.reduce_mean(tf.abs(g))) for g in gradients]}


class BoundaryProbe:
    """The model's probability on a grid over the plane (2-D inputs only).

    Reports at epoch 1, then whenever at least ``interval`` seconds have
    passed since the last report, so a fast training streams at most
    1/interval grids per second. The probabilities travel as one byte each
    (``encode_probabilities``).

    Args:
        grid: The grid to evaluate.
        interval: Minimum seconds between two reports.
    """

    def __init__(self, grid: Grid, interval: float = 0.25) -> None:
        self.points = tf.constant(grid.points())
        self.interval = interval
        self._last = -float("inf")

    def grid_probabilities(self, model: keras.Model) -> bytes:
        """The encoded probabilities of the model on the grid, now."""
        return encode_probabilities(np.asarray(model(self.points, training=False)).reshape(-1))

    def __call__(self, model: keras.Model, epoch: int) -> dict[str, Any] | None:
        now = time.perf_counter()
        if epoch != 1 and now - self._last < self.interval:
            return None
        self._last = now
        return {"boundary": {"epoch": epoch, "p": self.grid_probabilities(model)}}
