"""A session's queue of runs for one page: started one after another.

The worker pool runs jobs from every session in parallel on its workers; a
page that wants several runs (the overfitting lesson's experiments) keeps its
own queue in ``st.session_state["queues"][page]`` and submits the next run
only when the page's previous job has been filed. ``advance`` does that; the
page calls it on every script run (the live view reruns the page when a job
ends), so the queue moves on by itself while the page is open.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.session_jobs import active_job, poll, start_job


def queued(page: str) -> list[dict[str, Any]]:
    """The page's waiting runs, next first: ``{"task", "payload", "meta"}`` dicts."""
    return st.session_state.setdefault("queues", {}).setdefault(page, [])


def enqueue(page: str, items: list[dict[str, Any]]) -> None:
    """Adds runs to the page's queue and starts the first if the page is idle.

    Args:
        page: Page slug.
        items: ``{"task", "payload", "meta"}`` dicts, in run order.
    """
    queued(page).extend(items)
    advance(page)


def clear_queue(page: str) -> None:
    """Drops the page's waiting runs (a running one is left alone)."""
    queued(page).clear()


def advance(page: str) -> None:
    """Files the page's finished job, if any, and starts the next queued run
    when the page has no job running."""
    if active_job(page) is not None:
        poll(page)
    waiting = queued(page)
    if active_job(page) is None and waiting:
        item = waiting.pop(0)
        start_job(page, item["task"], item["payload"], item["meta"])


def advance_all() -> None:
    """``advance`` for every page with a queue (for a poller that runs on
    every page, so a queue moves on while its page is not open)."""
    for page in list(st.session_state.get("queues", {})):
        advance(page)
