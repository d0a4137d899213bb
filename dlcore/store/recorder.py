"""Writes runs to the store in the background, and keeps what it could not write.

Pages hand a run's whole state to ``RunRecorder.put`` (every few epochs
while it trains, and when it ends) and go on at once; a thread writes the
newest state of each run. When the database cannot be reached, the states
wait in memory (only the newest per run) and are written when it is back,
so training never waits for the database and nothing reached is lost while
the server process lives. One recorder per server process, shared by every
session (its state is guarded by one lock).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from dlcore.store.classes import PostRequest, post_run
from dlcore.store.db import Database
from dlcore.store.runs import RunWrite, write_run

FLUSH_SECONDS = 0.5  # pace of the writes while the database answers
RETRY_SECONDS = 2.0  # pace of the attempts while it does not
MAX_OUTCOMES = 10_000  # post outcomes remembered for the pages (oldest forgotten)
log = logging.getLogger(__name__)
T = TypeVar("T")


def short_error(error: BaseException) -> str:
    """An error's first line (the driver's own message if there is one), short."""
    text = str(getattr(error, "orig", None) or error).strip()
    return (text.splitlines() or [type(error).__name__])[0][:200]


def is_outage(error: SQLAlchemyError) -> bool:
    """Whether an error means the database cannot be reached (or is busy) right
    now, so the same write will succeed later: a lost or refused connection,
    a locked SQLite file, an unreachable host."""
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


@dataclass(frozen=True)
class RecorderStatus:
    """What the recorder could not write yet.

    Attributes:
        pending: Runs (and posts) waiting to be written.
        failing_since: ``time.monotonic()`` of the first failed write in the
            current outage, None while writes succeed.
        error: The last database error, short.
    """

    pending: int
    failing_since: float | None
    error: str

    @property
    def saving(self) -> bool:
        """Whether writes go through (False during an outage)."""
        return self.failing_since is None


class RunRecorder:
    """A write-behind queue of run states and class posts.

    Args:
        db: The database.
        flush_seconds: Seconds between writes while the database answers.
        retry_seconds: Seconds between attempts while it does not.
    """

    def __init__(self, db: Database, *, flush_seconds: float = FLUSH_SECONDS, retry_seconds: float = RETRY_SECONDS):
        self._db = db
        self._flush_seconds = flush_seconds
        self._retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self._runs: dict[str, RunWrite] = {}  # run id → newest state, in order of first put
        self._posts: dict[str, PostRequest] = {}  # run id → its post, written after the run
        self._outcomes: dict[str, str] = {}  # run id → post outcome ("posted" or a refusal's reason)
        self._failing_since: float | None = None
        self._error = ""
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._closed = False
        self._migrated = False
        self._writing = threading.Lock()  # held while a batch is written (see ``discard``)
        self._thread = threading.Thread(target=self._loop, name="dlp-run-recorder", daemon=True)
        self._thread.start()

    def put(self, write: RunWrite, post: PostRequest | None = None) -> None:
        """Queues a run's state (replacing an older state of the same run),
        and optionally its post to a class board, written after the run.

        Args:
            write: The run's whole state.
            post: The class post to make once the run is written.
        """
        with self._lock:
            self._runs[write.run_id] = write
            if post is not None:
                self._posts[write.run_id] = post
            self._idle.clear()
        self._wake.set()

    def post_outcome(self, run_id: str) -> str | None:
        """``"posted"``, a refusal's reason (``dlcore.store.classes.ClassError``
        codes), or None while the post waits (or there was none)."""
        with self._lock:
            return self._outcomes.get(run_id)

    def status(self) -> RecorderStatus:
        """What waits and whether the database answers."""
        with self._lock:
            return RecorderStatus(len(self._runs) + len(self._posts), self._failing_since, self._error)

    def flush(self, timeout: float = 10.0) -> bool:
        """Waits until everything queued is written.

        Returns:
            Whether the queue emptied within ``timeout`` seconds.
        """
        self._wake.set()
        return self._idle.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Writes what it can within ``timeout`` seconds and stops the thread."""
        self.flush(timeout)
        self._closed = True
        self._wake.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._closed:
            self._wake.wait(self._retry_seconds if self._failing_since is not None else None)
            self._wake.clear()
            try:
                self._write_pending()
            except Exception as error:  # noqa: BLE001 - the writer outlives any error; retried as an outage
                self._failed(error)
            if self._failing_since is None:
                time.sleep(self._flush_seconds)  # gathers a few epochs per write

    def discard(self, run_ids: list[str], timeout: float = 5.0) -> bool:
        """Forgets the pending writes and posts of these runs (they are being
        deleted) and waits for a batch being written, so none of them is
        written again after the caller deleted it.

        Returns:
            Whether a batch in progress ended within ``timeout`` seconds.
        """
        with self._lock:
            for run_id in run_ids:
                self._runs.pop(run_id, None)
                self._posts.pop(run_id, None)
        if not self._writing.acquire(timeout=timeout):
            return False
        self._writing.release()
        return True

    def _write_pending(self) -> None:
        with self._writing:
            self._write_batch()

    def _still_pending(self, write: RunWrite) -> bool:
        with self._lock:
            return self._runs.get(write.run_id) is write

    def _write_batch(self) -> None:
        with self._lock:
            runs, posts = list(self._runs.values()), dict(self._posts)
        try:
            if not self._migrated:  # the schema first (idempotent), so no write meets a missing table
                self._db.upgrade()
                self._migrated = True
            for write in runs:
                if not self._still_pending(write):
                    continue  # replaced by a newer state, or discarded
                self._attempt(write.run_id, lambda write=write: write_run(self._db, write))
                self._written_run(write)
            for run_id, post in posts.items():
                if run_id in self._runs or self._posts.get(run_id) is not post:
                    continue  # its run is not written yet, or it was discarded
                outcome = self._attempt(run_id, lambda post=post: post_run(self._db, post))
                self._written_post(run_id, outcome or "refused")
        except SQLAlchemyError as error:
            self._failed(error)
            return
        with self._lock:
            self._failing_since, self._error = None, ""
            if not self._runs and not self._posts:
                self._idle.set()

    @staticmethod
    def _attempt(run_id: str, write: Callable[[], T]) -> T | None:
        """Runs one write. An outage (``is_outage``) propagates, to be retried;
        any other error (the database refuses this write, or the write cannot
        be made at all) is for good: it is logged and dropped, so it never
        holds up the others."""
        try:
            return write()
        except Exception as error:  # noqa: BLE001 - see the docstring
            if isinstance(error, SQLAlchemyError) and is_outage(error):
                raise
            log.error("the run store refused a write of run %s: %s", run_id, error)
            return None

    def _written_run(self, write: RunWrite) -> None:
        with self._lock:
            if self._runs.get(write.run_id) is write:  # not replaced by a newer state meanwhile
                del self._runs[write.run_id]

    def _written_post(self, run_id: str, outcome: str) -> None:
        with self._lock:
            self._posts.pop(run_id, None)
            self._outcomes[run_id] = outcome
            while len(self._outcomes) > MAX_OUTCOMES:
                del self._outcomes[next(iter(self._outcomes))]

    def _failed(self, error: Exception) -> None:
        message = short_error(error)
        with self._lock:
            if self._failing_since is None:
                self._failing_since = time.monotonic()
                log.warning("the run store cannot be reached, runs wait in memory: %s", message)
            self._error = message  # retried after RETRY_SECONDS (the loop's wait) or at the next put
