"""The executor interface pages use: job states, snapshots, submit/poll/cancel.

A page *submits* a job, *polls* its snapshot from a fragment, and may
*cancel* it. Those three calls are the whole interface (``Executor``); the
worker pool (``dlcore.runtime.pool.WorkerPool``) is one executor, and another
(a cluster scheduler, say) could stand behind the same pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

PENDING, RUNNING, DONE, FAILED, CANCELLED = "pending", "running", "done", "failed", "cancelled"
FINISHED_STATES = frozenset({DONE, FAILED, CANCELLED})


@dataclass(frozen=True)
class JobSnapshot:
    """What a caller may know about a job at one moment.

    Attributes:
        job_id: The job's id.
        state: ``pending``, ``running``, ``done``, ``failed`` or ``cancelled``.
        queue_position: 1-based place in the queue while pending, else None.
        events: The task's messages so far, as ``(kind, data)`` pairs.
        result: The task's return value once ``done``.
        error: ``{"key": ..., "values": ...}`` or ``{"message": ...}`` once
            ``failed`` or ``cancelled`` (``{"key": "job.cancelled_idle"}``).
        cancel_requested: Whether cancel() was called.
        submitted_at, started_at, finished_at: ``time.time()`` stamps.
    """

    job_id: str
    state: str
    queue_position: int | None
    events: tuple[tuple[str, dict[str, Any]], ...]
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    cancel_requested: bool
    submitted_at: float
    started_at: float | None
    finished_at: float | None

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES


class TrackedJob(Protocol):
    """What an executor keeps of a job (``pool._Job``, ``dask_jobs.DaskJob``)."""

    job_id: str
    state: str
    events: list[tuple[str, dict[str, Any]]]
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    cancel_requested_at: float | None
    submitted_at: float
    started_at: float | None
    finished_at: float | None


def snapshot_of(job: TrackedJob, queue: Sequence[TrackedJob]) -> JobSnapshot:
    """An immutable snapshot of a tracked job (call it under the executor's lock).

    Args:
        job: The job.
        queue: The executor's pending jobs, next first (for the queue position).

    Returns:
        The snapshot; ``queue_position`` is 1-based while the job is pending.
    """
    position = next(i for i, queued in enumerate(queue, 1) if queued is job) if job.state == PENDING else None
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


class Executor(Protocol):
    """The interface pages use: submit a job, poll it, cancel it."""

    def submit(self, task: str, payload: dict[str, Any]) -> str: ...

    def snapshot(self, job_id: str) -> JobSnapshot | None: ...

    def cancel(self, job_id: str) -> None: ...
