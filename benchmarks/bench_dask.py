"""Dask against the local pool, same run, same machine.

1. Dispatch: per-job overhead (submit → finished for an empty job) and time
   to the first epoch of the course model, through the local pool and
   through ``DaskExecutor`` on a ``distributed.LocalCluster`` (TCP on 127.0.0.1).
2. A class presses Train: 16 simultaneous trainings of the course model
   (20 epochs): total time and the last job's time to its first epoch, local
   pool of 2 workers against a LocalCluster of 2 workers.
3. A second machine: the same trainings on Dask workers pinned to one core
   each (``os.sched_setaffinity``), one worker ("one machine") against two
   workers on two different cores ("two machines"): the throughput a second
   machine adds.

``--smoke`` runs tiny sizes (the numbers mean nothing) in under a minute.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from dlcore.lessons import TASK_MODULES
from dlcore.runtime.dask_executor import DaskExecutor
from dlcore.runtime.pool import WorkerPool
from dlcore.runtime.tasks import Task
from dlcore.spec import ModelSpec, TrainConfig

ROOT = Path(__file__).resolve().parent.parent
FAKE = "tests.fake_tasks"  # an empty job: the dispatch cost alone


def _job(epochs: int, seed: int, smoke: bool) -> tuple[str, dict[str, Any]]:
    """A training of the course model, or (smoke) a Keras-free job of as many steps."""
    return ("test.ticks", {"n": epochs, "delay": 0.05}) if smoke else (Task.TRAIN, _payload(epochs, seed))


def _payload(epochs: int, seed: int) -> dict[str, Any]:
    return {
        "model": asdict(ModelSpec(n_inputs=11)),
        "train": asdict(TrainConfig(epochs=epochs, seed=seed)),
        "data": {"dataset": "wine"},
    }


def _wait(executor: Any, job_ids: list[str]) -> dict[str, dict[str, float]]:
    """Polls like the pages do (every 20 ms); per job: seconds to first event and to the end."""
    times: dict[str, dict[str, float]] = {}
    first: dict[str, float] = {}
    while len(times) < len(job_ids):
        for job_id in job_ids:
            if job_id in times:
                continue
            snapshot = executor.snapshot(job_id)
            now = time.time()
            if snapshot.events and job_id not in first:
                first[job_id] = now - snapshot.submitted_at
            if snapshot.finished:
                assert snapshot.state == "done", snapshot.error
                times[job_id] = {
                    "first_epoch_s": first.get(job_id, now - snapshot.submitted_at),
                    "total_s": now - snapshot.submitted_at,
                }
        time.sleep(0.02)
    return times


def _cluster(n_workers: int, tf_threads: int, keras: bool) -> Any:
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        protocol="tcp",
        dashboard_address=None,
        preload=["dlcore.runtime.dask_worker"],
        preload_argv=["--dlp-tasks", FAKE, "--dlp-threads", str(tf_threads)] + ([] if keras else ["--dlp-only"]),
        silence_logs=40,
    )


def _dispatch(executor: Any, jobs: int, epochs: int, smoke: bool) -> dict[str, float]:
    overhead = []
    for _ in range(jobs):
        time.sleep(0.5)  # the worker's clean-up after the previous job is not dispatch time
        overhead.append(_wait(executor, [executor.submit("test.ticks", {"n": 1})]))
    first = [_wait(executor, [executor.submit(*_job(epochs, 0, smoke))]) for _ in range(3)]
    return {
        "dispatch_ms": 1000 * statistics.median(next(iter(t.values()))["total_s"] for t in overhead),
        "first_epoch_s": statistics.median(next(iter(t.values()))["first_epoch_s"] for t in first),
    }


def _class(executor: Any, jobs: int, epochs: int, smoke: bool) -> dict[str, float]:
    started = time.perf_counter()
    times = _wait(executor, [executor.submit(*_job(epochs, i, smoke)) for i in range(jobs)])
    total = time.perf_counter() - started
    return {"total_s": total, "last_first_epoch_s": max(t["first_epoch_s"] for t in times.values())}


def _pinned_workers(address: str, cores: list[int], keras: bool) -> list[subprocess.Popen[bytes]]:
    """``dask worker`` processes, each pinned to one core (a one-core machine each)."""
    workers = []
    for core in cores:
        flags = ["--dlp-tasks", FAKE, "--dlp-threads", "1"] + ([] if keras else ["--dlp-only"])
        workers.append(
            subprocess.Popen(
                [sys.executable, "-m", "dask", "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard"]
                + ["--preload", "dlcore.runtime.dask_worker", *flags],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=lambda core=core: os.sched_setaffinity(0, {core}),
            )
        )
    return workers


def _machines(jobs: int, epochs: int, keras: bool) -> dict[str, Any]:
    """Throughput on one pinned worker against two workers pinned to two cores."""
    from distributed import LocalCluster

    task, payload = (Task.TRAIN, _payload(epochs, 0)) if keras else ("test.ticks", {"n": 20, "delay": 0.01})
    rows = {}
    for cores in ([0], [0, 1]):
        with LocalCluster(
            n_workers=0, host="127.0.0.1", protocol="tcp", dashboard_address=None, silence_logs=40
        ) as cluster:
            workers = _pinned_workers(cluster.scheduler_address, cores, keras)
            executor = DaskExecutor(cluster.scheduler_address, idle_timeout=3600)
            try:
                deadline = time.time() + 300
                while executor.stats()["workers"] < len(cores) and time.time() < deadline:
                    time.sleep(0.2)
                _wait(executor, [executor.submit(task, payload) for _ in cores])  # warm every worker
                started = time.perf_counter()
                _wait(executor, [executor.submit(task, payload) for _ in range(jobs)])
                seconds = time.perf_counter() - started
            finally:
                executor.shutdown()
                for worker in workers:
                    worker.kill()
                    worker.wait(timeout=10)
        rows[f"{len(cores)}_machines"] = {"total_s": seconds, "jobs_per_min": 60 * jobs / seconds}
    rows["speedup"] = rows["2_machines"]["jobs_per_min"] / rows["1_machines"]["jobs_per_min"]
    return rows


def main(smoke: bool = False) -> dict:
    jobs, epochs, probes = (2, 2, 3) if smoke else (16, 20, 30)
    workers = 1 if smoke else 2
    if len(os.sched_getaffinity(0)) < 2:
        print("bench_dask: needs two cores")
        return {}
    report: dict[str, Any] = {"jobs": jobs, "epochs": epochs, "workers": workers}
    pool = WorkerPool(size=workers, idle_timeout=3600, threads=1, task_modules=(*TASK_MODULES, FAKE))
    cluster = _cluster(workers, tf_threads=1, keras=not smoke)
    executor = DaskExecutor(cluster.scheduler_address, idle_timeout=3600)
    try:
        assert pool.wait_ready(300) and executor.wait_ready(300)
        for name, runner in (("local", pool), ("dask", executor)):
            _wait(runner, [runner.submit(*_job(2, 0, smoke)) for _ in range(workers)])  # warm
            report[name] = {**_dispatch(runner, probes, epochs, smoke), "class": _class(runner, jobs, epochs, smoke)}
            row = report[name]
            print(
                f"{name:5}: dispatch {row['dispatch_ms']:.0f} ms, first epoch {row['first_epoch_s']:.2f} s; "
                f"{jobs} trainings × {epochs} epochs on {workers} workers: {row['class']['total_s']:.1f} s, "
                f"last job's first epoch after {row['class']['last_first_epoch_s']:.1f} s",
                flush=True,
            )
    finally:
        executor.shutdown()
        cluster.close()
        pool.shutdown()
    report["machines"] = _machines(4 if smoke else 8, epochs, keras=not smoke)
    m = report["machines"]
    print(
        f"pinned: 1 machine {m['1_machines']['jobs_per_min']:.1f} jobs/min, 2 machines "
        f"{m['2_machines']['jobs_per_min']:.1f} jobs/min: ×{m['speedup']:.2f}",
        flush=True,
    )
    return report


if __name__ == "__main__":
    main("--smoke" in sys.argv)
