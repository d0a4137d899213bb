"""A session's jobs: start one per page, poll it, keep finished runs.

``st.session_state["jobs"]`` maps a page slug to its active job (id and the
settings it was started with); ``st.session_state["runs"]`` maps a page slug
to that page's run history (``dlcore.runtime.runs.RunRecord`` list, newest last).
Harvesting moves a finished job into the history exactly once, whichever
fragment sees it first.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dlcore.runtime.executor import JobSnapshot
from dlcore.runtime.runs import RUN_CAP, RunRecord, add_run, record_from_snapshot
from ui.pool import get_pool


def _jobs() -> dict[str, dict[str, Any]]:
    return st.session_state.setdefault("jobs", {})


def runs(page: str) -> list[RunRecord]:
    """The page's run history for this session (newest last)."""
    return st.session_state.setdefault("runs", {}).setdefault(page, [])


def clear_runs(page: str) -> None:
    st.session_state.setdefault("runs", {})[page] = []


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
    _jobs()[page] = {"job_id": job_id, "meta": meta}
    return job_id


def active_job(page: str) -> dict[str, Any] | None:
    """``{"job_id", "meta"}`` of the page's job not yet harvested, if any."""
    return _jobs().get(page)


def poll(page: str) -> JobSnapshot | None:
    """Snapshot of the page's active job; harvests it when it has finished.

    Returns:
        The snapshot (also when it just finished), or None without a job.
    """
    entry = active_job(page)
    if entry is None:
        return None
    snapshot = get_pool().snapshot(entry["job_id"])
    if snapshot is None:  # evicted or the pool was restarted
        _jobs().pop(page, None)
        return None
    if snapshot.finished:
        _jobs().pop(page, None)
        history = runs(page)
        history[:] = add_run(history, record_from_snapshot(_next_run_number(page), entry["meta"], snapshot))
    return snapshot


def _next_run_number(page: str) -> int:
    counter = st.session_state.setdefault("run_counter", {})
    counter[page] = counter.get(page, 0) + 1
    return counter[page]


def harvest_all() -> list[tuple[str, JobSnapshot]]:
    """Polls every active job of the session (keeps them alive, files the
    finished ones). Returns ``(page, snapshot)`` of those still running."""
    running = []
    for page in list(_jobs()):
        snapshot = poll(page)
        if snapshot is not None and not snapshot.finished:
            running.append((page, snapshot))
    return running


__all__ = ["RUN_CAP", "active_job", "clear_runs", "harvest_all", "poll", "runs", "start_job"]
