"""The session's side of the store: the browser's workspace, its runs kept
in the database, and the notice when the database cannot be reached.

A browser's workspace is the ``ws`` query parameter (192 random bits):
Streamlit keeps it in the address across reruns, so it survives F5, a
bookmark and a server restart; a page switch drops the query string, so it
is written back from the session on every run. At a session's first run the
workspace's runs come back from the database (``open_workspace``); while
the session trains, ``ui.session_jobs`` writes them behind through the
process's ``RunRecorder``. The database may be down: pages never wait for
it and never raise because of it; ``store_notice`` says what waits.
"""

from __future__ import annotations

import atexit
import threading
import time
from dataclasses import dataclass, field

import streamlit as st
from alembic.util.exc import CommandError
from sqlalchemy.exc import SQLAlchemyError

from dlcore.runtime.runs import add_run
from dlcore.runtime.session_work import PageWork, RestorePlan, SessionWork, plan_restore
from dlcore.store.classes import PostRequest
from dlcore.store.db import Database, database_url
from dlcore.store.recorder import RunRecorder, short_error
from dlcore.store.runs import (
    SERVER_ID,
    RunWrite,
    delete_runs,
    enforce_cap,
    is_workspace_id,
    load_runs,
    mark_interrupted,
    new_workspace_id,
    now,
    workspace_cap,
)
from dlcore.text import t
from ui.pool import get_pool

# A database that could not be reached (or migrated) is tried again at most
# this often, by whichever script run comes first; the pages go on meanwhile.
RETRY_SECONDS = 5.0
EXIT_FLUSH_SECONDS = 2.0
WS_PARAM = "ws"
_WS = "_store_ws"  # the session's workspace id
_LOADED = "_store_loaded"  # the workspace whose runs this session has restored
_LOAD_TRIED = "_store_load_tried"  # monotonic time of the last failed restore
_TOASTS = "_store_toasts"  # (key, values) to show at the next full run


@dataclass
class _Store:
    """One database per process and URL, migrated once it can be reached.

    Thread-safe: every session shares it (``st.cache_resource``); one lock
    makes sure one script run at a time tries the migration.
    """

    db: Database
    ready: bool = False
    tried_at: float = -RETRY_SECONDS
    error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def database(self) -> Database | None:
        """The database once migrated, else None (tried again every ``RETRY_SECONDS``)."""
        if self.ready:
            return self.db
        if time.monotonic() - self.tried_at < RETRY_SECONDS or not self.lock.acquire(blocking=False):
            return None  # tried recently, or another session is trying now
        try:
            self.tried_at = time.monotonic()
            self.db.upgrade()
            self.ready, self.error = True, ""
        except (SQLAlchemyError, CommandError) as error:  # unreachable, or its schema is not one this app knows
            self.error = short_error(error)
        finally:
            self.lock.release()
        return self.db if self.ready else None

    def lost(self) -> None:
        """A query failed: pages leave the database alone for ``RETRY_SECONDS``,
        then the next one checks it (migrations included) before using it."""
        self.ready, self.tried_at = False, time.monotonic()


@st.cache_resource(show_spinner=False)
def _store(url: str) -> _Store:
    # Keyed by the URL, so a changed DLP_DATABASE_URL (tests) gets its own.
    return _Store(Database(url))


@st.cache_resource(show_spinner=False)
def _recorder(url: str) -> RunRecorder:
    recorder = RunRecorder(_store(url).db)
    # A server that stops (SIGTERM) writes what waits first, within a bound.
    atexit.register(recorder.close, EXIT_FLUSH_SECONDS)
    return recorder


def get_database() -> Database | None:
    """The process's database (``DLP_DATABASE_URL``, else the SQLite file in the
    data directory) with its migrations applied once, or None while it
    cannot be reached (tried again every ``RETRY_SECONDS``): while the run
    recorder's writes fail, or after a page's query failed (``database_lost``),
    no page waits for a connection timeout."""
    if not get_recorder().status().saving:
        return None
    return _store(database_url()).database()


def database_lost() -> None:
    """Tells the process's store that a query just failed (see ``get_database``)."""
    _store(database_url()).lost()


def get_recorder() -> RunRecorder:
    """The process's run recorder: writes runs behind, keeps them while the
    database is away (its writes fail until the migrations ran)."""
    return _recorder(database_url())


def workspace_id() -> str:
    """The browser's workspace: the link's ``ws`` if it is a valid id, else
    the session's, else a new one; always written back to the link (a page
    switch drops the query string). An invalid ``ws`` is replaced, never trusted."""
    state = st.session_state
    raw = st.query_params.get(WS_PARAM)
    if raw is not None and is_workspace_id(raw):
        workspace = raw
    else:
        if raw is not None and raw != state.get(_WS):
            _later("store.ws_replaced")
        workspace = state.get(_WS) or new_workspace_id()
    state[_WS] = workspace
    if raw != workspace:
        st.query_params[WS_PARAM] = workspace
    return workspace


