"""A session's jobs: start one per page, poll it, keep finished runs.

The session's work (every page's active job, run history and run counter)
is one ``dlcore.runtime.session_work.SessionWork`` kept under
``st.session_state[SESSION_WORK_KEY]``. Harvesting moves a finished job into
its page's history exactly once, whichever fragment sees it first.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dlcore.runtime.executor import JobSnapshot
from dlcore.runtime.runs import RUN_CAP, RunRecord
from dlcore.runtime.session_work import ActiveJob, SessionWork
from ui.pool import get_pool

SESSION_WORK_KEY = "session_work"


def session_work() -> SessionWork:
    """The session's work, created on first use (the one place it is made)."""
    if SESSION_WORK_KEY not in st.session_state:
        st.session_state[SESSION_WORK_KEY] = SessionWork()
    return st.session_state[SESSION_WORK_KEY]


def runs(page: str) -> list[RunRecord]:
    """The page's run history for this session (newest last)."""
    return session_work().page(page).runs


def clear_runs(page: str) -> None:
    """Forgets the page's run history (run numbers keep counting)."""
    session_work().page(page).runs = []


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
    session_work().start(page, ActiveJob(job_id=job_id, meta=meta))
    return job_id


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
        work.file(snapshot)
    return snapshot


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
    "clear_runs",
    "harvest_all",
    "poll",
    "runs",
    "session_work",
    "start_job",
]
