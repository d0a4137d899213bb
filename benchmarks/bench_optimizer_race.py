"""Benchmark: how long a whole optimizer race takes (target: ≤ 0.3 s).

A race is every optimizer (7) × ``--steps`` steps (default 300) on one
surface, computed by ``lessons.optimizers.tasks:run_race``. For each
surface this prints:

* cold: the first race in a fresh worker (traces the 7 compiled step loops);
* warm, worker-side: the median of ``--reps`` races measured inside the
  task (what the compiled loops cost once traced);
* warm, task call: the median round trip of submitting the same race to a
  ``dlcore.runtime.pool.WorkerPool`` and receiving its result, without Streamlit
  (the page adds only its result cache and a 10 ms polling interval).

Each repetition changes the learning rates slightly, so no result is reused;
only the compiled loops are (the learning rate is a Keras variable).

Run from the repository root::

    /work/venv/bin/python benchmarks/bench_optimizer_race.py [--reps 9] [--steps 300]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dlcore.lessons import TASK_MODULES
from dlcore.runtime.executor import DONE  # noqa: E402
from dlcore.runtime.pool import WorkerPool  # noqa: E402
from dlcore.runtime.tasks import Task
from lessons.optimizers.model import RaceSettings  # noqa: E402
from lessons.optimizers.racers import RACERS  # noqa: E402
from lessons.optimizers.surfaces import SURFACES, suggested_hypers  # noqa: E402

TASK = Task.OPTIMIZER_RACE
TARGET_SECONDS = 0.3


def payload(surface_key: str, steps: int, rep: int) -> dict[str, Any]:
    """A race of every optimizer; ``rep`` nudges the learning rates so each
    repetition is a new computation."""
    surface = SURFACES[surface_key]
    hypers = suggested_hypers(surface)
    for values in hypers.values():
        values["learning_rate"] *= 1 + rep * 1e-3
    return RaceSettings(surface_key, surface.start, steps, {r: hypers[r] for r in RACERS}).to_payload()


def call(pool: WorkerPool, job: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    """Submits one race and waits for it. Returns (round trip s, result)."""
    started = time.perf_counter()
    job_id = pool.submit(TASK, job)
    while True:
        snapshot = pool.snapshot(job_id)
        if snapshot is not None and snapshot.finished:
            break
        time.sleep(0.001)
    elapsed = time.perf_counter() - started
    if snapshot.state != DONE or snapshot.result is None:
        raise RuntimeError(f"race failed: {snapshot.error}")
    return elapsed, snapshot.result


def main(smoke: bool = False, reps: int = 9, steps: int = 300, surfaces: list[str] | None = None) -> dict[str, Any]:
    """Races every surface; returns ``{surface: {cold_s, warm_worker_s, warm_call_s}}``."""
    if smoke:
        reps, steps, surfaces = 1, 20, ["course"]
    args = argparse.Namespace(reps=reps, steps=steps, surfaces=surfaces or list(SURFACES))
    rows: dict[str, Any] = {}
    pool = WorkerPool(size=1, task_modules=TASK_MODULES)
    try:
        print("starting a worker (imports TensorFlow)…", flush=True)
        if not pool.wait_ready(timeout=180):
            raise SystemExit("the worker did not start")
        print(f"{len(RACERS)} optimizers × {args.steps} steps, median of {args.reps} warm races, target ≤ {TARGET_SECONDS} s\n")
        print(f"{'surface':<12} {'cold':>8} {'warm, worker-side':>18} {'warm, task call':>16}  within target")
        worst = 0.0
        for surface_key in args.surfaces:
            cold, _ = call(pool, payload(surface_key, args.steps, 0))
            inside, trips = [], []
            for rep in range(1, args.reps + 1):
                trip, result = call(pool, payload(surface_key, args.steps, rep))
                trips.append(trip)
                inside.append(result["seconds"])
            worker_side, round_trip = statistics.median(inside), statistics.median(trips)
            worst = max(worst, round_trip)
            verdict = "yes" if round_trip <= TARGET_SECONDS else "NO"
            print(f"{surface_key:<12} {cold:>7.3f}s {worker_side:>17.4f}s {round_trip:>15.4f}s  {verdict}")
            rows[surface_key] = {"cold_s": cold, "warm_worker_s": worker_side, "warm_call_s": round_trip}
        print(f"\nslowest warm task call: {worst:.4f} s ({'within' if worst <= TARGET_SECONDS else 'OVER'} the {TARGET_SECONDS} s target)")
    finally:
        pool.shutdown()
    return {"steps": args.steps, "reps": args.reps, "surfaces": rows}


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cli.add_argument("--reps", type=int, default=9, help="warm repetitions per surface (median reported)")
    cli.add_argument("--steps", type=int, default=300, help="steps per optimizer")
    cli.add_argument("--surfaces", nargs="*", default=list(SURFACES), choices=list(SURFACES))
    cli.add_argument("--smoke", action="store_true")
    options = cli.parse_args()
    main(options.smoke, options.reps, options.steps, options.surfaces)
