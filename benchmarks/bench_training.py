"""Training path overhead: bare ``model.fit`` against the app's job path.

Alternates, in one run: (a) the course's code in a fresh process, timing only
``model.fit``; (b) the same model as a job through the app's worker pool with
a consumer that polls every 0.5 s and builds the Plotly chart each time, as
the page does. Also measures the time from submit to the first epoch with a
warm worker, and a trivial page rerun in the server process (AppTest).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from dlcore.charts import loss_figure
from dlcore.jobs import WorkerPool
from dlcore.runs import history_from_events
from dlcore.spec import ModelSpec, TrainConfig

ROOT = Path(__file__).resolve().parent.parent


def bare_fit(epochs: int) -> float:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.bare_fit", str(epochs)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])["fit_seconds"]


def app_fit(pool: WorkerPool, epochs: int) -> tuple[float, float, float]:
    """Returns (worker fit seconds, submit→first epoch seconds, consumer chart ms per redraw)."""
    payload = {
        "model": asdict(ModelSpec(n_inputs=11)),
        "train": asdict(TrainConfig(epochs=epochs)),
        "data": {"dataset": "wine"},
    }
    submitted = time.perf_counter()
    job_id = pool.submit("dlcore.training:run_training", payload)
    first_epoch = None
    redraws: list[float] = []
    while True:
        snapshot = pool.snapshot(job_id)
        if first_epoch is None and snapshot.events:
            first_epoch = time.perf_counter() - submitted
        started = time.perf_counter()
        loss_figure(history_from_events(snapshot.events), lang="en", total_epochs=epochs, loss_name="mae").to_json()
        redraws.append(time.perf_counter() - started)
        if snapshot.finished:
            break
        time.sleep(0.5 if first_epoch is not None else 0.005)
    assert snapshot.result is not None, snapshot.error
    return snapshot.result["seconds"], first_epoch or 0.0, 1000 * statistics.median(redraws)


def page_rerun_ms(repeats: int) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()  # the home page: a trivial rerun
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def main(smoke: bool = False) -> dict:
    epochs, repeats = (3, 1) if smoke else (100, 3)
    pool = WorkerPool(size=1, idle_timeout=3600)
    try:
        pool.wait_ready(300)
        app_fit(pool, 2)  # warm the worker's first trace, as a used server would be
        bare, app, first, redraw = [], [], [], []
        for _ in range(repeats):
            bare.append(bare_fit(epochs))
            seconds, to_first, ms = app_fit(pool, epochs)
            app.append(seconds)
            first.append(to_first)
            redraw.append(ms)
    finally:
        pool.shutdown()
    result = {
        "epochs": epochs,
        "repeats": repeats,
        "bare_fit_ms_per_epoch": 1000 * statistics.median(bare) / epochs,
        "app_fit_ms_per_epoch": 1000 * statistics.median(app) / epochs,
        "app_over_bare": statistics.median(app) / statistics.median(bare),
        "submit_to_first_epoch_s": statistics.median(first),
        "chart_build_ms": statistics.median(redraw),
        "page_rerun_ms": page_rerun_ms(3 if smoke else 20),
    }
    print(
        f"training ({epochs} epochs, median of {repeats}): bare fit {result['bare_fit_ms_per_epoch']:.1f} ms/epoch, "
        f"app job {result['app_fit_ms_per_epoch']:.1f} ms/epoch, ratio {result['app_over_bare']:.3f}; "
        f"submit→first epoch {result['submit_to_first_epoch_s']:.2f} s; chart build {result['chart_build_ms']:.1f} ms; "
        f"page rerun {result['page_rerun_ms']:.1f} ms"
    )
    return result


if __name__ == "__main__":
    main("--smoke" in sys.argv)
