"""Runs in the store, through the pages (AppTest): a finished run is written,
a new session with the same ``ws`` gets it back (and a running one attached
again), an invalid ``ws`` is replaced, an unreachable database is said so
while training goes on, and the owner deletes one run or all of them.

Each test has its own SQLite file (``DLP_DATABASE_URL``); ``ui.store`` keeps
one database and recorder per URL, so no cache needs clearing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dlcore.runtime.runs import RunRecord
from dlcore.store.db import Database
from dlcore.store.runs import RunWrite, is_workspace_id, load_runs, new_run_id, new_workspace_id, write_run
from dlcore.store.schema import FINISHED, INTERRUPTED, RUNNING, Run
from tests.app.test_links import toasts
from tests.conftest import APP, AppTestTimeout, busy, page_runs, run_until
from ui.store import get_recorder

WINE = "pages/6_wine.py"


@pytest.fixture
def db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Database]:
    """This test's own SQLite store (the app opens the same URL)."""
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    monkeypatch.setenv("DLP_DATABASE_URL", url)
    database = Database(url)
    database.upgrade()
    yield database
    database.dispose()


def open_wine(ws: str | None = None, **params: str) -> AppTest:
    """A new session (a new tab, or F5) on the wine page, with ``?ws=`` if given."""
    at = AppTest.from_file(APP, default_timeout=AppTestTimeout)
    if ws is not None:
        at.query_params["ws"] = ws
    at.query_params.update(params)
    at.run()
    at.switch_page(WINE)
    at.run()
    assert not at.exception
    return at


def train(at: AppTest, epochs: int) -> None:
    at.number_input(key="epochs").set_value(epochs).run()
    count = len(page_runs(at, "wine"))
    at.button(key="train").click().run()
    run_until(at, lambda a: not busy(a) and len(page_runs(a, "wine")) == count + 1)
    assert not at.exception


def stored(db: Database, ws: str, page: str | None = "wine") -> list:
    assert get_recorder().flush(10)
    return load_runs(db, ws, page)


def seed(
    db: Database,
    ws: str,
    number: int,
    status: str = FINISHED,
    *,
    page: str = "wine",
    epochs: int = 3,
    planned: int = 3,
    job_id: str = "",
    server: str = "elsewhere",
) -> str:
    """A run of ``ws`` written straight to the store (as an earlier session did)."""
    meta = {
        "model": {},
        "train": {"epochs": planned, "loss": "mae", "optimizer": "adam", "learning_rate": 0.001},
        "label": f"seeded {number}",
    }
    history = {"loss": [0.5 ** (e + 1) for e in range(epochs)], "val_loss": [0.75 ** (e + 1) for e in range(epochs)]}
    result = (
        {"stop_reason": "completed", "seconds": 1.0, "final": {}, "best_epoch": epochs} if status == FINISHED else None
    )
    run_id = new_run_id()
    started = datetime.now(UTC) - timedelta(minutes=10 - number)
    record = RunRecord(number, meta, history, result, run_id=run_id)
    write_run(db, RunWrite(run_id, ws, page, status, record, job_id, started, server))
    return run_id


def ws_of(at: AppTest) -> str:
    """The workspace id in the session's link."""
    value = at.query_params["ws"]
    return value if isinstance(value, str) else value[-1]


def test_a_finished_run_is_stored_and_a_new_session_with_the_ws_gets_it_back(db: Database) -> None:
    at = open_wine()
    ws = ws_of(at)
    assert is_workspace_id(ws)
    train(at, 2)
    (run,) = stored(db, ws)
    assert run.status == FINISHED and run.record.epochs_run == 2
    assert run.record.meta["model_id"] and run.record.result["stop_reason"] == "completed"
    assert run.run_id == page_runs(at, "wine")[0].run_id
    assert run.record.history == page_runs(at, "wine")[0].history

    again = open_wine(ws)  # F5, a bookmark or a server restart: a new session with the same link
    (back,) = page_runs(again, "wine")
    assert (back.run_id, back.number, back.history) == (run.run_id, 1, run.record.history)
    assert any("Finished all 2 epochs" in s.value for s in again.success)  # the chart shows it, as before
    assert len(again.dataframe[-1].value) == 1
    train(again, 1)
    assert [r.number for r in page_runs(again, "wine")] == [1, 2]  # numbering goes on
    assert len(stored(db, ws)) == 2

    other = open_wine()  # another browser: its own, empty workspace
    assert page_runs(other, "wine") == [] and ws_of(other) != ws


def test_an_invalid_ws_is_replaced_never_trusted(db: Database) -> None:
    bad = "x' OR 1=1 --<b>"
    at = AppTest.from_file(APP, default_timeout=AppTestTimeout)
    at.query_params["ws"] = bad
    at.run()
    assert not at.exception
    ws = ws_of(at)
    assert ws != bad and is_workspace_id(ws)
    assert any("workspace in the link was not valid" in text for text in toasts(at))
    at.switch_page(WINE)
    at.run()
    assert ws_of(at) == ws and page_runs(at, "wine") == []  # kept across the page switch
    assert not toasts(at)  # said once


def test_a_running_job_is_attached_again_in_the_new_session(db: Database) -> None:
    at = open_wine()
    ws = ws_of(at)
    at.number_input(key="epochs").set_value(25).run()
    at.button(key="train").click().run()
    run_until(at, lambda a: any(s.status == RUNNING and s.record.epochs_run >= 1 for s in stored(db, ws)))
    job_id = at.session_state["session_work"].page("wine").job.job_id
    # The tab reloads: the old session is never run again; the new one finds the job.
    again = open_wine(ws)
    assert busy(again) and again.session_state["session_work"].page("wine").job.job_id == job_id
    run_until(again, lambda a: not busy(a))
    (run,) = page_runs(again, "wine")
    assert run.epochs_run == 25 and run.stop_reason == "completed"
    assert [(s.status, s.record.epochs_run) for s in stored(db, ws)] == [(FINISHED, 25)]