def current_workspace() -> str:
    """The session's workspace id as the frame set it (fragments and callbacks
    read it here; only a session that never ran the frame makes one)."""
    return st.session_state.get(_WS) or workspace_id()


def open_workspace(lang: str) -> None:
    """Makes sure the session has its workspace (the ``ws`` query parameter)
    and, at the session's first run (or when the workspace changed), restores
    the workspace's runs; a database that is away is asked again later."""
    workspace = workspace_id()
    state = st.session_state
    for key, values in state.pop(_TOASTS, []):
        st.toast(t(key, lang, **values), icon="ℹ️")
    if state.get(_LOADED) == workspace:
        return
    if time.monotonic() - state.get(_LOAD_TRIED, -RETRY_SECONDS) < RETRY_SECONDS:
        return
    db = get_database()
    if db is None:
        state[_LOAD_TRIED] = time.monotonic()
        return
    try:
        stored = load_runs(db, workspace)
    except SQLAlchemyError:
        database_lost()
        state[_LOAD_TRIED] = time.monotonic()
        return
    plan = plan_restore(
        stored,
        workspace=workspace,
        server_id=SERVER_ID,
        job_alive=lambda job_id: get_pool().snapshot(job_id) is not None,
        now=now(),
    )
    _apply(plan, _session_work(), replace=state.get(_LOADED) is not None)
    state[_LOADED] = workspace
    try:
        mark_interrupted(db, plan.interrupted)
    except SQLAlchemyError:
        database_lost()  # marked at the next visit; shown as interrupted already


def _session_work() -> SessionWork:
    # Imported here: ui.session_jobs writes its runs through this module.
    from ui.session_jobs import session_work

    return session_work()


def _apply(plan: RestorePlan, work: SessionWork, *, replace: bool) -> None:
    """Puts restored runs and jobs into the session's work. Runs the session
    made before the database answered stay (after the restored ones);
    ``replace`` (another workspace) drops the previous workspace's runs."""
    pages = {*plan.runs, *plan.counters, *plan.jobs, *(work.pages if replace else ())}
    for page in pages:
        page_work: PageWork = work.page(page)
        restored = plan.runs.get(page, [])
        ids = {record.run_id for record in restored}
        own = [] if replace else [record for record in page_work.runs if record.run_id not in ids]
        page_work.runs = []
        for record in [*restored, *own]:
            page_work.runs = add_run(page_work.runs, record)
        page_work.run_counter = max(page_work.run_counter, plan.counters.get(page, 0))
        if page_work.job is None and page in plan.jobs:
            work.start(page, plan.jobs[page])


def _later(key: str, **values: object) -> None:
    """A toast for the next full run (a fragment's or a callback's own may be lost in the rerun)."""
    st.session_state.setdefault(_TOASTS, []).append((key, values))


def save_run(write: RunWrite, post: PostRequest | None = None) -> None:
    """Queues a run's state (and its class post) for the database; never waits."""
    get_recorder().put(write, post)


def apply_cap(workspace: str) -> None:
    """Drops the workspace's oldest runs beyond ``DLP_WORKSPACE_RUNS`` and says so
    (the session forgets them too). A database that is away is skipped."""
    db = get_database()
    if db is None:
        return
    cap = workspace_cap()
    try:
        dropped = set(enforce_cap(db, workspace, cap))
    except SQLAlchemyError:
        database_lost()
        return
    if dropped:
        for page_work in _session_work().pages.values():
            page_work.runs = [r for r in page_work.runs if r.run_id not in dropped]
        _later("store.cap_dropped", count=len(dropped), cap=cap)


def delete_stored(workspace: str, run_ids: list[str] | None, page: str | None = None) -> int | None:
    """Deletes runs from the database: the given ids, or (None) every run of ``page``.

    The recorder first forgets what it has not written of them yet, so no
    pending write brings a deleted run back.

    Returns:
        How many runs the database deleted, or None if it cannot be reached.
    """
    db = get_database()
    if db is None:
        return None
    try:
        if run_ids is None:
            run_ids = [run.run_id for run in load_runs(db, workspace, page)]
            run_ids += [r.run_id for r in _session_work().page(page).runs] if page is not None else []
        run_ids = [run_id for run_id in dict.fromkeys(run_ids) if run_id]
        if not get_recorder().discard(run_ids):
            return None
        return delete_runs(db, workspace, run_ids)
    except SQLAlchemyError:
        database_lost()
        return None


def store_notice(lang: str) -> None:
    """Says so when runs are not being saved (the database cannot be reached)."""
    recorder = get_recorder()
    status = recorder.status()
    if status.saving and get_database() is not None:
        return
    text = t("store.unsaved", lang)
    if status.pending:
        text += " " + t("store.unsaved_pending", lang, pending=status.pending)
    st.warning(text, icon="💾")
