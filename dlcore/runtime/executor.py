"""The executor interface pages use: job states, snapshots, submit/poll/cancel.

A page *submits* a job, *polls* its snapshot from a fragment, may
*cancel* it, and may *control* it: pause it after its current epoch, resume
it, or step it one epoch while paused. Those four calls are the whole
interface (``Executor``); the worker pool (``dlcore.runtime.pool.WorkerPool``)
and the Dask executor (``dlcore.runtime.dask_executor.DaskExecutor``) both
implement it.

Control reaches the running task through the third argument it is called
with, a ``dlcore.runtime.control.JobControl``: calling it says whether the job
was cancelled (``should_stop``), and its ``commands()`` yields the pause /
resume / step commands. The task answers with events: ``("paused",
{"epoch": k})`` when it holds, ``("resumed", {"epoch": k, "step": bool})``
when it goes on, so ``JobSnapshot.paused`` is read from the events alone and
means the same on every executor. A command for a job that is not running is
ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

PENDING, RUNNING, DONE, FAILED, CANCELLED = "pending", "running", "done", "failed", "cancelled"
FINISHED_STATES = frozenset({DONE, FAILED, CANCELLED})

# Commands of ``Executor.control`` (CANCEL is ``Executor.cancel``'s, on the same channel).
PAUSE, RESUME, STEP, CANCEL = "pause", "resume", "step", "cancel"
CONTROL_COMMANDS = frozenset({PAUSE, RESUME, STEP})


def check_command(command: str) -> str:
    """Returns ``command`` if it is one of ``CONTROL_COMMANDS``.

    Raises:
        ValueError: For any other command.
    """
    if command not in CONTROL_COMMANDS:
        raise ValueError(f"not a control command: {command!r}")
    return command


def is_paused(events: Sequence[tuple[str, dict[str, Any]]]) -> bool:
    """Whether the job holds now: its last ``paused`` / ``resumed`` event is ``paused``."""
    for kind, _ in reversed(events):
        if kind in ("paused", "resumed"):
            return kind == "paused"
    return False


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
        paused: Whether the running job holds after an epoch (Pause); False
            once it finished.
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
    paused: bool = False

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
        paused=job.state == RUNNING and is_paused(job.events),
    )


class Executor(Protocol):
    """The interface pages use: submit a job, poll it, cancel it, control it."""

    def submit(self, task: str, payload: dict[str, Any]) -> str: ...

    def snapshot(self, job_id: str) -> JobSnapshot | None: ...

    def cancel(self, job_id: str) -> None: ...

    def control(self, job_id: str, command: str) -> None:
        """Sends ``"pause"``, ``"resume"`` or ``"step"`` to a running job.

        Pause: the job holds after its current epoch (a ``paused`` event),
        keeping its model and optimizer state in the worker. Resume: it goes
        on. Step: it runs exactly one more epoch and holds again. A job held
        longer than ``DLP_PAUSE_SECONDS`` ends by itself (training jobs save
        their model and return ``stop_reason`` ``"paused"``). Cancel still
        works while held.
        """
        ...
