"""The class board's redraw: 60 students × 5 runs of 100 epochs on SQLite.

Times what one redraw of the live board does (``classroom.board_view.live_board``):
the store's query of every post with its run (``board``), the leaderboards
(metrics, diagnoses, model lines) and the figures (overlaid curves and
size-against-result per lesson, the sweep's heatmap). The fragment
rebuilds rows and figures only when a post came or went; otherwise a redraw
is the query alone, timed separately.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from dlcore.board.metrics import metric_key
from dlcore.board.rows import all_rows, leaderboards
from dlcore.board.sweep import heatmap, make_sweep
from dlcore.figures.board import curves_figure, heatmap_figure, scatter_figure
from dlcore.runtime.runs import RunRecord
from dlcore.store.classes import PostRequest, board, create_class, join_class, post_run
from dlcore.store.db import Database
from dlcore.store.runs import RunWrite, new_run_id, new_workspace_id, write_run
from dlcore.store.schema import FINISHED

PAGES = ("wine", "overfitting", "overfitting", "wine", "overfitting")  # each student's five runs
WIDTHS = (16, 64, 256, 1024)


def _record(rng: np.random.Generator, epochs: int, width: int, dropout: float) -> RunRecord:
    """A plausible wine run: both losses fall, validation turns up for some."""
    x = np.arange(1, epochs + 1)
    train = 0.09 + 0.2 * np.exp(-x / 10) + rng.normal(0, 0.003, epochs)
    valid = 0.1 + 0.2 * np.exp(-x / 10) + 0.0004 * x * (width / 1024) * (1 - dropout) + rng.normal(0, 0.004, epochs)
    model = {
        "n_inputs": 11,
        "units": [width] * 3,
        "activation": "relu",
        "dropout": dropout,
        "batchnorm": "none",
        "l1": 0.0,
        "l2": 0.0,
        "output_activation": None,
    }
    train_config = {
        "loss": "mae",
        "optimizer": "adam",
        "learning_rate": 0.001,
        "momentum": 0.9,
        "batch_size": 256,
        "epochs": epochs,
        "early_stopping": False,
        "min_delta": 0.001,
        "patience": 20,
        "restore_best": True,
        "seed": 0,
    }
    history = {"loss": train.tolist(), "val_loss": valid.tolist()}
    meta = {"model": model, "train": train_config, "label": "x", "data": {"dataset": "wine"}}
    return RunRecord(1, meta, history, {"stop_reason": "completed"}, seconds=[0.1 * i for i in x])


def _fill(db: Database, students: int, runs: int, epochs: int) -> str:
    code, _ = create_class(db)
    rng = np.random.default_rng(0)
    for s in range(students):
        workspace = new_workspace_id()
        join_class(db, code, workspace, f"Student name {s}")
        for r in range(runs):
            page = PAGES[r % len(PAGES)]
            cell = (s * runs + r) % 8
            record = _record(rng, epochs, WIDTHS[cell % 4], (0.0, 0.3)[cell // 4])
            run_id = new_run_id()
            write_run(db, RunWrite(run_id, workspace, page, FINISHED, record, "", datetime.now(UTC)))
            post_run(db, PostRequest(code, workspace, run_id, page, cell))
    return code


def _redraw(db: Database, code: str, sweep) -> tuple[float, float, float]:  # noqa: ANN001
    """One full redraw: (query, rows, figures) in seconds."""
    start = time.perf_counter()
    posts = board(db, code)
    queried = time.perf_counter()
    boards = leaderboards(posts, hide_names=False, lang="en")
    ranked = time.perf_counter()
    for page, groups in boards.items():
        for group, rows in groups.items():
            metric = metric_key(page, group)
            curves_figure(rows, metric=metric, lang="en").to_json()
            scatter_figure(rows, metric=metric, lang="en").to_json()
    heatmap_figure(
        heatmap(sweep, all_rows(boards)), metric="MAE", x_title="width", y_title="dropout", lang="en"
    ).to_json()
    drawn = time.perf_counter()
    return queried - start, ranked - queried, drawn - ranked


def main(smoke: bool = False) -> dict:
    students, runs, epochs, repeats = (3, 2, 10, 2) if smoke else (60, 5, 100, 5)
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'board.sqlite3'}")
        db.upgrade()
        start = time.perf_counter()
        code = _fill(db, students, runs, epochs)
        filled = time.perf_counter() - start
        sweep = make_sweep("overfitting", [("width", "16 64 256 1024"), ("dropout", "0 0.3")])
        times = [_redraw(db, code, sweep) for _ in range(repeats)]
        db.dispose()
    query, rows, figures = (statistics.median(part) for part in zip(*times, strict=True))
    total = query + rows + figures
    posts = students * runs
    print(
        f"board of {students} students × {runs} runs × {epochs} epochs ({posts} posts, written in {filled:.1f} s): "
        f"full redraw {total * 1000:.0f} ms = query {query * 1000:.0f} + rows {rows * 1000:.0f} + figures {figures * 1000:.0f} ms "
        f"(median of {repeats}); a redraw without a new post: the query, {query * 1000:.0f} ms"
    )
    return {
        "students": students,
        "runs_each": runs,
        "epochs": epochs,
        "redraw_ms": total * 1000,
        "query_ms": query * 1000,
        "rows_ms": rows * 1000,
        "figures_ms": figures * 1000,
    }


if __name__ == "__main__":
    import sys

    main(smoke="--smoke" in sys.argv)
