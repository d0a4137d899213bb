"""The executor interface over a dask.distributed cluster.

``DaskExecutor`` gives the pages what ``dlcore.runtime.pool.WorkerPool``
gives them (``submit / snapshot / cancel``, ``touch``, ``stats``,
``wait_ready``, ``shutdown``), with the work done by Dask workers on other
machines (``dlcore.runtime.dask_worker`` is their preload):

* Jobs wait here in submission order and go to Dask only while the cluster
  has a free worker thread, so the queue position a page shows is exact and
  a pending job leaves the queue at once when cancelled. Dask chooses the
  worker, ships the payload and runs ``dask_worker.run_job`` there.
* Epochs stream back as scheduler events (``Client.subscribe_topic``), pushed
  while the job runs; Stop sets the job's ``distributed.Event``, which the
  task sees after its current batch and returns its partial history.
* Pause / Resume / Step (``control``) go on the job's ``distributed.Queue``,
  which a waiter thread in the worker reads (a blocking get held open on the
  scheduler) into the task's ``JobControl``.
* The scheduler's own ``"all"`` topic says when a worker leaves: its running
  jobs fail with a clear message (``job.worker_lost``) instead of waiting for
  a rerun the page would not understand.
* A job that names a trained ``model_id`` (a prediction) goes to the worker
  that trained it, whose disk holds the saved model.
* A lost scheduler (the client cannot reach it) fails every job with
  ``job.scheduler_lost``; ``healthy`` turns False and ``FallbackExecutor``
  (``dlcore.runtime.dask_fallback``) sends new jobs to a local pool.

The job record and the filing of what Dask reports (events, a future's end,
a worker leaving, timeouts) are in ``dlcore.runtime.dask_jobs`` (``JobBook``,
this class's base).

This side never imports a task module (no Keras in the Streamlit server):
Dask ships ``run_on_worker`` (by reference), which imports
``dlcore.runtime.dask_worker`` by name in the worker.

Threads: Dask calls the topic handlers on its event loop and the future
callbacks on its callback thread; both only put messages in an inbox. One
dispatcher thread files them and submits jobs; calls that wait on the
scheduler (capacity, cancel events) run on a helper thread, never under the lock.
"""

from __future__ import annotations

import atexit
import collections
import importlib
import itertools
import queue
import threading
import time
import uuid
import weakref
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from dlcore.limits import env_float
from dlcore.runtime.dask_jobs import DaskJob, JobBook
from dlcore.runtime.executor import CANCELLED, RUNNING, JobSnapshot, check_command, snapshot_of

ALL_TOPIC = "all"  # the scheduler's own topic: workers added and removed
WORKER_SIDE = "dlcore.runtime.dask_worker"  # the preload and the job runner (imports Keras there)


class SchedulerUnreachable(RuntimeError):
    """The scheduler did not answer when the executor started."""


