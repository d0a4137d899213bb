"""The write-behind run recorder, on SQLite and a real PostgreSQL: states of a
run coalesce (the newest wins), a post follows its run, and a database that
goes down and comes back loses nothing while nothing raises."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dlcore.runtime.runs import RunRecord
from dlcore.store import recorder as recorder_module
from dlcore.store.classes import PostRequest, board, create_class, join_class
from dlcore.store.db import Database
from dlcore.store.recorder import RunRecorder
from dlcore.store.runs import RunWrite, load_runs, new_run_id, new_workspace_id
from dlcore.store.schema import FINISHED, RUNNING
from tests.postgres import PostgresServer

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def state(run_id: str, workspace: str, epochs: int, *, status: str = RUNNING) -> RunWrite:
    """The run after ``epochs`` epochs (its loss falls 0.1 per epoch from 10)."""
    record = RunRecord(
        number=1,
        meta={"train": {"epochs": 20}},
        history={"loss": [10 - 0.1 * e for e in range(epochs)], "val_loss": [11 - 0.1 * e for e in range(epochs)]},
        result={"stop_reason": "completed"} if status == FINISHED else None,
        seconds=[0.05 * (e + 1) for e in range(epochs)],
        run_id=run_id,
    )
    return RunWrite(run_id, workspace, "wine", status, record, "" if status == FINISHED else "job-1", T0)


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached before the timeout"
        time.sleep(0.02)


@pytest.fixture
def make_recorder() -> Iterator[Callable[..., RunRecorder]]:
    """Recorders that are closed after the test (their threads stop)."""
    made: list[RunRecorder] = []

    def make(db: Database, **pace: float) -> RunRecorder:
        made.append(RunRecorder(db, **pace))
        return made[-1]

    yield make
    for recorder in made:
        recorder.close(timeout=2)


def test_states_of_a_run_coalesce_and_the_newest_wins(
    database: Database, make_recorder: Callable[..., RunRecorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[int] = []
    real_write = recorder_module.write_run

    def counted(db: Database, write: RunWrite) -> None:
        writes.append(write.record.epochs_run)
        real_write(db, write)

    monkeypatch.setattr(recorder_module, "write_run", counted)
    recorder = make_recorder(database, flush_seconds=1.0)
    workspace, run_id = new_workspace_id(), new_run_id()
    recorder.put(state(run_id, workspace, 1))
    wait_for(lambda: writes == [1])
    for epochs in range(2, 20):  # the recorder rests after a write: these wait together
        recorder.put(state(run_id, workspace, epochs))
    recorder.put(state(run_id, workspace, 20, status=FINISHED))
    assert recorder.status().pending == 1

    assert recorder.flush(timeout=10)
    assert writes == [1, 20]  # 19 states, one write: the newest
    [stored] = load_runs(database, workspace)
    assert stored.status == FINISHED and stored.record == state(run_id, workspace, 20, status=FINISHED).record
    assert recorder.status().saving and recorder.status().pending == 0


def test_a_post_is_written_after_its_run(database: Database, make_recorder: Callable[..., RunRecorder]) -> None:
    code, _key = create_class(database)
    ada, stranger = new_workspace_id(), new_workspace_id()
    join_class(database, code, ada, "Ada")
    recorder = make_recorder(database, flush_seconds=0.05)
    run_id, refused = new_run_id(), new_run_id()

    recorder.put(state(run_id, ada, 20, status=FINISHED), PostRequest(code, ada, run_id, "wine"))
    recorder.put(state(refused, stranger, 5, status=FINISHED), PostRequest(code, stranger, refused, "wine"))
    assert recorder.flush(timeout=10)

    assert recorder.post_outcome(run_id) == "posted"
    assert recorder.post_outcome(refused) == "not_member"
    assert recorder.post_outcome(new_run_id()) is None
    [post] = board(database, code)
    assert post.record == state(run_id, ada, 20, status=FINISHED).record
    assert load_runs(database, stranger)[0].record.epochs_run == 5  # a refused post still keeps its run


def test_a_diverged_run_goes_through(database: Database, make_recorder: Callable[..., RunRecorder]) -> None:
    """A NaN loss must not stop the recorder (PostgreSQL's JSON refuses NaN)."""
    recorder = make_recorder(database, flush_seconds=0.05, retry_seconds=0.1)
    workspace, run_id = new_workspace_id(), new_run_id()
    write = state(run_id, workspace, 3, status=FINISHED)
    diverged = replace(write, record=replace(write.record, history={"loss": [1.0, math.inf, math.nan]}))
    recorder.put(diverged)
    assert recorder.flush(timeout=10)
    assert recorder.status().saving
    assert load_runs(database, workspace)[0].record.history["loss"][0] == 1.0


def test_database_down_then_back_loses_nothing(
    postgres_server: PostgresServer, make_recorder: Callable[..., RunRecorder]
) -> None:
    db = Database(postgres_server.url)
    db.upgrade()
    code, _key = create_class(db)
    workspace, run_id = new_workspace_id(), new_run_id()
    join_class(db, code, workspace, "Ada")
    recorder = make_recorder(db, flush_seconds=0.05, retry_seconds=0.2)
    recorder.put(state(run_id, workspace, 2))
    assert recorder.flush(timeout=10)

    postgres_server.stop()
    for epochs in range(3, 12):
        recorder.put(state(run_id, workspace, epochs))  # returns at once: training never waits
    recorder.put(state(run_id, workspace, 12, status=FINISHED), PostRequest(code, workspace, run_id, "wine"))
    wait_for(lambda: not recorder.status().saving)
    status = recorder.status()
    assert status.pending == 2  # the run's newest state and its post
    assert status.failing_since is not None and status.error
    assert not recorder.flush(timeout=0.5)
    assert recorder.post_outcome(run_id) is None
    time.sleep(0.5)  # a few failed retries

    postgres_server.start()
    assert recorder.flush(timeout=30)
    assert recorder.status().saving and recorder.status().pending == 0
    [stored] = load_runs(db, workspace)
    assert stored.status == FINISHED
    assert stored.record == state(run_id, workspace, 12, status=FINISHED).record
    assert recorder.post_outcome(run_id) == "posted"
    assert [p.record.run_id for p in board(db, code)] == [run_id]
    db.dispose()


def test_an_unwritable_sqlite_file_is_reported_not_raised(
    tmp_path: Path, make_recorder: Callable[..., RunRecorder]
) -> None:
    db = Database(f"sqlite:///{tmp_path}")  # a directory: SQLite cannot open it
    recorder = make_recorder(db, flush_seconds=0.05, retry_seconds=0.1)
    run_id = new_run_id()
    recorder.put(state(run_id, new_workspace_id(), 4), PostRequest("ABCDEFGH", new_workspace_id(), run_id, "wine"))
    wait_for(lambda: not recorder.status().saving)
    status = recorder.status()
    assert status.pending == 2
    assert "unable to open database" in status.error
    assert not recorder.flush(timeout=0.3)
    db.dispose()


def test_a_write_the_database_refuses_for_good_is_dropped_and_the_others_go_through(
    database: Database, make_recorder: Callable[..., RunRecorder]
) -> None:
    # A post of a run that is not in the store breaks the posts → runs foreign
    # key: an IntegrityError, not an outage. Retrying it would block the queue.
    code, _ = create_class(database)
    workspace = new_workspace_id()
    join_class(database, code, workspace, "Mei")
    recorder = make_recorder(database, flush_seconds=0.05)
    missing = new_run_id()
    with recorder._lock:  # the post alone, as if its run had been written and deleted since
        recorder._posts[missing] = PostRequest(code, workspace, missing, "wine")
    run_id = new_run_id()
    recorder.put(state(run_id, workspace, 3, status=FINISHED))
    assert recorder.flush(timeout=20)
    assert recorder.status().saving and recorder.status().pending == 0
    assert recorder.post_outcome(missing) == "refused"
    assert [run.run_id for run in load_runs(database, workspace)] == [run_id]
    assert board(database, code) == []


def test_a_discarded_run_is_never_written_again_after_its_delete(
    database: Database, make_recorder: Callable[..., RunRecorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from dlcore.store.runs import delete_runs

    gate, writing = threading.Event(), threading.Event()
    real_write = recorder_module.write_run

    def held(db: Database, write: RunWrite) -> None:  # the first write waits at the gate
        writing.set()
        gate.wait(10)
        real_write(db, write)

    monkeypatch.setattr(recorder_module, "write_run", held)
    recorder = make_recorder(database, flush_seconds=0.05)
    workspace, run_id = new_workspace_id(), new_run_id()
    recorder.put(state(run_id, workspace, 3))
    assert writing.wait(10)  # the writer is inside the first write
    recorder.put(state(run_id, workspace, 4))  # a newer state waits behind it
    done: list[bool] = []
    deleter = threading.Thread(target=lambda: done.append(recorder.discard([run_id])))
    deleter.start()
    time.sleep(0.2)
    assert not done, "discard returned while a write was in progress"
    gate.set()
    deleter.join(10)
    assert done == [True]
    assert delete_runs(database, workspace, [run_id]) == 1
    recorder.put(state(new_run_id(), workspace, 1))  # the writer goes on with other runs
    assert recorder.flush(timeout=20)
    assert run_id not in {run.run_id for run in load_runs(database, workspace)}


def test_the_writer_outlives_an_error_that_is_not_a_database_one(
    database: Database, make_recorder: Callable[..., RunRecorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_upgrade = database.upgrade
    calls: list[int] = []

    def upgrade_once_broken() -> None:  # e.g. Alembic finds a schema newer than this app
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Can't locate revision identified by '0099'")
        real_upgrade()

    monkeypatch.setattr(database, "upgrade", upgrade_once_broken)
    recorder = make_recorder(database, flush_seconds=0.05, retry_seconds=0.2)
    workspace, run_id = new_workspace_id(), new_run_id()
    recorder.put(state(run_id, workspace, 3))
    wait_for(lambda: not recorder.status().saving)
    assert "0099" in recorder.status().error
    assert recorder.flush(timeout=20)  # retried, and written
    assert recorder.status().saving
    assert [run.run_id for run in load_runs(database, workspace)] == [run_id]
