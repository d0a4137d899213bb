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
* The scheduler's own ``"all"`` topic says when a worker leaves: its running
  jobs fail with a clear message (``job.worker_lost``) instead of waiting for
  a rerun the page would not understand.
* A job that names a trained ``model_id`` (a prediction) goes to the worker
  that trained it, whose disk holds the saved model.
* A lost scheduler (the client cannot reach it) fails every job with
  ``job.scheduler_lost``; ``healthy`` turns False and ``FallbackExecutor``
  sends new jobs to a local pool.

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
import pickle
import queue
import threading
import time
import uuid
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from dlcore.limits import env_float
from dlcore.runtime.executor import CANCELLED, DONE, FAILED, PENDING, RUNNING, JobSnapshot

ALL_TOPIC = "all"  # the scheduler's own topic: workers added and removed
STARTED = "_started"  # the runner's first event: which worker took the job
WORKER_SIDE = "dlcore.runtime.dask_worker"  # the preload and the job runner (imports Keras there)
MODEL_HOMES = 10_000  # trained models whose worker is remembered (newest)
EVENTS_GRACE = 3.0  # seconds a finished job may wait for its last streamed events


class SchedulerUnreachable(RuntimeError):
    """The scheduler did not answer when the executor started."""


@dataclass
class _DaskJob:
    job_id: str
    task: str
    payload: dict[str, Any]
    submitted_at: float
    last_seen: float
    state: str = PENDING
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    received: int = 0  # events received, including the runner's own "_started"
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    cancel_requested_at: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    future: Any = None  # distributed.Future once handed to Dask
    worker: str | None = None
    outcome: dict[str, Any] | None = None  # run_job's return, while events are still due
    outcome_at: float | None = None


