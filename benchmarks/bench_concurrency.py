"""Concurrency: N trainings at once through the worker pool against the same
N one after another. Goal: total throughput ≥ 0.9× of sequential."""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import asdict

from dlcore.runtime.pool import WorkerPool
from dlcore.runtime.tasks import Task
from dlcore.spec import ModelSpec, TrainConfig


def _payload(epochs: int, seed: int) -> dict:
    return {
        "model": asdict(ModelSpec(n_inputs=11, units=(128, 128))),
        "train": asdict(TrainConfig(epochs=epochs, seed=seed)),
        "data": {"dataset": "wine"},
    }


def _wait(pool: WorkerPool, job_ids: list[str]) -> list:
    snapshots = {}
    while len(snapshots) < len(job_ids):
        for job_id in job_ids:
            if job_id not in snapshots:
                snapshot = pool.snapshot(job_id)
                if snapshot.finished:
                    snapshots[job_id] = snapshot
        time.sleep(0.02)
    return [snapshots[j] for j in job_ids]


def main(smoke: bool = False) -> dict:
    epochs = 2 if smoke else 20
    counts = (1, 2) if smoke else (1, 2, 4, 8)
    pool = WorkerPool(idle_timeout=3600)
    rows = {}
    try:
        pool.wait_ready(300)
        _wait(pool, [pool.submit(Task.TRAIN, _payload(2, 0)) for _ in range(pool.size)])  # warm
        for n in counts:
            started = time.perf_counter()
            for i in range(n):
                _wait(pool, [pool.submit(Task.TRAIN, _payload(epochs, i))])
            sequential = time.perf_counter() - started
            started = time.perf_counter()
            done = _wait(pool, [pool.submit(Task.TRAIN, _payload(epochs, i)) for i in range(n)])
            concurrent = time.perf_counter() - started
            waits = [s.started_at - s.submitted_at for s in done]
            rows[n] = {
                "sequential_s": sequential,
                "concurrent_s": concurrent,
                "throughput_ratio": sequential / concurrent,
                "longest_wait_s": max(waits),
                "median_wait_s": statistics.median(waits),
            }
            print(
                f"{n} at once on {pool.size} workers: sequential {sequential:.1f} s, concurrent {concurrent:.1f} s, "
                f"throughput {sequential / concurrent:.2f}x, longest wait {max(waits):.1f} s"
            )
    finally:
        pool.shutdown()
    return {"epochs": epochs, "workers": pool.size, "runs": rows}


if __name__ == "__main__":
    main("--smoke" in sys.argv)
