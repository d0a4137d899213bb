"""A session's work, typed: per page, the active job, the run history, the
run counter and the queue of waiting runs; and how a workspace's stored
runs become a session's work again (``plan_restore``).

One ``SessionWork`` lives in a Streamlit session (``ui.session_jobs``
creates it); this module only keeps the books and never talks to the pool
or the database, so it holds no Streamlit and no Keras.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from dlcore.runtime.executor import JobSnapshot
from dlcore.runtime.runs import RUN_CAP, RunRecord, add_run, continued, record_from_snapshot, truncated
from dlcore.store.runs import StoredRun
from dlcore.store.schema import INTERRUPTED, RUNNING

# A running run is written to the store every WRITE_EVERY_EPOCHS new epochs,
# or when an epoch arrived WRITE_EVERY_SECONDS after the last write, whichever
# comes first: a crash loses at most that much, and a fast run (~0.1 s an
# epoch) costs the database one write every few epochs, not one per poll.
WRITE_EVERY_EPOCHS = 5
WRITE_EVERY_SECONDS = 2.0
# A running row written by another server process is only declared
# interrupted once it has not been written for this long (that server may be
# alive and still training it); the write cadence above is far shorter.
STALE_SECONDS = 90.0
# The error payload of an interrupted run (its job was lost with its server):
# the pages show it through the text catalogue like any job error.
INTERRUPTED_KEY = "store.interrupted"


@dataclass(frozen=True)
class ActiveJob:
    """A page's submitted job, not yet filed.

    Attributes:
        job_id: The pool's id of the job.
        meta: Settings to keep with the run (model, train config, label…).
        run_id: The run's id in the store ("" for a run never stored).
        started_at: When the run was submitted (the store's ``created_at``).
        number: The run's number on its page, given at start (0: the next
            number when filed).
        workspace: The workspace the run is stored under.
        base: For a continuation (Resume or Step of a run whose worker was
            freed, or "Train N more epochs"): the run as it stood, whose
            curves this job's epochs extend (``meta["initial_epoch"]`` epochs).
    """

    job_id: str
    meta: dict[str, Any]
    run_id: str = ""
    started_at: datetime | None = None
    number: int = 0
    workspace: str = ""
    base: RunRecord | None = None

    def record(self, snapshot: JobSnapshot) -> RunRecord:
        """The run so far from the job's snapshot: a continuation's epochs
        follow its base's, under the same number and store id."""
        record = replace(record_from_snapshot(self.number, self.meta, snapshot), run_id=self.run_id)
        return continued(self.base, record) if self.base is not None else record


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
        run_counter: Number of the page's last run (numbers start at 1).
        queue: Runs waiting to start, next first.
        written: ``(epochs, time)`` of the active job's last write to the
            store (see ``write_due``).
        payload: ``(run number, job payload)`` of the page's latest run, so
            it can be continued even when its data (an upload) is too big
            to keep with the run.
    """

    job: ActiveJob | None = None
    runs: list[RunRecord] = field(default_factory=list)
    run_counter: int = 0
    queue: list[QueuedRun] = field(default_factory=list)
    written: tuple[int, float] = (0, 0.0)
    payload: tuple[int, dict[str, Any]] | None = None

    def next_number(self) -> int:
        """The number the next run started on this page gets."""
        return self.run_counter + 1

    def file(self, snapshot: JobSnapshot) -> RunRecord:
        """Ends the active job: its finished snapshot becomes the next run.

        Args:
            snapshot: The active job's snapshot, finished.

        Returns:
            The run as filed (with its store id).
        """
        assert self.job is not None
        job, self.job = self.job, None
        number = job.number or self.run_counter + 1
        self.run_counter = max(self.run_counter, number)
        record = replace(job, number=number).record(snapshot)
        # A continued run takes its own place again (same number, same curve).
        self.runs[:] = add_run([r for r in self.runs if r.number != number], record)
        return record

    def write_due(self, epochs: int, now: float) -> bool:
        """Whether the active job's partial state should be written now, and
        if so notes the write (``WRITE_EVERY_EPOCHS`` / ``WRITE_EVERY_SECONDS``).

        Args:
            epochs: Epochs the job has reported so far.
            now: The current ``time.monotonic()``.
        """
        last_epochs, last_at = self.written
        if epochs <= last_epochs:
            return False
        if epochs - last_epochs < WRITE_EVERY_EPOCHS and now - last_at < WRITE_EVERY_SECONDS:
            return False
        self.written = (epochs, now)
        return True


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
        work.run_counter = max(work.run_counter, job.number)  # a number given at start is taken
        work.written = (0, 0.0)
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


def interrupted_record(record: RunRecord) -> RunRecord:
    """A run whose job was lost (its server stopped): its epochs so far, and
    an error payload saying where it stopped (``INTERRUPTED_KEY``)."""
    total = int(record.meta.get("train", {}).get("epochs", record.epochs_run))
    error = {"key": INTERRUPTED_KEY, "values": {"epoch": record.epochs_run, "epochs": total}}
    return replace(record, result=None, error=error)


def is_interrupted(record: RunRecord) -> bool:
    """Whether the run was interrupted by the loss of its job."""
    return (record.error or {}).get("key") == INTERRUPTED_KEY


@dataclass(frozen=True)
class RestorePlan:
    """What a workspace's stored runs give back to a session.

    Attributes:
        runs: Page → its finished and interrupted runs, oldest first (at most
            ``RUN_CAP``, only the newest keeping its predictions).
        counters: Page → the highest run number stored.
        jobs: Page → its running job to attach again.
        interrupted: Ids of running rows to mark interrupted in the store.
    """

    runs: dict[str, list[RunRecord]]
    counters: dict[str, int]
    jobs: dict[str, ActiveJob]
    interrupted: list[str]


def plan_restore(
    stored: list[StoredRun],
    *,
    workspace: str,
    server_id: str,
    job_alive: Callable[[str], bool],
    now: datetime,
    stale_seconds: float = STALE_SECONDS,
) -> RestorePlan:
    """Sorts a workspace's stored runs (oldest first) into what a session shows.

    A running row of this server whose job the pool still knows is attached
    again (the newest per page; its chart streams on). A running row of this
    server whose job is gone, or of another server and not written for
    ``stale_seconds``, is marked interrupted. A recently written row of another
    server is shown as interrupted but left running in the store: that server
    may still finish it (a later visit then shows it finished).

    Args:
        stored: The workspace's runs, oldest first (``load_runs``).
        workspace: The workspace id.
        server_id: This server process's id (``SERVER_ID``).
        job_alive: Whether the pool still knows a job id (only asked for this
            server's rows).
        now: The current time (timezone-aware).
        stale_seconds: Age after which another server's running row is dead.

    Returns:
        The plan.
    """
    runs: dict[str, list[RunRecord]] = {}
    counters: dict[str, int] = {}
    jobs: dict[str, ActiveJob] = {}
    interrupted: list[str] = []
    for row in reversed(stored):  # newest first: the newest running row of a page attaches
        counters[row.page] = max(counters.get(row.page, 0), row.record.number)
        record = row.record
        if row.status == RUNNING:
            own = row.server == server_id
            if own and row.job_id and job_alive(row.job_id):
                if row.page not in jobs:
                    start = int(record.meta.get("initial_epoch", 0))
                    base = truncated(record, start) if start else None
                    jobs[row.page] = ActiveJob(
                        row.job_id, record.meta, row.run_id, row.created_at, record.number, workspace, base
                    )
                continue  # an older live one belongs to another open tab, which shows it
            if own or (now - row.updated_at).total_seconds() > stale_seconds:
                interrupted.append(row.run_id)
            record = interrupted_record(record)
        elif row.status == INTERRUPTED:
            record = interrupted_record(record)
        runs.setdefault(row.page, []).append(record)
    for page, newest_first in runs.items():
        kept: list[RunRecord] = []
        for record in reversed(newest_first[:RUN_CAP]):
            kept = add_run(kept, record)
        runs[page] = kept
    return RestorePlan(runs, counters, jobs, interrupted)