def test_a_lost_run_shows_as_interrupted_with_its_curves(db: Database) -> None:
    ws = new_workspace_id()
    seed(db, ws, 1)
    lost = seed(db, ws, 2, RUNNING, epochs=4, planned=60, job_id="gone", server="a-stopped-server")
    with db.session() as session:  # its server stopped writing it long ago
        session.get(Run, lost).updated_at = datetime.now(UTC) - timedelta(minutes=5)
    at = open_wine(ws)
    assert [r.number for r in page_runs(at, "wine")] == [1, 2]
    assert page_runs(at, "wine")[1].history["loss"] == [0.5, 0.25, 0.125, 0.0625]
    assert any(
        "Interrupted at epoch 4 of 60 (the server restarted); its curves up to there are kept." in w.value
        for w in at.warning
    )
    table = at.dataframe[-1].value
    assert table["Outcome"].tolist() == ["interrupted", "completed"]  # newest first
    assert {s.run_id: s.status for s in stored(db, ws)}[lost] == INTERRUPTED

    zh = open_wine(ws, lang="zh-TW")
    zh.run()  # (AppTest draws the first run after a page switch in the default language)
    assert any("在第 4 個 epoch（共 60 個）中斷了" in w.value for w in zh.warning), [w.value for w in zh.warning] + [
        e.value for e in zh.error
    ]


def test_delete_one_run_then_all_from_the_session_and_the_store(db: Database) -> None:
    ws = new_workspace_id()
    for number in (1, 2, 3):
        seed(db, ws, number)
    seed(db, ws, 1, page="classification")
    at = open_wine(ws)
    assert [r.number for r in page_runs(at, "wine")] == [1, 2, 3]
    at.selectbox(key="runs_delete_pick").set_value(2).run()
    at.button(key="runs_delete").click().run()
    assert not at.exception
    assert [r.number for r in page_runs(at, "wine")] == [1, 3]
    assert [s.record.number for s in stored(db, ws)] == [1, 3]
    assert any("Run 2 deleted." in s.value for s in at.success)

    at.button(key="runs_delete_all").click().run()
    assert any("Delete all 2 runs of this page?" in w.value for w in at.warning)
    at.button(key="runs_delete_all_no").click().run()
    assert len(page_runs(at, "wine")) == 2 and len(stored(db, ws)) == 2
    at.button(key="runs_delete_all").click().run()
    at.button(key="runs_delete_all_yes").click().run()
    assert not at.exception
    assert page_runs(at, "wine") == [] and stored(db, ws) == []
    assert any("2 runs deleted." in s.value for s in at.success)
    assert len(stored(db, ws, "classification")) == 1  # another page's runs stay
    assert page_runs(open_wine(ws), "wine") == []  # and they do not come back


def test_the_workspace_cap_drops_the_oldest_and_says_so(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLP_WORKSPACE_RUNS", "2")
    ws = new_workspace_id()
    first, second = seed(db, ws, 1), seed(db, ws, 2)
    at = open_wine(ws)
    at.number_input(key="epochs").set_value(1).run()
    at.button(key="train").click().run()
    run_until(at, lambda a: any("Oldest 1 runs removed: this workspace keeps at most 2." in s for s in toasts(a)))
    assert not busy(at) and not at.exception
    kept = stored(db, ws)
    assert len(kept) == 2 and first not in {s.run_id for s in kept} and second in {s.run_id for s in kept}
    assert [r.number for r in page_runs(at, "wine")] == [2, 3]


def test_an_unreachable_database_is_said_and_training_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLP_DATABASE_URL", "postgresql://x@127.0.0.1:1/db")  # nothing listens on port 1
    at = open_wine()
    notice = [w.value for w in at.warning if "not being saved" in w.value]
    assert notice and "database cannot be reached" in notice[0]
    train(at, 2)
    assert page_runs(at, "wine")[0].epochs_run == 2
    assert any("Finished all 2 epochs" in s.value for s in at.success)
    at.run()
    notice = [w.value for w in at.warning if "not being saved" in w.value]
    assert notice and "Run updates waiting in memory: 1." in notice[0]  # the finished run waits
    at.button(key="runs_delete").click().run()  # the owner cannot delete while the database is away
    assert not at.exception
    assert any("database cannot be reached, so nothing was deleted" in e.value for e in at.error)
    assert len(page_runs(at, "wine")) == 1


def test_a_database_that_goes_away_mid_class_and_comes_back_loses_nothing(
    monkeypatch: pytest.MonkeyPatch, postgres_server
) -> None:
    monkeypatch.setenv("DLP_DATABASE_URL", postgres_server.url)
    at = open_wine()
    ws = ws_of(at)
    assert not [w for w in at.warning if "not being saved" in w.value]  # migrated and saving
    postgres_server.stop()
    train(at, 3)  # trains while the database is down
    assert page_runs(at, "wine")[0].epochs_run == 3
    started = time.monotonic()
    at.run()
    assert not at.exception
    notice = [w.value for w in at.warning if "not being saved" in w.value]
    assert notice, "the page says runs are not being saved"
    assert time.monotonic() - started < 15  # pages do not wait for the database
    postgres_server.start()
    assert get_recorder().flush(timeout=30), "the waiting run was written once the database was back"
    db = Database(postgres_server.url)
    (run,) = stored(db, ws)
    db.dispose()
    assert run.status == FINISHED and run.record.epochs_run == 3
    at.run()
    assert not [w for w in at.warning if "not being saved" in w.value]
