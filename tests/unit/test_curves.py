"""TensorBoard-style curves: the debiased smoothing (against TensorBoard's
formula and a direct NumPy loop), NaN safety, the per-run colours, the
smoothed and log-scale figures, the distributions figure, and the weight
probe against NumPy's percentiles of a Keras model's weights."""

from __future__ import annotations

import json
import math

import numpy as np
import plotly.graph_objects as go
import pytest

from dlcore.curve_stats import MAX_WEIGHT_SAMPLES, PERCENTILES, sample_every, sampled_epoch, smooth
from dlcore.figures.curves import (
    RAW_OPACITY,
    RUN_COLOURS,
    CurveOptions,
    apply_curve_options,
    loss_figure,
    run_colour,
    runs_figure,
)
from dlcore.figures.distributions import distributions_figure
from tests.conftest import run_python


def numpy_loop(values: list[float], weight: float) -> list[float]:
    """The smoothing recomputed independently: NumPy arrays, t counted by hand."""
    x = np.asarray(values, dtype=np.float64)
    out = np.empty_like(x)
    accumulator = 0.0
    for step, value in enumerate(x, 1):
        accumulator = weight * accumulator + (1 - weight) * value
        out[step - 1] = accumulator / (1 - weight**step)
    return out.tolist()


def test_smoothing_matches_tensorboards_formula_on_a_known_series() -> None:
    # By hand, w = 0.5: s = 0.5, 1.25, 2.125 → debiased ÷ 0.5, 0.75, 0.875.
    assert smooth([1.0, 2.0, 3.0], 0.5) == pytest.approx([1.0, 5 / 3, 2.125 / 0.875])
    # TensorBoard's default 0.6: s = 0.36, 0.416, 0.4096; debiased ÷ 0.4, 0.64, 0.784.
    assert smooth([0.9, 0.5, 0.4], 0.6) == pytest.approx([0.9, 0.416 / 0.64, (0.6 * 0.416 + 0.4 * 0.4) / 0.784])


@pytest.mark.parametrize("weight", [0.1, 0.6, 0.9, 0.99])
def test_smoothing_matches_a_direct_numpy_loop(weight: float) -> None:
    values = list(np.random.default_rng(3).lognormal(size=200))
    assert smooth(values, weight) == pytest.approx(numpy_loop(values, weight), rel=1e-12)


def test_smoothing_is_nan_safe_and_leaves_raw_and_constant_series() -> None:
    raw = [1.0, math.nan, 3.0, math.inf, None, 2.0]
    smoothed = smooth(raw, 0.6)
    assert [v is None for v in smoothed] == [False, True, False, True, True, False]
    # The diverged epochs neither move the average nor count in t.
    assert [v for v in smoothed if v is not None] == pytest.approx(numpy_loop([1.0, 3.0, 2.0], 0.6))
    assert smooth([0.25] * 5, 0.9) == [0.25] * 5
    assert smooth([1.0, 2.0, math.nan], 0.0) == [1.0, 2.0, None]
    assert smooth([], 0.6) == [] and smooth([math.nan], 0.6) == [None]


def test_weight_samples_stay_within_the_budget_and_include_first_and_last() -> None:
    for epochs in (1, 2, 10, 47, 48, 49, 50, 100, 101, 500, 2000):
        every = sample_every(epochs)
        sampled = [e for e in range(1, epochs + 1) if sampled_epoch(e, epochs, every)]
        assert len(sampled) <= MAX_WEIGHT_SAMPLES and sampled[0] == 1 and sampled[-1] == epochs
    assert sample_every(10) == 1  # the course's 10 epochs: every epoch


def test_each_run_number_keeps_its_colour_in_every_chart() -> None:
    assert len(set(run_colour(n) for n in range(1, len(RUN_COLOURS) + 1))) == len(RUN_COLOURS)
    assert run_colour(1 + len(RUN_COLOURS)) == run_colour(1) and run_colour(3) == run_colour(3)
    overlay = runs_figure([("a", [1.0, 0.5]), ("b", [2.0, 1.0])], lang="en", numbers=[5, 2])
    lines = [trace for trace in overlay.data if trace.mode == "lines"]
    assert [trace.line.color for trace in lines] == [run_colour(5), run_colour(2)]
    live = loss_figure(
        {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]},
        lang="en",
        total_epochs=2,
        loss_name="mae",
        colour=run_colour(5),
        compare={"val_loss": [1.0, 0.9]},
        compare_colour=run_colour(2),
    )
    assert {trace.line.color for trace in live.data} == {run_colour(5), run_colour(2)}