class DaskExecutor(JobBook):
    """Runs jobs on a dask.distributed cluster; thread-safe; shared by all sessions.

    Args:
        address: The scheduler, e.g. ``tcp://10.0.0.5:8786``.
        idle_timeout: Seconds without ``snapshot``/``touch`` after which a job
            is cancelled (``DLP_JOB_IDLE_TIMEOUT``, default 60).
        cancel_grace: Seconds a cancelled running job may take to stop before
            it is filed as cancelled and its worker restarted.
        keep_finished: Seconds a finished job stays available to snapshot.
        connect_timeout: Seconds to reach the scheduler at start.

    Raises:
        SchedulerUnreachable: If the scheduler does not answer in time.
    """

    def __init__(
        self,
        address: str,
        *,
        idle_timeout: float | None = None,
        cancel_grace: float = 10.0,
        keep_finished: float = 900.0,
        connect_timeout: float = 5.0,
    ) -> None:
        from distributed import Client

        self.address = address
        self.idle_timeout = idle_timeout or env_float("DLP_JOB_IDLE_TIMEOUT", 60.0)
        self.cancel_grace = cancel_grace
        self.keep_finished = keep_finished
        try:
            self._client = Client(address, timeout=connect_timeout, set_as_default=False)
        except Exception as exc:  # OSError, TimeoutError, a bad address (ValueError)
            raise SchedulerUnreachable(f"{address}: {exc}") from exc
        self._name = f"dlp-{uuid.uuid4().hex[:12]}"
        self._topic = f"{self._name}-events"
        self._lock = threading.Lock()
        self._jobs: dict[str, DaskJob] = {}
        self._by_key: dict[str, DaskJob] = {}
        self._queue: collections.deque[DaskJob] = collections.deque()  # pending, in submission order
        self._inbox: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._helper = ThreadPoolExecutor(1, thread_name_prefix="dlp-dask-rpc")
        self._counter = itertools.count(1)
        self._closed = threading.Event()
        self._workers: dict[str, int] = {}  # address -> threads
        # A training saves its model on its worker's disk (dlcore.runtime.model_store):
        # later jobs naming that model_id (predictions) go to the same worker.
        self._model_workers: collections.OrderedDict[str, str] = collections.OrderedDict()
        self.restarts = 0  # workers lost while running a job
        self.lost_reason: str | None = None
        self._refresh_workers()
        self._client.subscribe_topic(self._topic, lambda event: self._inbox.put(("event", event[1])))
        self._client.subscribe_topic(ALL_TOPIC, lambda event: self._inbox.put(("cluster", event[1])))
        self._thread = threading.Thread(target=self._dispatch_loop, name="dlp-dask-dispatcher", daemon=True)
        self._thread.start()
        atexit.register(_shutdown_ref, weakref.ref(self))

    # ----------------------------------------------------------- public API
    @property
    def healthy(self) -> bool:
        """Whether the scheduler is reachable and the executor takes jobs."""
        return self.lost_reason is None and not self._closed.is_set()

    def submit(self, task: str, payload: dict[str, Any]) -> str:
        """Queues a job (see ``WorkerPool.submit``).

        Raises:
            RuntimeError: If the executor is shut down or its scheduler lost.
        """
        now = time.time()
        job = DaskJob(f"d{next(self._counter)}-{uuid.uuid4().hex[:8]}", str(task), payload, now, now)
        with self._lock:
            if not self.healthy:
                raise RuntimeError(f"the Dask executor is not available ({self.lost_reason or 'shut down'})")
            self._jobs[job.job_id] = job
            self._queue.append(job)
        self._inbox.put(("wake", None))
        return job.job_id

    def snapshot(self, job_id: str) -> JobSnapshot | None:
        """The job's current state; also counts as a sign of life from its page."""
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
        check_command(command)
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.state == RUNNING and job.cancel_requested_at is None:
                self._send_command(job, command)

    def stats(self) -> dict[str, int]:
        """Counts as ``WorkerPool.stats``: Dask workers (each warm once it
        joined, as the preload runs first), busy jobs, pending jobs."""
        with self._lock:
            workers = len(self._workers) if self.healthy else 0
            return {
                "workers": workers,
                "ready": workers,
                "busy": sum(job.state == RUNNING for job in self._jobs.values()),
                "pending": len(self._queue),
                "jobs": len(self._jobs),
                "restarts": self.restarts,
                "threads": sum(self._workers.values()) if self.healthy else 0,
            }

    def wait_ready(self, timeout: float = 120.0) -> bool:
        """Blocks until at least one worker has joined. Returns False on timeout."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.stats()["ready"]:
                return True
            self._inbox.put(("refresh", None))
            time.sleep(0.2)
        return False

    def worker_addresses(self) -> list[str]:
        """The workers the executor knows (for tests and diagnostics)."""
        with self._lock:
            return sorted(self._workers)

    def shutdown(self) -> None:
        """Cancels every job, stops the dispatcher and closes the client."""
        if self._closed.is_set():
            return
        with self._lock:
            for job in list(self._jobs.values()):
                if job.finished_at is None:
                    if job.state == RUNNING:
                        self._set_cancel_event(job)
                    job.cancel_requested_at = job.cancel_requested_at or time.time()
                    self._finish_locked(job, CANCELLED, error={"key": "job.cancelled_shutdown"})
        self._closed.set()
        self._inbox.put(("wake", None))
        self._thread.join(timeout=5)
        lost = self.lost_reason is not None
        self._helper.shutdown(wait=not lost, cancel_futures=lost)
        try:
            if not lost:
                for topic in (self._topic, ALL_TOPIC):
                    self._client.unsubscribe_topic(topic)
            self._client.close(timeout=5)
        except Exception:
            pass  # a lost scheduler: nothing to close there

    # -------------------------------------------------------------- internals
    def _refresh_workers(self) -> None:
        """Reads the cluster's workers and threads (a scheduler call: never under the lock)."""
        try:
            info = self._client.scheduler_info(n_workers=-1)
        except Exception:
            return  # the client's status tells the dispatcher if the scheduler is gone
        workers = {address: int(w.get("nthreads", 1)) for address, w in info.get("workers", {}).items()}
        with self._lock:
            self._workers = workers

    def _dispatch_locked(self) -> None:
        """Hands the oldest waiting jobs to Dask while worker threads are free."""
        free = sum(self._workers.values()) - sum(
            1 for job in self._jobs.values() if job.future is not None and job.finished_at is None
        )
        for job in list(self._queue):
            if free <= 0:
                return
            if job.future is not None:
                continue
            key = self._key(job)
            home = self._model_workers.get(str(job.payload.get("model_id")))
            place = {"workers": [home], "allow_other_workers": True} if home and "model" not in job.payload else {}
            job.future = self._client.submit(
                run_on_worker,
                job.job_id,
                job.task,
                job.payload,
                self._topic,
                self._cancel_name(job),
                self._control_name(job),
                key=key,
                pure=False,
                retries=0,
                **place,
            )
            self._by_key[key] = job
            job.future.add_done_callback(partial(_future_done, self._inbox, job.job_id))
            free -= 1

    def _dispatch_loop(self) -> None:
        last_refresh = time.monotonic()
        while not self._closed.is_set():
            messages: list[tuple[str, Any]] = []
            try:
                messages.append(self._inbox.get(timeout=0.2))
                while True:
                    messages.append(self._inbox.get_nowait())
            except queue.Empty:
                pass
            refresh = time.monotonic() - last_refresh > 5.0 or any(kind == "refresh" for kind, _ in messages)
            with self._lock:
                for kind, message in messages:
                    if kind == "event":
                        self._on_event(message)
                    elif kind == "done":
                        self._on_done(*message)
                    elif kind == "cluster":
                        refresh = self._on_cluster(message) or refresh
                if self.lost_reason is None and self._client.status not in ("running", "newly-created"):
                    self._scheduler_lost_locked()
                self._check_locked()
                if self.lost_reason is None:
                    try:
                        self._dispatch_locked()
                    except Exception:
                        self._scheduler_lost_locked()  # submit failed: the client is closing
            if refresh and self.lost_reason is None:
                self._refresh_workers()
                last_refresh = time.monotonic()
                with self._lock:
                    self._dispatch_locked()


def run_on_worker(*args: Any) -> dict[str, Any]:
    """What Dask runs: ``dask_worker.run_job(*args)``, imported by name there,
    so this (server-side) module never imports the worker side."""
    return importlib.import_module(WORKER_SIDE).run_job(*args)


def _future_done(inbox: queue.SimpleQueue[tuple[str, Any]], job_id: str, future: Any) -> None:
    """Dask's callback thread: reads the future's outcome (outside the executor's lock)."""
    status, value = future.status, None
    try:
        if status == "finished":
            value = future.result(timeout=30)
        elif status != "cancelled":
            value = future.exception(timeout=30)
    except Exception as exc:  # the result could not be fetched (worker or scheduler gone)
        status, value = "error", exc
    inbox.put(("done", (job_id, status, value)))


def _shutdown_ref(ref: weakref.ref[DaskExecutor]) -> None:
    executor = ref()
    if executor is not None:
        executor.shutdown()
