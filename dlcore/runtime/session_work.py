"""A session's work, typed: per page, the active job, the run history, the
run counter and the queue of waiting runs.

One ``SessionWork`` lives in a Streamlit session (``ui.session_jobs``
creates it); this module only keeps the books and never talks to the pool,
so it holds no Streamlit and no Keras.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dlcore.runtime.executor import JobSnapshot
from dlcore.runtime.runs import RunRecord, add_run, record_from_snapshot


@dataclass(frozen=True)
class ActiveJob:
    """A page's submitted job, not yet filed.

    Attributes:
        job_id: The pool's id of the job.
        meta: Settings to keep with the run (model, train config, label…).
    """

    job_id: str
    meta: dict[str, Any]


@dataclass(frozen=True)
class QueuedRun:
    """A run waiting in a page's queue.

    Attributes:
        task: Task name for the pool.
        payload: Task arguments.
        meta: Settings to keep with the run.
    """

    task: str
    payload: dict[str, Any]
    meta: dict[str, Any]


@dataclass
class PageWork:
    """One page's work in a session.

    Attributes:
        job: The active job, None when the page is idle.
        runs: Finished runs, newest last (at most ``RUN_CAP``).
        run_counter: Number of the page's last filed run (numbers start at 1).
        queue: Runs waiting to start, next first.
    """

    job: ActiveJob | None = None
    runs: list[RunRecord] = field(default_factory=list)
    run_counter: int = 0
    queue: list[QueuedRun] = field(default_factory=list)

    def file(self, snapshot: JobSnapshot) -> None:
        """Ends the active job: its finished snapshot becomes the next run.

        Args:
            snapshot: The active job's snapshot, finished.
        """
        assert self.job is not None
        meta, self.job = self.job.meta, None
        self.run_counter += 1
        self.runs[:] = add_run(self.runs, record_from_snapshot(self.run_counter, meta, snapshot))


@dataclass
class SessionWork:
    """Every page's work in one session.

    Attributes:
        pages: Page slug → its work; a page whose job starts moves to the end,
            so ``active_pages`` lists running jobs in the order they started.
    """

    pages: dict[str, PageWork] = field(default_factory=dict)

    def page(self, slug: str) -> PageWork:
        """The page's work (created empty on first use)."""
        return self.pages.setdefault(slug, PageWork())

    def start(self, slug: str, job: ActiveJob) -> None:
        """Makes ``job`` the page's active job."""
        work = self.pages.pop(slug) if slug in self.pages else PageWork()
        work.job = job
        self.pages[slug] = work

    def active_pages(self) -> list[str]:
        """Slugs of the pages with an active job, oldest job first."""
        return [slug for slug, work in self.pages.items() if work.job is not None]

    def queued_pages(self) -> list[str]:
        """Slugs of the pages with runs waiting in their queue."""
        return [slug for slug, work in self.pages.items() if work.queue]

    def busy(self) -> bool:
        """Whether any page has an active job."""
        return bool(self.active_pages())
