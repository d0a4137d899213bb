"""The numbers behind TensorBoard-style curves, without Keras or Plotly: the
debiased exponential moving average of the smoothing slider, and the
percentiles the "distributions" view draws as bands.

Shared by the worker's weight probe (``dlcore.runtime.histogram_probe``) and
the server's figures, so both agree on the percentiles without the server
importing Keras.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# TensorBoard's distribution "basis points" (``compressed_histograms``):
# the minimum, ±1.5σ, ±1σ, ±0.5σ of a normal distribution, the median, the
# maximum, as percentiles. Bands between symmetric pairs are drawn darker
# towards the median.
PERCENTILES: tuple[float, ...] = (0.0, 6.68, 15.87, 30.85, 50.0, 69.15, 84.13, 93.32, 100.0)
MEDIAN_INDEX = PERCENTILES.index(50.0)

# At most this many weight samples per run (the probe reports at epoch 1,
# every k-th epoch and the last planned one).
MAX_WEIGHT_SAMPLES = 50

SMOOTHING_MAX = 0.99


def smooth(values: Sequence[float | None], weight: float) -> list[float | None]:
    """TensorBoard's smoothing: a debiased exponential moving average.

    ``s_t = w·s_{t−1} + (1 − w)·x_t`` from ``s_0 = 0``, divided by
    ``1 − w^t`` so the first points are not pulled towards zero. As in
    TensorBoard, a value that is not a finite number (a diverged epoch,
    ``None``) is passed through (as ``None``: not drawn) and neither moves
    the average nor counts in ``t``, and a constant series is left as it is
    (no rounding noise).

    Args:
        values: The raw series (epoch 1 first).
        weight: The smoothing weight ``w`` in [0, 1); 0 returns the series.

    Returns:
        The smoothed series, same length; ``None`` where the raw value was
        not finite.
    """
    clean = [float(v) if v is not None and math.isfinite(v) else None for v in values]
    weight = min(max(float(weight), 0.0), SMOOTHING_MAX)
    finite = [v for v in clean if v is not None]
    if weight == 0.0 or not finite or all(v == finite[0] for v in finite):
        return clean
    out: list[float | None] = []
    last, count = 0.0, 0
    for value in clean:
        if value is None:
            out.append(None)
            continue
        last = last * weight + (1.0 - weight) * value
        count += 1
        out.append(last / (1.0 - weight**count))
    return out


def sample_every(epochs: int, samples: int = MAX_WEIGHT_SAMPLES) -> int:
    """Epochs between two weight samples so that a run of ``epochs`` epochs
    gives at most ``samples`` (epoch 1, every multiple, and the last epoch)."""
    return max(1, math.ceil(max(1, epochs) / max(1, samples - 2)))


def sampled_epoch(epoch: int, epochs: int, every: int) -> bool:
    """Whether the weight probe reports at ``epoch`` (1-based) of ``epochs``."""
    return epoch == 1 or epoch % every == 0 or epoch == epochs
