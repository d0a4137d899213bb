"""A session's jobs: start one per page, poll it, keep finished runs.

The session's work (every page's active job, run history and run counter)
is one ``dlcore.runtime.session_work.SessionWork`` kept under
``st.session_state[SESSION_WORK_KEY]``. Harvesting moves a finished job into
its page's history exactly once, whichever fragment sees it first.

Every run is also written behind to the store (``ui.store``): a running
row when it starts, its partial state every few epochs while it trains
(``PageWork.write_due``), and its final state when it is filed. The
session's own runs stay what the pages read; the store only keeps them.

A run can be paused, stepped and resumed while its job runs
(``control_job``). A run whose job ended paused (its hold ran out and the
worker was freed), or ended at all, can be continued from its saved model
(``continue_run``): the continuation is a new job, but the same run (same
number, same store row), its epochs appended to the run's curves.
"""

from __future__ import annotations

import json
import time
from typing import Any

import streamlit as st

from dlcore.runtime.executor import JobSnapshot
from dlcore.runtime.model_store import saved_model
from dlcore.runtime.runs import RUN_CAP, RunRecord
from dlcore.runtime.session_work import ActiveJob, PageWork, SessionWork
from dlcore.store.runs import RunWrite, new_run_id, now
from dlcore.store.schema import FINISHED, RUNNING
from ui.class_posts import post_request
from ui.pool import get_pool
from ui.store import apply_cap, current_workspace, save_run

SESSION_WORK_KEY = "session_work"


def session_work() -> SessionWork:
    """The session's work, created on first use (the one place it is made)."""
    if SESSION_WORK_KEY not in st.session_state:
        st.session_state[SESSION_WORK_KEY] = SessionWork()
    return st.session_state[SESSION_WORK_KEY]


def runs(page: str) -> list[RunRecord]:
    """The page's run history for this session (newest last)."""
    return session_work().page(page).runs


def start_job(page: str, task: str, payload: dict[str, Any], meta: dict[str, Any]) -> str:
    """Submits a job for a page and remembers it in the session.

    Args:
        page: The page slug (one active job per page).
        task: Task name for the pool.
        payload: Task arguments.
        meta: Settings to keep with the run (model, train config, labels).

    Returns:
        The job id.
    """
    meta = _with_resume(meta, payload)
    job_id = get_pool().submit(task, payload)
    work = session_work().page(page)
    number = work.next_number()
    job = ActiveJob(job_id, meta, new_run_id(), now(), number, current_workspace())
    session_work().start(page, job)
    if "model_id" in payload:
        session_work().page(page).payload = (number, payload)
    save_run(_write(page, job, RUNNING, RunRecord(number, meta, {}, None, run_id=job.run_id)))
    return job_id


# Payload entries besides model, train and model_id kept with a run (and
# stored) so it can be continued after a reload; an upload's table is far
# bigger, so such a run is continued only from the session (``PageWork.payload``).
RESUME_MAX_CHARS = 4000


