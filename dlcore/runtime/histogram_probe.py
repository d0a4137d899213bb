"""The weight probe behind TensorBoard's "distributions" view: per Dense layer,
percentiles of its kernel and its bias, a few dozen times per run.
Imported only in worker processes.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from dlcore.curve_stats import MAX_WEIGHT_SAMPLES, PERCENTILES, sample_every, sampled_epoch
from dlcore.runtime.probes import dense_layers

# The positions of the percentiles in [0, 1].
_FRACTIONS = np.asarray(PERCENTILES, dtype=np.float64) / 100.0


def percentiles(values: np.ndarray) -> list[float]:
    """``PERCENTILES`` of ``values`` as ``np.percentile`` computes them
    (linear interpolation between the closest ranks), from one sort.

    ``np.percentile`` partitions around all 18 ranks, which took ~17 ms on a
    512 × 512 kernel where one float32 sort takes ~5 ms.

    Args:
        values: Any array (flattened); empty gives an empty list.

    Returns:
        One value per percentile.
    """
    ordered = np.sort(np.asarray(values).ravel())
    if not ordered.size:
        return []
    position = _FRACTIONS * (ordered.size - 1)
    low = np.floor(position).astype(np.int64)
    high = np.minimum(low + 1, ordered.size - 1)
    below, above = ordered[low].astype(np.float64), ordered[high].astype(np.float64)
    return (below + (above - below) * (position - low)).tolist()


def layer_percentiles(layer: keras.layers.Dense) -> dict[str, list[float]]:
    """``{"kernel": [...], "bias": [...]}``: the ``PERCENTILES`` of the
    layer's weights now; a layer without a bias reports an empty list for it."""
    return {
        "kernel": percentiles(layer.kernel.numpy()),
        "bias": percentiles(layer.bias.numpy()) if layer.use_bias else [],
    }


class HistogramProbe:
    """Percentiles of every Dense layer's kernel and bias, at epoch 1, every
    ``sample_every(epochs)`` epochs and at the last planned epoch, so a run
    reports at most ``MAX_WEIGHT_SAMPLES`` times (the messages stay small
    and the server's figure has a fixed budget).

    Args:
        epochs: The run's planned epochs.
        samples: At most this many reports per run.
    """

    def __init__(self, epochs: int, samples: int = MAX_WEIGHT_SAMPLES) -> None:
        self.epochs = int(epochs)
        self.every = sample_every(self.epochs, samples)

    def __call__(self, model: keras.Model, epoch: int) -> dict[str, Any] | None:
        if not sampled_epoch(epoch, self.epochs, self.every):
            return None
        return {"weights": [layer_percentiles(layer) for layer in dense_layers(model)]}


def histogram_probe(options: dict[str, Any], epochs: int) -> HistogramProbe | None:
    """The probe a job payload's ``"probes"`` asks for (``{"weights":
    {"samples": n}}``), or None."""
    if "weights" not in options:
        return None
    return HistogramProbe(epochs, int((options["weights"] or {}).get("samples") or MAX_WEIGHT_SAMPLES))