def test_smoothed_figure_draws_raw_faint_behind_the_smoothed_line_in_its_colour() -> None:
    history = {"loss": [1.0, 0.6, 0.7, 0.4], "val_loss": [1.2, 0.8, math.nan, 0.9]}
    fig = loss_figure(history, lang="en", total_epochs=4, loss_name="mae", best_epoch=2)
    assert apply_curve_options(fig, CurveOptions()) is fig  # off: untouched
    out = apply_curve_options(fig, CurveOptions(smoothing=0.6, log_scale=True))
    lines = [trace for trace in out.data if "lines" in trace.mode]
    raw, smoothed = lines[0::2], lines[1::2]
    assert [trace.opacity for trace in raw] == [RAW_OPACITY, RAW_OPACITY]
    assert all(trace.showlegend is False for trace in raw)
    assert [trace.line.color for trace in raw] == [trace.line.color for trace in smoothed]
    assert list(smoothed[0].y) == smooth(history["loss"], 0.6)
    assert list(smoothed[1].y) == smooth(history["val_loss"], 0.6)
    star = [trace for trace in out.data if trace.mode == "markers"]
    assert len(star) == 1 and list(star[0].y) == [0.8]  # the best epoch stays on its raw value
    assert out.layout.yaxis.type == "log"


def test_distributions_figure_has_bands_and_median_per_layer() -> None:
    layer = {"kernel": [-1.0, -0.6, -0.4, -0.2, 0.0, 0.2, 0.4, 0.6, 1.0], "bias": [0.1] * len(PERCENTILES)}
    samples = [(1, [layer, layer]), (2, [layer, {"kernel": layer["kernel"], "bias": []}])]
    fig = distributions_figure(samples, lang="zh-TW", colour=run_colour(1), units=[8, 1])
    per_chart = 2 * 4 + 1  # four nested bands (two edges each) and the median
    assert len(fig.data) == 3 * per_chart  # the output's bias chart is skipped: one sample has none
    medians = [trace for trace in fig.data if trace.hovertemplate]
    assert list(medians[0].y) == [0.0, 0.0] and list(medians[0].x) == [1, 2]
    assert "中位數" in medians[0].hovertemplate
    assert isinstance(fig, go.Figure) and fig.layout.height > 300


PROBE_SCRIPT = """
import json, time
import numpy as np
import keras
from dlcore.runtime.histogram_probe import histogram_probe, percentiles
from dlcore.curve_stats import PERCENTILES
keras.utils.set_random_seed(2)
model = keras.Sequential([keras.Input((11,)), keras.layers.Dense(512, activation="relu"),
    keras.layers.Dense(512, activation="relu"), keras.layers.Dense(512, activation="relu"), keras.layers.Dense(1)])
model.layers[0].bias.assign(np.linspace(-1, 1, 512))
probe = histogram_probe({"weights": {"samples": 50}}, 500)
reported = probe(model, 1)["weights"]
skipped = [probe(model, e) for e in (2, 3, 9)]
expected = [{"kernel": np.percentile(layer.get_weights()[0], PERCENTILES).tolist(),
             "bias": np.percentile(layer.get_weights()[1], PERCENTILES).tolist()} for layer in model.layers]
rng = np.random.default_rng(0)
arrays = [rng.normal(size=n).astype("float32") for n in (1, 2, 7, 1000)] + [np.array([3.0, -1.0, 3.0, 0.5])]
exact = all(np.allclose(percentiles(a), np.percentile(a.astype("float64"), PERCENTILES), rtol=1e-12, atol=0)
            for a in arrays)
started = time.perf_counter()
for _ in range(20):
    assert probe(model, 22) is not None
ms = (time.perf_counter() - started) / 20 * 1000
print(json.dumps({"reported": reported, "expected": expected, "skipped": skipped, "every": probe.every,
                  "last": probe(model, 500) is not None, "none": histogram_probe({}, 10) is None, "ms": ms,
                  "exact": exact}))
"""


def test_weight_probe_reports_numpys_percentiles_of_the_keras_weights() -> None:
    out = json.loads(run_python(PROBE_SCRIPT))
    assert out["skipped"] == [None, None, None] and out["every"] == 11 and out["last"] and out["none"]
    assert out["exact"]  # one sort, the same numbers as np.percentile's linear interpolation
    assert len(out["reported"]) == 4
    for got, want in zip(out["reported"], out["expected"], strict=True):
        assert got["kernel"] == pytest.approx(want["kernel"], rel=1e-6, abs=1e-7)
        assert got["bias"] == pytest.approx(want["bias"], rel=1e-6, abs=1e-7)
    assert out["reported"][0]["bias"][0] == pytest.approx(-1.0) and out["reported"][0]["bias"][-1] == pytest.approx(1.0)
    print(f"weight probe on the course model (3 × Dense(512)): {out['ms']:.1f} ms per sample")
    assert out["ms"] < 200


def test_classification_curves_are_drawn_in_the_runs_colour() -> None:
    from lessons.classification.figures import curves_figure

    history = {"loss": [0.7, 0.5], "val_loss": [0.72, 0.6], "binary_accuracy": [0.5, 0.8], "val_binary_accuracy": [0.5, 0.7]}
    fig = curves_figure(history, lang="en", total_epochs=2, colour=run_colour(3))
    lines = [trace for trace in fig.data if trace.y is not None and len(trace.y) == 2]
    assert len(lines) == 4 and {trace.line.color for trace in lines} == {run_colour(3)}
    dashes = {trace.name: trace.line.dash for trace in lines}
    assert dashes == {"training": "dash", "validation": "solid"}
