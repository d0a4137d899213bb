"""The ``DaskExecutor``'s book of jobs and how it files what Dask reports.

``JobBook`` is the base of ``dlcore.runtime.dask_executor.DaskExecutor``:
the job record (``DaskJob``) and the methods that move a job from state to
state as messages come in (a streamed event, a future's end, a worker's
departure) and as time passes (idle jobs, cancel grace, a lost scheduler).
They run under the executor's lock: its dispatcher thread files the inbox's
messages with them, and ``cancel`` / ``shutdown`` use them too.
``DaskExecutor.__init__`` sets the attributes declared here.
"""

from __future__ import annotations

import collections
import pickle
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from dlcore.runtime.executor import CANCELLED, DONE, FAILED, PENDING, RUNNING

STARTED = "_started"  # the runner's first event: which worker took the job
MODEL_HOMES = 10_000  # trained models whose worker is remembered (newest)
EVENTS_GRACE = 3.0  # seconds a finished job may wait for its last streamed events


@dataclass
class DaskJob:
    """One job as the executor tracks it, from submission to its filed end."""

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


class JobBook:
    """Files the jobs' state changes; the base of ``DaskExecutor`` (which sets these attributes)."""

    address: str
    idle_timeout: float
    cancel_grace: float
    keep_finished: float
    restarts: int
    lost_reason: str | None
    _client: Any  # distributed.Client
    _name: str
    _helper: ThreadPoolExecutor
    _jobs: dict[str, DaskJob]
    _by_key: dict[str, DaskJob]
    _queue: collections.deque[DaskJob]
    _workers: dict[str, int]
    _model_workers: collections.OrderedDict[str, str]

    def _key(self, job: DaskJob) -> str:
        return f"{self._name}-{job.job_id}"

    def _cancel_name(self, job: DaskJob) -> str:
        return f"{self._key(job)}-cancel"

    def _control_name(self, job: DaskJob) -> str:
        """The name of the job's ``distributed.Queue`` of pause / resume / step commands."""
        return f"{self._key(job)}-control"

    def _remote(self, function: Any, *args: Any) -> None:
        """Runs a scheduler call on the helper thread (it may wait for the network)."""
        try:
            self._helper.submit(_quietly, function, *args)
        except RuntimeError:
            pass  # shut down

    def _send_command(self, job: DaskJob, command: str) -> None:
        """Puts a command on the job's control queue (in order: one helper thread)."""
        self._remote(_put_command, self._client, self._control_name(job), command)

    def _set_cancel_event(self, job: DaskJob) -> None:
        """Sets the job's cancel event; its task stops after the current batch."""
        self._remote(_set_event, self._client, self._cancel_name(job))

    def _finish_locked(
        self,
        job: DaskJob,
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

    def _cancel_locked(self, job: DaskJob, error: dict[str, Any] | None) -> None:
        if job.state == PENDING:
            job.cancel_requested_at = time.time()
            self._finish_locked(job, CANCELLED, error=error or {"key": "job.cancelled"})
        elif job.state == RUNNING and job.cancel_requested_at is None:
            job.cancel_requested_at = time.time()
            if error is not None:
                job.error = error
            self._set_cancel_event(job)

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

    def _lost_job_locked(self, job: DaskJob, worker: str | None) -> None:
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

    def _settle_outcome_locked(self, job: DaskJob, *, force: bool = False) -> None:
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


def _quietly(function: Any, *args: Any) -> None:
    try:
        function(*args)
    except Exception:
        pass  # best effort: a lost scheduler is filed by the dispatcher


def _set_event(client: Any, name: str) -> None:
    from distributed import Event

    Event(name, client=client).set()


def _put_command(client: Any, name: str, command: str) -> None:
    """Puts ``command`` on the named queue. The worker holds the queue open
    while its job runs, so this reference may be closed at once; after the
    job ended, the queue made here is deleted again by the close."""
    from distributed import Queue

    control = Queue(name, client=client)
    try:
        control.put(command, timeout=10)
    finally:
        control.close()


def _cancel_future(future: Any) -> None:
    future.cancel()


def _restart_worker(client: Any, address: str) -> None:
    client.restart_workers([address], timeout=30, raise_for_error=False)
