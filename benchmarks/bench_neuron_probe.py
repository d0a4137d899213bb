"""Cost of the neuron probe (every hidden unit's map on a 25 × 25 grid, the
output's probability and the Dense weights), side by side with a run
without it, for a 2×4 and a 3×8 network on ``circle``.

Run: ``python -m benchmarks.bench_neuron_probe`` (or through ``benchmarks.run``).
Prints, per network: ms per probe call (median), and ms per epoch of the
training job without the probe, with it at every epoch (interval 0: the
worst case) and as the page asks for it (at most 3 per second); and the
server's figure build (decode + Plotly). No assertion, machines differ.
``--smoke`` uses few epochs and calls, and the smaller network only.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dlcore.spec import ModelSpec, TrainConfig, to_dict  # noqa: E402
from dlcore.toy_data import NEURON_GRID  # noqa: E402

DATA = {"dataset": "circle", "train_fraction": 0.7, "seed": 0, "noise": 0.1, "n_points": 400}
NETWORKS = {"2x4": (4, 4), "3x8": (8, 8, 8)}


def _payload(units: tuple[int, ...], epochs: int, interval: float | None) -> dict:
    from lessons.classification.views import payload_for

    model = ModelSpec(n_inputs=2, units=units, activation="tanh", output_activation="sigmoid")
    train = TrainConfig(loss="binary_crossentropy", optimizer="adam", learning_rate=0.03, batch_size=32, epochs=epochs)
    payload = payload_for(model, train, DATA)
    payload["probes"].pop("boundary")  # the neuron probe alone
    if interval is None:
        payload.pop("probes")
    else:
        payload["probes"]["neurons"]["interval"] = interval
    payload["model"] = to_dict(model)
    return payload


def _ms_per_epoch(units: tuple[int, ...], epochs: int, interval: float | None) -> tuple[float, int]:
    from dlcore.runtime.training import run_training

    reports: list[int] = []
    emit = lambda kind, data: reports.append(1) if "neurons" in data else None  # noqa: E731
    run_training(_payload(units, 2, interval), lambda *a: None, lambda: False)  # warm-up: traced, cached model
    result = run_training(_payload(units, epochs, interval), emit, lambda: False)
    return result["seconds"] * 1000 / result["epochs_run"], len(reports)


def _ms_per_call(units: tuple[int, ...], calls: int) -> tuple[float, float]:
    import keras

    from dlcore.figures.neuron_view import neuron_figure, neuron_state
    from dlcore.runtime.keras_build import build_model
    from dlcore.runtime.neuron_probe import NeuronProbe
    from lessons.classification.views import plane_grid

    grid = plane_grid(DATA, NEURON_GRID)
    keras.utils.set_random_seed(0)
    model = build_model(ModelSpec(n_inputs=2, units=units, activation="tanh", output_activation="sigmoid"))
    probe = NeuronProbe(grid)
    probe.snapshot(model, 1)  # warm-up: builds the multi-output model
    probe_times, figure_times = [], []
    for epoch in range(calls):
        started = time.perf_counter()
        snapshot = probe.snapshot(model, epoch)
        probe_times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        neuron_figure(neuron_state(snapshot), grid, lang="en")
        figure_times.append((time.perf_counter() - started) * 1000)
    return statistics.median(probe_times), statistics.median(figure_times[1:] or figure_times)


def main(smoke: bool = False) -> dict[str, dict[str, float]]:
    """Measures both networks; prints one line each.

    Returns:
        Per network: ``{"probe_ms_per_call", "figure_ms", "epoch_ms_without",
        "epoch_ms_every_epoch", "epoch_ms_throttled", "reports_throttled", "epochs"}``.
    """
    epochs, calls = (4, 3) if smoke else (150, 30)
    results = {}
    for name, units in list(NETWORKS.items())[: 1 if smoke else None]:
        call_ms, figure_ms = _ms_per_call(units, calls)
        without, _ = _ms_per_epoch(units, epochs, None)
        every, _ = _ms_per_epoch(units, epochs, 0.0)
        throttled, reports = _ms_per_epoch(units, epochs, 1 / 3)
        print(
            f"neuron probe {name}: {call_ms:.1f} ms/call; ms/epoch without {without:.1f}, "
            f"probe every epoch {every:.1f}, throttled (≤3/s) {throttled:.1f} ({reports} reports in {epochs} epochs); "
            f"figure build {figure_ms:.1f} ms"
        )
        results[name] = {
            "probe_ms_per_call": round(call_ms, 2),
            "figure_ms": round(figure_ms, 2),
            "epoch_ms_without": round(without, 2),
            "epoch_ms_every_epoch": round(every, 2),
            "epoch_ms_throttled": round(throttled, 2),
            "reports_throttled": reports,
            "epochs": epochs,
        }
    return results


if __name__ == "__main__":
    main(smoke="--smoke" in sys.argv)
