"""Training path overhead: the course's code, the app's job path and a
hand-written ``tf.function`` loop, side by side.

Alternates, in one run: (a) the course's code in a fresh process, timing only
``model.fit``; (b) the same model as a job through the app's worker pool with
a consumer that polls every 0.5 s and builds the Plotly chart each time, as
the page does; (c) a hand-written ``tf.function`` loop over in-memory tensors
in a fresh process (``benchmarks.tf_loop``), what TensorFlow itself needs.
Also measures the time from submit to the first epoch with a warm worker,
for an architecture that worker trained before and for a new one, and a
trivial page rerun in the server process (AppTest).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from dlcore.figures.curves import loss_figure
from dlcore.runtime.pool import WorkerPool
from dlcore.runtime.runs import history_from_events
from dlcore.runtime.tasks import Task
from dlcore.spec import ModelSpec, TrainConfig

ROOT = Path(__file__).resolve().parent.parent


def bare_fit(epochs: int, module: str = "benchmarks.bare_fit") -> float:
    """``fit_seconds`` printed by a benchmark module run in a fresh process."""
    proc = subprocess.run(
        [sys.executable, "-m", module, str(epochs)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])["fit_seconds"]


def app_fit(pool: WorkerPool, epochs: int, model: ModelSpec | None = None) -> tuple[float, float, float]:
    """Returns (worker fit seconds, submit→first epoch seconds, consumer chart ms per redraw)."""
    payload = {
        "model": asdict(model or ModelSpec(n_inputs=11)),
        "train": asdict(TrainConfig(epochs=epochs)),
        "data": {"dataset": "wine"},
    }
    submitted = time.perf_counter()
    job_id = pool.submit(Task.TRAIN, payload)
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
        bare, loop, app, first, first_new, redraw = [], [], [], [], [], []
        for repeat in range(repeats):
            bare.append(bare_fit(epochs))
            loop.append(bare_fit(epochs, "benchmarks.tf_loop"))
            seconds, to_first, ms = app_fit(pool, epochs)
            app.append(seconds)
            first.append(to_first)
            redraw.append(ms)
            # An architecture this worker has not traced yet (a width never used before).
            first_new.append(app_fit(pool, 1, ModelSpec(n_inputs=11, units=(300 + repeat,) * 3))[1])
    finally:
        pool.shutdown()
    app_s, bare_s, loop_s = (statistics.median(v) for v in (app, bare, loop))
    result = {
        "epochs": epochs,
        "repeats": repeats,
        "bare_fit_ms_per_epoch": 1000 * bare_s / epochs,
        "tf_loop_ms_per_epoch": 1000 * loop_s / epochs,
        "app_fit_ms_per_epoch": 1000 * app_s / epochs,
        "app_over_bare": app_s / bare_s,
        "app_over_tf_loop": app_s / loop_s,
        "submit_to_first_epoch_s": statistics.median(first),
        "submit_to_first_epoch_new_architecture_s": statistics.median(first_new),
        "chart_build_ms": statistics.median(redraw),
        "page_rerun_ms": page_rerun_ms(3 if smoke else 20),
    }
    print(
        f"training ({epochs} epochs, median of {repeats}): course code {result['bare_fit_ms_per_epoch']:.1f} ms/epoch, "
        f"app job {result['app_fit_ms_per_epoch']:.1f}, tf.function loop {result['tf_loop_ms_per_epoch']:.1f}; "
        f"app/course {result['app_over_bare']:.3f}, app/loop {result['app_over_tf_loop']:.3f}; "
        f"submit→first epoch {result['submit_to_first_epoch_s']:.2f} s (architecture trained before), "
        f"{result['submit_to_first_epoch_new_architecture_s']:.2f} s (new); "
        f"chart build {result['chart_build_ms']:.1f} ms; page rerun {result['page_rerun_ms']:.1f} ms"
    )
    return result


if __name__ == "__main__":
    main("--smoke" in sys.argv)
