"""A session's jobs: start one per page, poll it, keep finished runs.

The session's work (every page's active job, run history and run counter)
is one ``dlcore.runtime.session_work.SessionWork`` kept under
``st.session_state[SESSION_WORK_KEY]``. Harvesting moves a finished job into
its page's history exactly once, whichever fragment sees it first.

Every run is also written behind to the store (``ui.store``): a running
row when it starts, its partial state every few epochs while it trains
(``PageWork.write_due``), and its final state when it is filed. The
session's own runs stay what the pages read; the store only keeps them.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import streamlit as st

from dlcore.runtime.executor import JobSnapshot
from dlcore.runtime.runs import RUN_CAP, RunRecord, record_from_snapshot
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
    job_id = get_pool().submit(task, payload)
    number = session_work().page(page).next_number()
    job = ActiveJob(job_id, meta, new_run_id(), now(), number, current_workspace())
    session_work().start(page, job)
    save_run(_write(page, job, RUNNING, RunRecord(number, meta, {}, None, run_id=job.run_id)))
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
    record = replace(record_from_snapshot(job.number, job.meta, snapshot), run_id=job.run_id)
    save_run(_write(page, job, RUNNING, record))


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
    "harvest_all",
    "poll",
    "runs",
    "session_work",
    "start_job",
]
