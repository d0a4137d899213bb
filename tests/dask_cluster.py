"""A real dask.distributed cluster on 127.0.0.1 for tests.

``local_cluster`` starts a scheduler and worker *processes* over TCP (as
``dask scheduler`` and ``dask worker --preload dlcore.runtime.dask_worker``
would on a school's machines). Workers made with ``keras=False`` import only
``tests.fake_tasks`` (no TensorFlow: they start in about a second).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from dlcore.runtime.executor import JobSnapshot

PRELOAD = "dlcore.runtime.dask_worker"
ROOT = Path(__file__).resolve().parent.parent


def local_cluster(n_workers: int = 2, *, keras: bool = True, tf_threads: int = 1, **kwargs: Any) -> Any:
    """A ``distributed.LocalCluster`` of ``n_workers`` one-thread worker processes.

    Args:
        n_workers: Worker processes.
        keras: Whether the workers import the course's task modules (TensorFlow).
        tf_threads: TensorFlow threads per job (``--dlp-threads``).
        **kwargs: More ``LocalCluster`` arguments.
    """
    from distributed import LocalCluster

    argv = ["--dlp-tasks", "tests.fake_tasks", "--dlp-threads", str(tf_threads)] + ([] if keras else ["--dlp-only"])
    return LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        protocol="tcp",
        dashboard_address=None,
        preload=[PRELOAD],
        preload_argv=argv,
        silence_logs=50,
        **kwargs,
    )


def wait_for(executor: Any, job_id: str, done: Any, timeout: float = 60.0) -> JobSnapshot:
    """Polls ``executor`` (as a page's fragment does) until ``done(snapshot)``."""
    deadline = time.monotonic() + timeout
    while True:
        snapshot = executor.snapshot(job_id)
        assert snapshot is not None, f"job {job_id} is unknown"
        if done(snapshot):
            return snapshot
        assert time.monotonic() < deadline, f"job {job_id} did not get there: {snapshot}"
        time.sleep(0.02)


def wait_finished(executor: Any, job_id: str, timeout: float = 60.0) -> JobSnapshot:
    """Polls until the job has finished (done, failed or cancelled)."""
    return wait_for(executor, job_id, lambda s: s.finished, timeout)


class CliCluster:
    """A scheduler and workers started with the commands a school types
    (``dask scheduler``, ``dask worker ... --preload dlcore.runtime.dask_worker``),
    as processes on 127.0.0.1 that a test may stop one by one.

    Args:
        n_workers: Worker processes.
        keras: Whether the workers import the course's task modules
            (TensorFlow) as a school's would; else only ``tests.fake_tasks``.
    """

    def __init__(self, n_workers: int = 1, *, keras: bool = False) -> None:
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.n_workers = n_workers
        self.keras = keras
        self.scheduler: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> CliCluster:
        dask = [sys.executable, "-m", "dask"]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": ROOT}
        self.scheduler = subprocess.Popen(
            [*dask, "scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard"], **quiet
        )
        deadline = time.monotonic() + 60
        while True:  # the scheduler listens before the workers (and the test) connect
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and self.scheduler.poll() is None, "the scheduler did not start"
                time.sleep(0.1)
        for _ in range(self.n_workers):
            self.workers.append(
                subprocess.Popen(
                    [*dask, "worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard"]
                    + [
                        "--preload",
                        PRELOAD,
                        *([] if self.keras else ["--dlp-only"]),
                        "--dlp-tasks",
                        "tests.fake_tasks",
                    ],
                    **quiet,
                )
            )
        return self

    def stop_scheduler(self) -> None:
        """Ends the scheduler process (its machine went away)."""
        assert self.scheduler is not None
        self.scheduler.kill()
        self.scheduler.wait(timeout=10)

    def __exit__(self, *exc: object) -> None:
        for process in [*self.workers, self.scheduler]:
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def free_port() -> int:
    """A TCP port nobody listens on at the moment, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
