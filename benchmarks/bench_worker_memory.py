"""A training worker's memory over many runs of the course model.

One worker trains the course model (3 epochs) again and again with a new seed
each time, as a class would; its resident memory is read from /proc after the
first run and after the last. Goal: within 10 % of its size after the first.
"""

from __future__ import annotations

import sys
import time
from dataclasses import asdict

from dlcore.runtime.pool import WorkerPool
from dlcore.runtime.tasks import Task
from dlcore.spec import ModelSpec, TrainConfig


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (Linux)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def train(pool: WorkerPool, seed: int) -> None:
    payload = {
        "model": asdict(ModelSpec(n_inputs=11)),
        "train": asdict(TrainConfig(epochs=3, seed=seed)),
        "data": {"dataset": "wine"},
    }
    job_id = pool.submit(Task.TRAIN, payload)
    while not (snapshot := pool.snapshot(job_id)).finished:
        time.sleep(0.05)
    assert snapshot.result is not None, snapshot.error


def main(smoke: bool = False) -> dict:
    runs = 3 if smoke else 100
    pool = WorkerPool(size=1, idle_timeout=3600)
    try:
        pool.wait_ready(300)
        (pid,) = pool.worker_pids()
        ready = rss_mb(pid)
        train(pool, 0)
        first = rss_mb(pid)
        for seed in range(1, runs):
            train(pool, seed)
        last = rss_mb(pid)
        assert pool.worker_pids() == [pid], "the worker was replaced mid-benchmark"
    finally:
        pool.shutdown()
    result = {"runs": runs, "ready_mb": ready, "after_first_mb": first, "after_last_mb": last, "growth": last / first}
    print(f"worker RSS: ready {ready:.0f} MB, after run 1 {first:.0f} MB, after run {runs} {last:.0f} MB ({last / first:.3f}×)")
    return result


if __name__ == "__main__":
    main("--smoke" in sys.argv)
