"""Shared fixtures: AppTest on a page, and Keras tasks run in a worker.

Rule: no test imports Keras or TensorFlow in the pytest process, because the
same process plays the Streamlit server in AppTest, and the server must never
hold Keras. Tests of Keras code run it where the app runs it: as a task in a
worker (the ``run_task`` fixture), or in a subprocess. ``pytest_sessionfinish``
fails the run if Keras got imported anyway.

Nothing a test runs writes to the real home folder: ``DLP_DATA_DIR`` (saved
models, see ``dlcore.paths``) points at a fresh temporary folder, inherited by
every worker and server the tests start, and removed at the end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dlcore.lessons import TASK_MODULES
from dlcore.runtime.executor import DONE
from dlcore.runtime.pool import WorkerPool
from dlcore.runtime.result_cache import ResultCache
from dlcore.runtime.runs import RunRecord
from dlcore.runtime.session_work import PageWork, SessionWork
from tests.postgres import PostgresServer
from ui.session_jobs import SESSION_WORK_KEY

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = tempfile.mkdtemp(prefix="dlp-test-data-")
os.environ["DLP_DATA_DIR"] = DATA_DIR
# --- The run store: the pages' SQLite file (dlcore.store.db) lands in DATA_DIR too.
# A DLP_DATABASE_URL of the shell (a real classroom database) must never receive
# the tests' runs; a test that wants another database sets it itself (monkeypatch).
os.environ.pop("DLP_DATABASE_URL", None)
APP = str(ROOT / "app.py")
AppTestTimeout = 120  # seconds; the first run may wait for the trainers to warm up


def open_page(script: str | None = None, runs: dict[str, list[RunRecord]] | None = None, **state: object) -> AppTest:
    """Runs the app, then switches to ``script`` (e.g. ``"pages/6_wine.py"``).

    Args:
        script: Page script path relative to the app root, or None for home.
        runs: Run histories to start the session with, page slug → runs.
        **state: Session-state values to set before the page runs.

    Returns:
        The AppTest after the page's first run.
    """
    at = AppTest.from_file(APP, default_timeout=AppTestTimeout)
    if runs is not None:
        at.session_state[SESSION_WORK_KEY] = SessionWork(
            {page: PageWork(runs=history) for page, history in runs.items()}
        )
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if script is not None:
        at.switch_page(script)
        at.run()
    return at


def session_work(at: AppTest) -> SessionWork:
    """The session's work (jobs, runs, queues), empty if the app made none yet."""
    return at.session_state[SESSION_WORK_KEY] if SESSION_WORK_KEY in at.session_state else SessionWork()


def busy(at: AppTest) -> bool:
    """Whether any page of the session has a job not yet filed."""
    return session_work(at).busy()


def page_runs(at: AppTest, page: str) -> list[RunRecord]:
    """The page's run history in the session (newest last; empty if none)."""
    work = session_work(at).pages.get(page)
    return work.runs if work is not None else []


def queue_length(at: AppTest, page: str) -> int:
    """How many runs wait in the page's queue."""
    work = session_work(at).pages.get(page)
    return len(work.queue) if work is not None else 0


def run_until(at: AppTest, done: Callable[[AppTest], bool], timeout: float = 120.0, interval: float = 0.5) -> None:
    """Reruns ``at`` until ``done(at)`` holds (like the page's polling fragment would)."""
    deadline = time.monotonic() + timeout
    while not done(at):
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached before the timeout")
        time.sleep(interval)
        at.run()


@pytest.fixture
def page() -> Callable[..., AppTest]:
    return open_page