def _with_resume(meta: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """``meta`` with ``"resume"``: what else the payload of a run with a saved model holds, if small."""
    if "model_id" not in payload or "resume" in meta:
        return meta
    rest = {k: v for k, v in payload.items() if k not in ("model", "train", "model_id", "continue_from", "initial_epoch", "start_paused")}
    try:
        small = len(json.dumps(rest)) <= RESUME_MAX_CHARS
    except (TypeError, ValueError):  # arrays (an upload): not for the store
        small = False
    return {**meta, "resume": rest} if small else meta


def control_job(page: str, command: str) -> None:
    """Sends ``"pause"``, ``"resume"`` or ``"step"`` to the page's running job."""
    job = active_job(page)
    if job is not None:
        get_pool().control(job.job_id, command)


def continuation_payload(page: str, record: RunRecord) -> dict[str, Any] | None:
    """The payload that continues ``record`` from its saved model, or None
    when it cannot be continued (no saved model kept, or its data unknown)."""
    model_id = record.meta.get("model_id")
    if not model_id or record.result is None or saved_model(str(model_id)) is None:
        return None
    latest = session_work().page(page).payload
    if "resume" in record.meta:
        rest = dict(record.meta["resume"])
    elif latest is not None and latest[0] == record.number:
        rest = {k: v for k, v in latest[1].items() if k not in ("continue_from", "initial_epoch", "start_paused")}
    else:
        return None
    return {**rest, "model": record.meta["model"], "train": record.meta["train"], "model_id": model_id}


def continue_run(page: str, task: str, record: RunRecord, *, epochs: int, start_paused: bool = False) -> str | None:
    """Continues a run from its saved model as a new job of the same run.

    Args:
        page: The page slug.
        task: The task (the run's training task).
        record: The run (paused with its worker freed, or ended).
        epochs: The run's last epoch after the continuation (its planned
            epochs for Resume / Step, more for "Train N more epochs").
        start_paused: Hold after the first epoch (Step).

    Returns:
        The job id, or None if the run cannot be continued.
    """
    payload = continuation_payload(page, record)
    if payload is None:
        return None
    start = record.epochs_run
    train = {**record.meta["train"], "epochs": int(epochs)}
    payload.update(train=train, continue_from=payload["model_id"], initial_epoch=start, start_paused=start_paused)
    job_id = get_pool().submit(task, payload)
    meta = {**record.meta, "train": train, "initial_epoch": start}
    job = ActiveJob(job_id, meta, record.run_id, now(), record.number, current_workspace(), base=record)
    session_work().start(page, job)
    session_work().page(page).payload = (record.number, payload)
    return job_id


def _write(page: str, job: ActiveJob, status: str, record: RunRecord) -> RunWrite:
    """The store's copy of a run of ``job`` (its job id only while it runs)."""
    job_id = job.job_id if status == RUNNING else ""
    return RunWrite(job.run_id, job.workspace, page, status, record, job_id, job.started_at or now())


def active_job(page: str) -> ActiveJob | None:
    """The page's job not yet harvested, if any (``job_id``, ``meta``)."""
    return session_work().page(page).job


def poll(page: str) -> JobSnapshot | None:
    """Snapshot of the page's active job; harvests it when it has finished.

    Returns:
        The snapshot (also when it just finished), or None without a job.
    """
    work = session_work().page(page)
    if work.job is None:
        return None
    snapshot = get_pool().snapshot(work.job.job_id)
    if snapshot is None:  # evicted or the pool was restarted
        work.job = None
        return None
    if snapshot.finished:
        _file(page, work, snapshot)
    else:
        _write_partial(page, work, snapshot)
    return snapshot


def _write_partial(page: str, work: PageWork, snapshot: JobSnapshot) -> None:
    """Writes a running job's epochs so far, at the pace of ``PageWork.write_due``."""
    job = work.job
    epochs = sum(kind == "epoch" for kind, _ in snapshot.events)
    if job is None or not job.run_id or not work.write_due(epochs, time.monotonic()):
        return
    save_run(_write(page, job, RUNNING, job.record(snapshot)))


def _file(page: str, work: PageWork, snapshot: JobSnapshot) -> None:
    """Files the finished job in the session, writes its final state (with
    its class post, if any) and applies the workspace's cap once."""
    job = work.job
    record = work.file(snapshot)
    if job is None or not job.run_id:
        return  # a job started before runs were stored
    save_run(_write(page, job, FINISHED, record), post_request(page, job.run_id))
    apply_cap(job.workspace)


def harvest_all() -> list[tuple[str, JobSnapshot]]:
    """Polls every active job of the session (keeps them alive, files the
    finished ones). Returns ``(page, snapshot)`` of those still running."""
    running = []
    for page in session_work().active_pages():
        snapshot = poll(page)
        if snapshot is not None and not snapshot.finished:
            running.append((page, snapshot))
    return running


__all__ = [
    "RUN_CAP",
    "SESSION_WORK_KEY",
    "active_job",
    "continuation_payload",
    "continue_run",
    "control_job",
    "harvest_all",
    "poll",
    "runs",
    "session_work",
    "start_job",
]
