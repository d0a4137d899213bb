"""A pool of worker processes that run Keras jobs for the Streamlit server.

Keras never runs in the server process: Streamlit clears the Keras session
after every script run once Keras is imported there, and a training inside a
script run dies on the next rerun. Instead a page *submits* a job, *polls*
its snapshot from a fragment, and may *cancel* or *control* it (pause,
resume, step). Those calls are the whole executor interface
(``dlcore.runtime.executor.Executor``), so another executor (a Dask
cluster) stands behind the same pages.

Design:

* ``size`` worker processes (``python -m dlcore.runtime.worker``), each warm with
  Keras imported, each with its own message pipe and control pipe (one byte
  per command: cancel, pause, resume, step; ``dlcore.runtime.control``).
* One dispatcher thread owns the pipes: it hands pending jobs to idle workers
  in FIFO order, files the messages that come back, replaces workers that
  died or retired, cancels jobs nobody polled for ``idle_timeout`` seconds,
  and kills a worker whose cancelled job has not stopped within
  ``cancel_grace`` seconds.
* All job state is guarded by one lock; callers get immutable snapshots.
"""

from __future__ import annotations

import atexit
import collections
import itertools
import os
import subprocess
import threading
import time
import uuid
import weakref
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any

from dlcore.limits import env_float
from dlcore.runtime.control import COMMAND_BYTES
from dlcore.runtime.executor import (
    CANCEL,
    CANCELLED,
    DONE,
    FAILED,
    PENDING,
    RUNNING,
    JobSnapshot,
    check_command,
    snapshot_of,
)
from dlcore.runtime.tasks import CORE_TASK_MODULES
from dlcore.runtime.worker_process import WorkerOptions, WorkerProcess, close_pipes, kill_worker, spawn_worker


