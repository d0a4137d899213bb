"""Store write cost: what saving a training run costs per epoch, on SQLite and
PostgreSQL side by side.

A wine run as the course trains it (3×512 relu, adam, loss mse so Keras also
reports mae: ``loss``, ``val_loss``, ``mae``, ``val_mae`` plus the epoch
times), 100 epochs, is written through ``dlcore.store.runs.write_run`` the way
the app writes a training run: its whole state every ``WRITE_EVERY`` epochs
while it trains, and once more when it ends (with the validation
predictions), at the app's own cadence (``dlcore.runtime.session_work.
WRITE_EVERY_EPOCHS``; the app also writes when 2 s passed, which a course
run at ~0.1 s per epoch never reaches before 5 epochs). Each write is
timed; the report gives ms per write (median, mean, the slowest, the final
one) and ms per epoch (all of a run's writes / its epochs), for each backend,
and the PostgreSQL / SQLite ratio.

SQLite is a WAL file in a fresh temporary directory (the app's default
store); PostgreSQL is a real server started as the tests start it
(``tests.postgres.PostgresServer``, default settings, so every commit is
flushed to disk), skipped with a line saying why when it is not installed.

Usage: ``python -m benchmarks.bench_store [--smoke]``; ``benchmarks.run``
calls ``main(smoke)``.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from dlcore.runtime.runs import RunRecord
from dlcore.runtime.session_work import WRITE_EVERY_EPOCHS
from dlcore.spec import ModelSpec, TrainConfig, to_dict
from dlcore.store.db import Database
from dlcore.store.runs import RunWrite, new_run_id, new_workspace_id, write_run
from dlcore.store.schema import FINISHED, RUNNING

WRITE_EVERY = WRITE_EVERY_EPOCHS  # epochs between writes while a run trains, as the app does
EPOCHS = 100
METRICS = ("loss", "val_loss", "mae", "val_mae")
VALID_ROWS = 320  # wine's validation rows (a fifth of 1,599): the final write's predictions


def run_states(epochs: int, seed: int) -> list[tuple[int, RunRecord]]:
    """A run's states as the app writes them: ``(epochs reached, record)``,
    every ``WRITE_EVERY`` epochs and the final one (with its predictions)."""
    rng = random.Random(seed)
    meta = {
        "model": to_dict(ModelSpec(n_inputs=11)),
        "train": to_dict(TrainConfig(loss="mse", epochs=epochs)),
        "label": "3×512 relu · adam",
        "model_id": new_run_id(),
    }
    history = {metric: [rng.uniform(0.3, 5.0) for _ in range(epochs)] for metric in METRICS}
    seconds = [0.04 * (epoch + 1) + rng.random() / 100 for epoch in range(epochs)]
    reached = [*range(WRITE_EVERY, epochs, WRITE_EVERY), epochs]
    states = []
    for done in reached:
        final = done == epochs
        states.append(
            (
                done,
                RunRecord(
                    number=seed + 1,
                    meta=meta,
                    history={metric: values[:done] for metric, values in history.items()},
                    result={"stop_reason": "completed", "val_mae": min(history["val_mae"])} if final else None,
                    predictions=[rng.gauss(5.6, 0.8) for _ in range(VALID_ROWS)] if final else [],
                    seconds=seconds[:done],
                ),
            )
        )
    return states


def time_runs(db: Database, runs: int, epochs: int) -> dict:
    """Writes ``runs`` runs (after one untimed warm-up run) and times each write."""
    workspace = new_workspace_id()
    per_write: list[float] = []
    final_writes: list[float] = []
    per_run: list[float] = []
    for number in range(runs + 1):
        run_id, started = new_run_id(), datetime.now(UTC)
        states = run_states(epochs, number)
        spent = 0.0
        for done, record in states:
            status = FINISHED if done == epochs else RUNNING
            write = RunWrite(run_id, workspace, "wine", status, record, "" if status == FINISHED else "job", started)
            begin = time.perf_counter()
            write_run(db, write)
            took = (time.perf_counter() - begin) * 1000
            spent += took
            if number:  # run 0 warms the connection pool and the caches
                per_write.append(took)
                if status == FINISHED:
                    final_writes.append(took)
        if number:
            per_run.append(spent)
    return {
        "writes": len(per_write),
        "writes_per_run": len(per_write) // runs,
        "ms_per_write_median": statistics.median(per_write),
        "ms_per_write_mean": statistics.fmean(per_write),
        "ms_per_write_max": max(per_write),
        "ms_final_write_mean": statistics.fmean(final_writes),
        "ms_per_run": statistics.fmean(per_run),
        "ms_per_epoch": statistics.fmean(per_run) / epochs,
    }


def bench_sqlite(runs: int, epochs: int) -> dict:
    directory = Path(tempfile.mkdtemp(prefix="dlp-bench-store-"))
    try:
        db = Database(f"sqlite:///{directory / 'dlp.sqlite3'}")
        db.upgrade()
        try:
            return time_runs(db, runs, epochs)
        finally:
            db.dispose()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def bench_postgres(runs: int, epochs: int) -> dict | str:
    """The PostgreSQL numbers, or why there are none."""
    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)  # tests.postgres, when run as a script
    from tests.postgres import PostgresServer

    if not PostgresServer.available():
        return "PostgreSQL is not installed (Debian: apt-get install postgresql; see tests/postgres.py)"
    with PostgresServer() as server:
        db = Database(server.url)
        db.upgrade()
        try:
            return time_runs(db, runs, epochs)
        finally:
            db.dispose()


def show(name: str, numbers: dict) -> None:
    print(
        f"{name:<10} {numbers['ms_per_write_median']:7.2f} ms/write median, {numbers['ms_per_write_mean']:7.2f} mean,"
        f" {numbers['ms_per_write_max']:7.2f} max, final {numbers['ms_final_write_mean']:6.2f}"
        f" | {numbers['ms_per_run']:7.1f} ms/run = {numbers['ms_per_epoch']:6.3f} ms/epoch"
    )


def main(smoke: bool = False) -> dict:
    runs, epochs = (2, 20) if smoke else (30, EPOCHS)
    load = os.getloadavg()[0]  # other work on the machine makes the numbers noisier
    print(f"{runs} runs × {epochs} epochs, a write every {WRITE_EVERY} epochs + the final one (load {load:.1f})")
    report: dict = {"runs": runs, "epochs": epochs, "write_every": WRITE_EVERY, "load_average": load}
    report["sqlite"] = sqlite = bench_sqlite(runs, epochs)
    show("SQLite", sqlite)
    postgres = bench_postgres(runs, epochs)
    if isinstance(postgres, str):
        print(f"PostgreSQL skipped: {postgres}")
        report["postgresql"], report["postgresql_skipped"] = None, postgres
        return report
    report["postgresql"] = postgres
    show("PostgreSQL", postgres)
    report["ratio_postgresql_to_sqlite"] = postgres["ms_per_epoch"] / sqlite["ms_per_epoch"]
    print(f"PostgreSQL / SQLite per epoch: {report['ratio_postgresql_to_sqlite']:.2f}×")
    return report


if __name__ == "__main__":
    main("--smoke" in sys.argv)
