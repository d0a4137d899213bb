"""The neuron probe: every hidden unit's output over the input plane, the
output's probability and every Dense layer's weights (2-D data sets only).
Imported only in worker processes.

What the page draws as TensorFlow Playground's network view, computed from
the real Keras model: one forward pass of a small multi-output model (built
once per run) over a coarse grid gives all units at once.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from dlcore.toy_data import NEURON_GRID, Grid, encode_probabilities, encode_signed

NEURON_INTERVAL = 1 / 3  # seconds between two reports: at most 3 per second
WEIGHT_DECIMALS = 4


def hidden_outputs(model: keras.Model) -> list[tuple[int, keras.layers.Layer]]:
    """Per hidden Dense layer: its index in ``model.layers`` and the layer
    whose output the next Dense layer sees (the Dense itself, or the
    BatchNormalization, Activation or Dropout after it).

    Args:
        model: A Sequential model of Dense layers (and operations between them).

    Returns:
        ``[(dense index, output layer), ...]`` for every Dense but the last.
    """
    result: list[tuple[int, keras.layers.Layer]] = []
    for i, layer in enumerate(model.layers):
        if isinstance(layer, keras.layers.Dense):
            result.append((i, layer))
        elif result:
            result[-1] = (result[-1][0], layer)  # an operation after the Dense: its output counts
    return result[:-1]  # the last Dense is the output unit


def _weights(model: keras.Model) -> list[dict[str, Any]]:
    """Every Dense layer's kernel and bias, rounded, with its index and name."""
    layers = []
    for i, layer in enumerate(model.layers):
        if isinstance(layer, keras.layers.Dense):
            kernel, bias = (np.round(np.asarray(w, dtype=float), WEIGHT_DECIMALS) for w in layer.get_weights()[:2])
            layers.append({"index": i, "name": layer.name, "kernel": kernel.tolist(), "bias": bias.tolist()})
    return layers


class NeuronProbe:
    """Each hidden unit's output and the output's probability on a grid,
    and the Dense weights.

    A hidden unit's map is what the next layer sees from it: after its
    activation, with BatchNormalization and Dropout in inference mode. Maps
    of one layer share one scale (their largest magnitude), since ReLU and
    linear units are unbounded; the scale travels with them.

    Reports at epoch 1 and at ``last_epoch``, otherwise only when at least
    ``interval`` seconds passed since the last report (wall-clock), so a fast
    run streams at most 1/interval snapshots per second.

    Args:
        grid: The grid (its ``features`` are the model's extra inputs).
        interval: Minimum seconds between two reports.
        last_epoch: The planned last epoch (always reported).
    """

    def __init__(self, grid: Grid, interval: float = NEURON_INTERVAL, last_epoch: int = 0) -> None:
        self.points = tf.constant(grid.points())
        self.size = grid.size
        self.interval = interval
        self.last_epoch = last_epoch
        self._last = -float("inf")
        self._forward: Any = None
        self._source: keras.Model | None = None
        self._indices: list[int] = []

    def _outputs(self, model: keras.Model) -> list[np.ndarray]:
        """All hidden outputs and the output on the grid, in one forward pass
        of a multi-output model built (and traced) once per model: a traced
        call costs a fraction of an eager one."""
        if self._source is not model:
            hidden = hidden_outputs(model)
            self._indices = [i for i, _ in hidden]
            outputs = [layer.output for _, layer in hidden] + [model.outputs[0]]
            both = keras.Model(model.inputs, outputs)
            self._forward = tf.function(lambda x: both(x, training=False))
            self._source = model
        return [np.asarray(v) for v in self._forward(self.points)]

    def snapshot(self, model: keras.Model, epoch: int) -> dict[str, Any]:
        """The maps and weights now, as the epoch message carries them.

        Returns:
            ``{"epoch", "size", "layers": [{"index", "name", "units", "scale",
            "maps"}], "output": base64 of encoded probabilities, "weights": [{"index",
            "name", "kernel", "bias"}]}``; a layer's ``maps`` decode with
            ``decode_signed(maps, scale, (units, size, size))``.
        """
        values = self._outputs(model)
        layers = []
        for index, out in zip(self._indices, values[:-1], strict=True):
            maps, scale = encode_signed(out.T)  # (units, size²): one map per unit
            dense = model.layers[index]
            layers.append({"index": index, "name": dense.name, "units": out.shape[1], "scale": scale, "maps": maps})
        return {
            "epoch": epoch,
            "size": self.size,
            "layers": layers,
            "output": base64.b64encode(encode_probabilities(values[-1].reshape(-1))).decode("ascii"),
            "weights": _weights(model),
        }

    def __call__(self, model: keras.Model, epoch: int) -> dict[str, Any] | None:
        now = time.perf_counter()
        if epoch not in (1, self.last_epoch) and now - self._last < self.interval:
            return None
        self._last = now
        return {"neurons": self.snapshot(model, epoch)}


def neuron_probe(options: dict[str, Any], epochs: int) -> NeuronProbe | None:
    """The probe a job payload's ``probes`` asks for, or None.

    Args:
        options: The payload's ``probes``; ``{"neurons": {"extent": e,
            "size": s, "features": [...], "interval": seconds}}`` asks for it.
        epochs: The planned epochs (the last one is always reported).
    """
    spec = options.get("neurons")
    if spec is None:
        return None
    grid = Grid(float(spec["extent"]), int(spec.get("size", NEURON_GRID)), tuple(spec.get("features", ())))
    return NeuronProbe(grid, float(spec.get("interval", NEURON_INTERVAL)), epochs)