@dataclass
class _Job:
    job_id: str
    task: str
    payload: dict[str, Any]
    submitted_at: float
    last_seen: float
    state: str = PENDING
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    cancel_requested_at: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    worker: WorkerProcess | None = None


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity mask, else all)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def available_megabytes() -> float | None:
    """Memory available to new processes (Linux ``MemAvailable``), or None."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def default_pool_size(max_rss_mb: float) -> int:
    """Workers for this machine: one per core, as many as fit in 80 % of the
    available memory at the size where a worker is replaced (``max_rss_mb``),
    and at least one."""
    available = available_megabytes()
    by_memory = int(0.8 * available // max_rss_mb) if available else usable_cores()
    return max(1, min(usable_cores(), by_memory))


class WorkerPool:
    """Runs jobs in worker processes; thread-safe; shared by all sessions.

    Args:
        size: Number of worker processes (default: ``DLP_WORKERS``, else
            ``default_pool_size``: by cores and free memory).
        idle_timeout: Seconds without a ``snapshot``/``touch`` after which a
            job is cancelled (its page is gone).
        cancel_grace: Seconds a cancelled running job may take to stop before
            its worker is killed and replaced.
        max_rss_mb: Resident memory at which a worker retires after a job.
        keep_finished: Seconds a finished job stays available to snapshot.
        niceness: Scheduling priority the workers give away (``DLP_WORKER_NICE``,
            default 10), so the web server stays responsive under load.
        threads: TensorFlow threads per worker (default: the cores divided
            among the workers, at least one).
        task_modules: Modules whose registered tasks the workers run
            (``dlcore.runtime.tasks``); the app adds the lessons' modules.
    """

    def __init__(
        self,
        size: int | None = None,
        *,
        idle_timeout: float | None = None,
        cancel_grace: float = 10.0,
        max_rss_mb: float | None = None,
        keep_finished: float = 900.0,
        niceness: int | None = None,
        threads: int | None = None,
        task_modules: tuple[str, ...] = CORE_TASK_MODULES,
    ) -> None:
        self.max_rss_mb = max_rss_mb or env_float("DLP_WORKER_MAX_RSS_MB", 3072.0)
        self.size = max(1, size or int(env_float("DLP_WORKERS", default_pool_size(self.max_rss_mb))))
        self.idle_timeout = idle_timeout or env_float("DLP_JOB_IDLE_TIMEOUT", 60.0)
        self.cancel_grace = cancel_grace
        self.niceness = int(env_float("DLP_WORKER_NICE", 10)) if niceness is None else niceness
        self.threads = threads or max(1, usable_cores() // self.size)
        self.keep_finished = keep_finished
        self.task_modules = task_modules
        self._lock = threading.Lock()
        self._jobs: dict[str, _Job] = {}
        self._queue: collections.deque[_Job] = collections.deque()
        self._workers: list[WorkerProcess] = []
        self._closed = threading.Event()
        self._counter = itertools.count(1)
        self._worker_options = WorkerOptions(self.max_rss_mb, self.threads, self.niceness, self.task_modules)
        self.restarts = 0
        with self._lock:
            for index in range(self.size):
                self._workers.append(spawn_worker(index, self._worker_options))
        self._thread = threading.Thread(target=self._dispatch_loop, name="dlp-dispatcher", daemon=True)
        self._thread.start()
        atexit.register(_shutdown_ref, weakref.ref(self))

    # ----------------------------------------------------------- public API
    def submit(self, task: str, payload: dict[str, Any]) -> str:
        """Queues a job.

        Args:
            task: A registered task name (``dlcore.runtime.tasks.Task``),
                run in a worker as ``function(payload, emit, should_stop)``.
            payload: Picklable arguments.

        Returns:
            The job id.
        """
        now = time.time()
        job = _Job(f"{next(self._counter)}-{uuid.uuid4().hex[:8]}", task, payload, now, now)
        with self._lock:
            if self._closed.is_set():
                raise RuntimeError("the worker pool is shut down")
            self._jobs[job.job_id] = job
            self._queue.append(job)
            self._assign_locked()
        return job.job_id

    def snapshot(self, job_id: str) -> JobSnapshot | None:
        """The job's current state; also counts as a sign of life from its page.

        Args:
            job_id: As returned by ``submit``.

        Returns:
            A snapshot, or None if the job is unknown (or long finished).
        """
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            job.last_seen = time.time()
            return snapshot_of(job, self._queue)

    def touch(self, job_ids: list[str]) -> None:
        """Marks jobs as still wanted without copying their state."""
        now = time.time()
        with self._lock:
            for job_id in job_ids:
                job = self._jobs.get(job_id)
                if job is not None:
                    job.last_seen = now

    def cancel(self, job_id: str) -> None:
        """Cancels a job: a pending one leaves the queue, a running one stops
        after its current batch and keeps what it has streamed so far."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                self._cancel_locked(job, None)

    def control(self, job_id: str, command: str) -> None:
        """Sends ``"pause"``, ``"resume"`` or ``"step"`` to a running job
        (see ``dlcore.runtime.executor.Executor.control``); ignored otherwise."""
        code = COMMAND_BYTES[check_command(command)]
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.state == RUNNING and job.cancel_requested_at is None:
                self._send_locked(job, code)

    def stats(self) -> dict[str, int]:
        """Counts of workers, busy workers, ready workers, pending and known jobs."""
        with self._lock:
            return {
                "workers": len(self._workers),
                "ready": sum(w.ready for w in self._workers),
                "busy": sum(w.job is not None for w in self._workers),
                "pending": len(self._queue),
                "jobs": len(self._jobs),
                "restarts": self.restarts,
            }

    def worker_pids(self) -> list[int]:
        """Process ids of the current workers (for tests and diagnostics)."""
        with self._lock:
            return [w.process.pid for w in self._workers]

    def wait_ready(self, timeout: float = 120.0) -> bool:
        """Blocks until every worker is warm. Returns False on timeout."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.stats()["ready"] == self.size:
                return True
            time.sleep(0.05)
        return False

    def shutdown(self) -> None:
        """Stops the dispatcher and every worker; pending jobs are cancelled."""
        if self._closed.is_set():
            return
        self._closed.set()
        self._thread.join(timeout=5)
        with self._lock:
            for job in list(self._queue):
                self._finish_locked(job, CANCELLED, error={"key": "job.cancelled_shutdown"})
            self._queue.clear()
            for worker in self._workers:
                try:
                    worker.conn.send(None)
                except (OSError, ValueError):
                    pass
            workers = list(self._workers)
        for worker in workers:
            try:
                worker.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait(timeout=3)
            close_pipes(worker)

    # -------------------------------------------------------------- internals
    def _replace_locked(self, worker: WorkerProcess) -> None:
        kill_worker(worker)
        self.restarts += 1
        if not self._closed.is_set():
            self._workers[worker.index] = spawn_worker(worker.index, self._worker_options)

    def _finish_locked(
        self,
        job: _Job,
        state: str,
        *,
        result: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> None:
        job.state = state
        job.result = result
        job.error = error
        job.finished_at = time.time()
        if job.worker is not None:
            job.worker.job = None
            job.worker = None

    def _cancel_locked(self, job: _Job, error: dict[str, Any] | None) -> None:
        if job.state == PENDING:
            self._queue.remove(job)
            self._finish_locked(job, CANCELLED, error=error or {"key": "job.cancelled"})
        elif job.state == RUNNING and job.cancel_requested_at is None:
            job.cancel_requested_at = time.time()
            if error is not None:
                job.error = error
            self._send_locked(job, COMMAND_BYTES[CANCEL])

    def _send_locked(self, job: _Job, code: bytes) -> None:
        """Writes one command byte to the job's worker."""
        if job.worker is not None:
            try:
                job.worker.control.send_bytes(code)
            except OSError:
                pass  # the worker is gone; the health check files the job

    def _assign_locked(self) -> None:
        for worker in self._workers:
            if not self._queue:
                return
            if worker.ready and worker.job is None:
                job = self._queue.popleft()
                try:
                    worker.conn.send((job.job_id, job.task, job.payload))
                except (OSError, ValueError):
                    self._queue.appendleft(job)
                    continue
                job.state, job.worker, job.started_at = RUNNING, worker, time.time()
                worker.job = job

    def _handle_locked(self, worker: WorkerProcess, kind: str, job_id: str | None, data: dict[str, Any]) -> None:
        if kind == "ready":
            worker.ready = True
            return
        if kind == "recycle":
            self._replace_locked(worker)
            return
        job = worker.job
        if job is None or job.job_id != job_id:
            return
        if kind == "done":
            self._finish_locked(job, DONE, result=data, error=job.error)
        elif kind == "error":
            self._finish_locked(job, FAILED, error=data)
        else:
            job.events.append((kind, data))

    def _dispatch_loop(self) -> None:
        while not self._closed.is_set():
            with self._lock:
                conns = {w.conn: w for w in self._workers}
            try:
                readable = wait(list(conns), timeout=0.05)
            except OSError:
                readable = []
            with self._lock:
                for conn in readable:
                    worker = conns[conn]
                    if self._workers[worker.index] is not worker:
                        continue  # replaced meanwhile
                    try:
                        while worker.conn.poll():
                            self._handle_locked(worker, *worker.conn.recv())
                            if self._workers[worker.index] is not worker:
                                break
                    except (EOFError, OSError):
                        pass  # the liveness check below handles the dead worker
                self._check_health_locked()
                self._assign_locked()

    def _check_health_locked(self) -> None:
        now = time.time()
        for worker in list(self._workers):
            job = worker.job
            if worker.process.poll() is not None:
                if job is not None:
                    if job.cancel_requested_at is not None:
                        self._finish_locked(job, CANCELLED, error=job.error or {"key": "job.cancelled"})
                    else:
                        self._finish_locked(
                            job,
                            FAILED,
                            error={"key": "job.worker_crashed", "values": {"code": worker.process.returncode}},
                        )
                self._replace_locked(worker)
            elif (
                job is not None
                and job.cancel_requested_at is not None
                and now - job.cancel_requested_at > self.cancel_grace
            ):
                self._finish_locked(job, CANCELLED, error=job.error or {"key": "job.cancelled"})
                self._replace_locked(worker)
        for job in list(self._jobs.values()):
            if job.state in (PENDING, RUNNING) and now - job.last_seen > self.idle_timeout:
                self._cancel_locked(job, {"key": "job.cancelled_idle"})
            elif job.finished_at is not None and now - job.finished_at > self.keep_finished:
                del self._jobs[job.job_id]


def _shutdown_ref(ref: weakref.ref[WorkerPool]) -> None:
    pool = ref()
    if pool is not None:
        pool.shutdown()
