"""A Dask cluster while its scheduler answers, else the local pool.

``FallbackExecutor`` wraps ``dlcore.runtime.dask_executor.DaskExecutor``:
the pages keep working (on the server's own workers) when the scheduler is
unreachable at start or lost later, and go back to the cluster once it
answers again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from dlcore.runtime.dask_executor import DaskExecutor
from dlcore.runtime.executor import JobSnapshot


class FallbackExecutor:
    """A ``DaskExecutor`` while its scheduler answers, else a local pool.

    New jobs go to the cluster; if its scheduler is unreachable at start or
    lost later, they go to a local ``WorkerPool`` (started then), and the
    executor tries the scheduler again every ``retry_seconds`` in the
    background. Jobs already on a lost cluster fail with
    ``job.scheduler_lost``. Snapshots, touches, cancels and controls reach whichever
    executor holds the job. Nothing here raises into a page.

    Args:
        address: The scheduler address (``DLP_DASK_SCHEDULER``).
        local: Starts the local pool (called once, when first needed).
        connect: Starts a cluster executor for an address (tests pass options).
        retry_seconds: Seconds between attempts to reach a lost scheduler.
    """

    def __init__(
        self,
        address: str,
        local: Callable[[], Any],
        *,
        connect: Callable[[str], DaskExecutor] = DaskExecutor,
        retry_seconds: float = 30.0,
    ) -> None:
        self.address = address
        self.retry_seconds = retry_seconds
        self._local_factory = local
        self._connect = connect
        self._lock = threading.Lock()
        self._local: Any = None
        self._cluster: DaskExecutor | None = None
        self._retired: list[DaskExecutor] = []
        self._last_attempt = 0.0
        self._attempting = False
        self._try_connect()
        if self._cluster is None:
            self._local_pool()  # start warming the local workers now

    def notice(self) -> str | None:
        """``None`` on the cluster, ``"unreachable"`` if it was never
        reached, ``"lost"`` if its scheduler went away."""
        cluster = self._current_cluster()
        if cluster is not None:
            return None
        return "lost" if self._retired else "unreachable"

    def on_cluster(self) -> bool:
        """Whether new jobs go to the Dask cluster."""
        return self._current_cluster() is not None

    def submit(self, task: str, payload: dict[str, Any]) -> str:
        cluster = self._current_cluster()
        if cluster is not None:
            try:
                return cluster.submit(task, payload)
            except RuntimeError:
                pass  # lost just now: the local pool takes it
        return self._local_pool().submit(task, payload)

    def snapshot(self, job_id: str) -> JobSnapshot | None:
        for executor in self._executors():
            snapshot = executor.snapshot(job_id)
            if snapshot is not None:
                return snapshot
        return None

    def touch(self, job_ids: list[str]) -> None:
        for executor in self._executors():
            executor.touch(job_ids)

    def cancel(self, job_id: str) -> None:
        for executor in self._executors():
            executor.cancel(job_id)

    def control(self, job_id: str, command: str) -> None:
        for executor in self._executors():
            executor.control(job_id, command)

    def stats(self) -> dict[str, int]:
        """The stats of the executor that takes new jobs."""
        cluster = self._current_cluster()
        return cluster.stats() if cluster is not None else self._local_pool().stats()

    def wait_ready(self, timeout: float = 120.0) -> bool:
        cluster = self._current_cluster()
        return cluster.wait_ready(timeout) if cluster is not None else self._local_pool().wait_ready(timeout)

    def shutdown(self) -> None:
        for executor in self._executors():
            executor.shutdown()

    # -------------------------------------------------------------- internals
    def _executors(self) -> list[Any]:
        with self._lock:
            found = [*self._retired, *([self._cluster] if self._cluster is not None else [])]
            return found + ([self._local] if self._local is not None else [])

    def _local_pool(self) -> Any:
        with self._lock:
            if self._local is None:
                self._local = self._local_factory()
            return self._local

    def _current_cluster(self) -> DaskExecutor | None:
        with self._lock:
            cluster = self._cluster
            if cluster is not None and not cluster.healthy:
                self._retired.append(cluster)  # keeps its failed jobs readable
                self._cluster = cluster = None
            retry = cluster is None and not self._attempting and time.time() - self._last_attempt > self.retry_seconds
            if retry:
                self._attempting = True
        if retry:
            threading.Thread(target=self._try_connect, name="dlp-dask-reconnect", daemon=True).start()
        return cluster

    def _try_connect(self) -> None:
        try:
            cluster = self._connect(self.address)
        except Exception:  # SchedulerUnreachable, or a bad address: stay local
            cluster = None
        with self._lock:
            self._last_attempt, self._attempting = time.time(), False
            if cluster is not None:
                self._cluster = cluster