@pytest.fixture(autouse=True)
def main_module_restored() -> Iterator[None]:
    """Puts the test process's ``__main__`` back after each test.

    Streamlit's script runner (AppTest included) makes the script it runs the
    process's ``__main__`` and leaves it there. A process that a later test
    starts with multiprocessing's *spawn* (Dask's nannies do) imports its
    parent's ``__main__`` from its file: it would run that page script, or
    for ``AppTest.from_function`` a temporary file that fails outright."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(scope="session", autouse=True)
def compute_worker_ready() -> None:
    """The lesson pages' compute worker is warm before the first page test, as
    on a server that has been up for a few seconds. (A page that finds it still
    starting says so and fills in later: tests/unit/test_compute.py and tests/app/test_compute_page.py.)"""
    from ui.compute import get_compute_pool

    assert get_compute_pool().wait_ready(300), "the compute worker did not start"


@pytest.fixture(scope="session")
def task_pool() -> Iterator[WorkerPool]:
    """A one-worker pool for running Keras tasks from tests."""
    pool = WorkerPool(size=1, idle_timeout=600, task_modules=(*TASK_MODULES, "tests.fake_tasks"))
    assert pool.wait_ready(180), "the worker did not start"
    yield pool
    pool.shutdown()


@pytest.fixture
def run_task(task_pool: WorkerPool) -> Callable[..., dict[str, Any]]:
    """Runs ``run_task(Task.X, payload)`` in a worker and
    returns the task's result; fails the test with the worker's error."""

    def run(task: str, payload: dict[str, Any], timeout: float = 300.0) -> dict[str, Any]:
        job_id = task_pool.submit(task, payload)
        deadline = time.monotonic() + timeout
        while True:
            snapshot = task_pool.snapshot(job_id)
            assert snapshot is not None
            if snapshot.finished:
                break
            assert time.monotonic() < deadline, f"{task} timed out"
            time.sleep(0.02)
        assert snapshot.state == DONE, f"{task} failed: {snapshot.error}"
        assert snapshot.result is not None
        return {**snapshot.result, "_events": snapshot.events}

    return run


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(DATA_DIR, ignore_errors=True)
    leaked = sorted(name for name in ("tensorflow", "keras") if name in sys.modules)
    if leaked:
        print(f"\nERROR: {leaked} imported in the test process (the server must never import Keras)")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def run_python(script: str, stdin: str | None = None) -> str:
    """Runs ``script`` in a fresh interpreter (where Keras may be imported)
    and returns the last line it printed; fails the test if it fails."""
    proc = subprocess.run(
        [sys.executable, "-c", script],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin", "DLP_DATA_DIR": DATA_DIR},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.strip().splitlines()[-1]


class ColdPool:
    """A compute pool whose worker is still importing TensorFlow."""

    def stats(self) -> dict[str, int]:
        return {"ready": 0}

    def wait_ready(self, timeout: float) -> bool:
        return False

    def submit(self, task: str, payload: dict) -> str:
        raise AssertionError("nothing may be submitted here")


@pytest.fixture
def cold(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[ResultCache]:
    """Lesson computations with a compute worker still importing TensorFlow
    and an empty result cache in ``tmp_path``."""
    from ui import compute as compute_module

    cache = ResultCache(tmp_path, version="x")
    monkeypatch.setattr(compute_module, "get_compute_pool", ColdPool)
    monkeypatch.setattr(compute_module, "get_result_cache", lambda: cache)
    compute_module._compute.clear()
    yield cache
    compute_module._compute.clear()


# --- PostgreSQL: a real server per session (postgres_url) or per test (postgres_server) ---
# Missing PostgreSQL skips these tests, unless DLP_REQUIRE_POSTGRES=1 (CI): then they fail.


def require_postgres() -> None:
    """Skips the test without PostgreSQL (fails it under DLP_REQUIRE_POSTGRES=1)."""
    if PostgresServer.available():
        return
    message = "PostgreSQL is not installed (Debian: apt-get install postgresql; see tests/postgres.py)"
    if os.environ.get("DLP_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{message}, and DLP_REQUIRE_POSTGRES=1 requires it")
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a fresh PostgreSQL database ``dlp`` shared by the session
    (``postgresql://postgres@127.0.0.1:PORT/dlp``); the server stops at the end."""
    require_postgres()
    with PostgresServer() as server:
        yield server.url


@pytest.fixture
def postgres_server() -> Iterator[PostgresServer]:
    """A running PostgreSQL server of the test's own, which it may stop and restart."""
    require_postgres()
    with PostgresServer() as server:
        yield server
