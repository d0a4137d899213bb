"""A session's queue of runs for one page: started one after another.

The worker pool runs jobs from every session in parallel on its workers; a
page that wants several runs (the overfitting lesson's experiments) keeps its
own queue (``PageWork.queue`` in the session's work) and submits the next run
only when the page's previous job has been filed. ``advance`` does that; the
page calls it on every script run (the live view reruns the page when a job
ends), so the queue moves on by itself while the page is open.
"""

from __future__ import annotations

from dlcore.runtime.session_work import QueuedRun
from ui.session_jobs import active_job, poll, session_work, start_job


def queued(page: str) -> list[QueuedRun]:
    """The page's waiting runs, next first (``task``, ``payload``, ``meta``)."""
    return session_work().page(page).queue


def enqueue(page: str, items: list[QueuedRun]) -> None:
    """Adds runs to the page's queue and starts the first if the page is idle.

    Args:
        page: Page slug.
        items: The runs, in run order.
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
        start_job(page, item.task, item.payload, item.meta)


def advance_all() -> None:
    """``advance`` for every page with waiting runs (for a poller that runs on
    every page, so a queue moves on while its page is not open)."""
    for page in session_work().queued_pages():
        advance(page)
