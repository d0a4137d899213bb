"""Time of one decision-boundary redraw: decoding a streamed 100 × 100 grid
and building the Plotly figure from it (what the live view does per poll).

Run: ``python -m benchmarks.bench_boundary`` (or through ``benchmarks.run``).
Prints the median of 30 redraws (the budget is 50 ms per redraw); no
assertion, machines differ. ``--smoke`` times 3 redraws.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dlcore.data import classification_split  # noqa: E402
from dlcore.toy_data import GRID_SIZE, decode_probabilities, encode_probabilities, grid_for  # noqa: E402
from lessons.classification.figures import boundary_figure  # noqa: E402

BUDGET_MS = 50.0


def one_redraw(blob: bytes, split, grid) -> None:
    """Decode the streamed grid and build the figure, as the page does."""
    z = decode_probabilities(blob, grid.size)
    boundary_figure(grid, z, split.x_train, split.y_train, split.x_valid, split.y_valid, lang="en", epoch=42)


def main(smoke: bool = False) -> dict[str, float]:
    """Times 30 redraws (3 with ``smoke``) after one warm-up; prints the median.

    Args:
        smoke: Only check that the benchmark runs.

    Returns:
        ``{"median_ms", "min_ms", "max_ms", "budget_ms", "repetitions", "bytes_streamed"}``.
    """
    repetitions = 3 if smoke else 30
    split = classification_split("spiral", noise=0.1, n_points=400, train_fraction=0.7, seed=0)
    grid = grid_for(np.vstack([split.x_train, split.x_valid]), GRID_SIZE)
    # A smooth probability field like a trained model's: p = σ(3·x1·x2·…).
    points = grid.points()
    blob = encode_probabilities(1 / (1 + np.exp(-6 * np.sin(3 * points[:, 0]) * points[:, 1])))
    one_redraw(blob, split, grid)  # warm-up: imports, validators
    times = []
    for _ in range(repetitions):
        started = time.perf_counter()
        one_redraw(blob, split, grid)
        times.append((time.perf_counter() - started) * 1000)
    median = statistics.median(times)
    print(
        f"boundary redraw ({grid.size}x{grid.size} grid, {len(split.y_train) + len(split.y_valid)} points, "
        f"{len(blob)} bytes streamed): median {median:.1f} ms over {repetitions} "
        f"(min {min(times):.1f}, max {max(times):.1f}); budget {BUDGET_MS:.0f} ms"
    )
    return {
        "median_ms": round(median, 2),
        "min_ms": round(min(times), 2),
        "max_ms": round(max(times), 2),
        "budget_ms": BUDGET_MS,
        "repetitions": repetitions,
        "bytes_streamed": len(blob),
    }


if __name__ == "__main__":
    main(smoke="--smoke" in sys.argv)