class DaskExecutor:
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
        self._jobs: dict[str, _DaskJob] = {}
        self._by_key: dict[str, _DaskJob] = {}
        self._queue: collections.deque[_DaskJob] = collections.deque()  # pending, in submission order
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
        job = _DaskJob(f"d{next(self._counter)}-{uuid.uuid4().hex[:8]}", str(task), payload, now, now)
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
            position = None
            if job.state == PENDING:
                position = next(i for i, queued in enumerate(self._queue, 1) if queued is job)
            return JobSnapshot(
                job_id=job.job_id,
                state=job.state,
                queue_position=position,
                events=tuple(job.events),
                result=job.result,
                error=job.error,
                cancel_requested=job.cancel_requested_at is not None,
                submitted_at=job.submitted_at,
                started_at=job.started_at,
                finished_at=job.finished_at,
            )

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
    def _key(self, job: _DaskJob) -> str:
        return f"{self._name}-{job.job_id}"

    def _cancel_name(self, job: _DaskJob) -> str:
        return f"{self._key(job)}-cancel"

    def _refresh_workers(self) -> None:
        """Reads the cluster's workers and threads (a scheduler call: never under the lock)."""
        try:
            info = self._client.scheduler_info(n_workers=-1)
        except Exception:
            return  # the client's status tells the dispatcher if the scheduler is gone
        workers = {address: int(w.get("nthreads", 1)) for address, w in info.get("workers", {}).items()}
        with self._lock:
            self._workers = workers

    def _remote(self, function: Any, *args: Any) -> None:
        """Runs a scheduler call on the helper thread (it may wait for the network)."""
        try:
            self._helper.submit(_quietly, function, *args)
        except RuntimeError:
            pass  # shut down

    def _set_cancel_event(self, job: _DaskJob) -> None:
        """Sets the job's cancel event; its task stops after the current batch."""
        self._remote(_set_event, self._client, self._cancel_name(job))

    def _finish_locked(
        self,
        job: _DaskJob,
        state: str,
        *,
        result: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> None:
        if job in self._queue:
            self._queue.remove(job)
        job.state, job.result, job.error = state, result, error
        job.finished_at = time.time()
        job.outcome = None
        if job.future is not None:
            self._by_key.pop(self._key(job), None)
            if state != DONE and self.lost_reason is None:
                self._remote(_cancel_future, job.future)  # release its key (a queued one never runs)
            job.future = None

    def _cancel_locked(self, job: _DaskJob, error: dict[str, Any] | None) -> None:
        if job.state == PENDING:
            job.cancel_requested_at = time.time()
            self._finish_locked(job, CANCELLED, error=error or {"key": "job.cancelled"})
        elif job.state == RUNNING and job.cancel_requested_at is None:
            job.cancel_requested_at = time.time()
            if error is not None:
                job.error = error
            self._set_cancel_event(job)

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
                key=key,
                pure=False,
                retries=0,
                **place,
            )
            self._by_key[key] = job
            job.future.add_done_callback(partial(_future_done, self._inbox, job.job_id))
            free -= 1

    def _on_event(self, message: dict[str, Any]) -> None:
        job = self._jobs.get(str(message.get("job")))
        if job is None:
            return
        if job.finished_at is not None:
            if job.received == 0 and job.cancel_requested_at is not None:
                self._set_cancel_event(job)  # cancelled while Dask was starting it
            job.received += 1
            return
        job.received += 1
        kind, data = pickle.loads(message["message"])  # from our own workers (Dask pickles too)
        if kind == STARTED:
            if job in self._queue:
                self._queue.remove(job)
            job.state, job.started_at, job.worker = RUNNING, time.time(), data.get("worker")
            model_id = job.payload.get("model_id")
            if model_id and "model" in job.payload and job.worker:
                self._model_workers[str(model_id)] = job.worker
                while len(self._model_workers) > MODEL_HOMES:
                    self._model_workers.popitem(last=False)
        else:
            job.events.append((kind, data))
        self._settle_outcome_locked(job)

    def _on_cluster(self, message: dict[str, Any]) -> bool:
        """Files a worker's departure; returns whether the workers changed."""
        action = message.get("action")
        if action == "remove-worker":
            keys = set(message.get("processing-tasks") or ())
            for key in keys:
                job = self._by_key.get(key)
                if job is not None and job.finished_at is None and job.state == RUNNING:
                    self.restarts += 1
                    self._lost_job_locked(job, message.get("worker"))
            self._workers.pop(str(message.get("worker")), None)
            return True
        return action == "add-worker"

    def _lost_job_locked(self, job: _DaskJob, worker: str | None) -> None:
        job.cancel_requested_at = job.cancel_requested_at or time.time()
        self._set_cancel_event(job)  # a rerun Dask may have started elsewhere stops at once
        self._finish_locked(job, FAILED, error={"key": "job.worker_lost", "values": {"worker": worker or "?"}})

    def _on_done(self, job_id: str, status: str, value: Any) -> None:
        """Files a future's end: ``value`` is run_job's outcome or the exception."""
        job = self._jobs.get(job_id)
        if job is None or job.finished_at is not None:
            return
        if status == "finished":
            job.outcome, job.outcome_at = value, time.time()
            self._settle_outcome_locked(job)
        elif status == "cancelled":
            # The client cancels futures itself only when its scheduler connection breaks.
            self._finish_locked(job, FAILED, error={"key": "job.scheduler_lost", "values": {"address": self.address}})
        elif type(value).__name__ == "KilledWorker":  # the scheduler's allowed-failures ran out
            self.restarts += 1
            self._lost_job_locked(job, None)
        else:
            self._finish_locked(job, FAILED, error={"message": f"{type(value).__name__}: {value}"})

    def _settle_outcome_locked(self, job: _DaskJob, *, force: bool = False) -> None:
        """Files a returned job once all its events arrived (or the grace ran out)."""
        outcome = job.outcome
        if outcome is None or (job.received < int(outcome.get("events", 0)) and not force):
            return
        if outcome["status"] == "done":
            # As the local pool: a stopped job is done, with its partial result
            # (and the idle-cancel note, if that is why it stopped).
            self._finish_locked(job, DONE, result=outcome["result"], error=job.error)
        else:
            self._finish_locked(job, FAILED, error=outcome["error"])

    def _check_locked(self) -> None:
        now = time.time()
        for job in list(self._jobs.values()):
            if job.finished_at is None:
                if job.outcome is not None and now - (job.outcome_at or now) > EVENTS_GRACE:
                    self._settle_outcome_locked(job, force=True)
                elif job.cancel_requested_at is not None and now - job.cancel_requested_at > self.cancel_grace:
                    self._finish_locked(job, CANCELLED, error=job.error or {"key": "job.cancelled"})
                    if job.worker:
                        self._remote(_restart_worker, self._client, job.worker)
                elif now - job.last_seen > self.idle_timeout:
                    self._cancel_locked(job, {"key": "job.cancelled_idle"})
            elif now - job.finished_at > self.keep_finished:
                del self._jobs[job.job_id]

    def _scheduler_lost_locked(self) -> None:
        self.lost_reason = f"lost the scheduler at {self.address}"
        for job in list(self._jobs.values()):
            if job.finished_at is None:
                self._finish_locked(
                    job, FAILED, error={"key": "job.scheduler_lost", "values": {"address": self.address}}
                )

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


class FallbackExecutor:
    """A ``DaskExecutor`` while its scheduler answers, else a local pool.

    New jobs go to the cluster; if its scheduler is unreachable at start or
    lost later, they go to a local ``WorkerPool`` (started then), and the
    executor tries the scheduler again every ``retry_seconds`` in the
    background. Jobs already on a lost cluster fail with
    ``job.scheduler_lost``. Snapshots, touches and cancels reach whichever
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


def _quietly(function: Any, *args: Any) -> None:
    try:
        function(*args)
    except Exception:
        pass  # best effort: a lost scheduler is filed by the dispatcher


def _set_event(client: Any, name: str) -> None:
    from distributed import Event

    Event(name, client=client).set()


def _cancel_future(future: Any) -> None:
    future.cancel()


def _restart_worker(client: Any, address: str) -> None:
    client.restart_workers([address], timeout=30, raise_for_error=False)


def _shutdown_ref(ref: weakref.ref[DaskExecutor]) -> None:
    executor = ref()
    if executor is not None:
        executor.shutdown()
