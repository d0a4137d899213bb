"""A session's runs and the store, without Streamlit: which stored runs come
back (attached again, or interrupted), the write cadence while a run
trains, run numbers and store ids, and the workspace cap over real rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dlcore.runtime.executor import DONE, JobSnapshot
from dlcore.runtime.runs import RUN_CAP, RunRecord
from dlcore.runtime.session_work import (
    INTERRUPTED_KEY,
    STALE_SECONDS,
    WRITE_EVERY_EPOCHS,
    WRITE_EVERY_SECONDS,
    ActiveJob,
    SessionWork,
    plan_restore,
)
from dlcore.store.db import Database
from dlcore.store.runs import RunWrite, StoredRun, enforce_cap, load_runs, mark_interrupted, write_run
from dlcore.store.schema import FINISHED, INTERRUPTED, RUNNING
from dlcore.text import error_text

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
HERE, THERE = "server-here", "server-there"
WS = "w" * 32


def record(number: int, epochs: int = 3, planned: int = 10, result: dict | None = None) -> RunRecord:
    meta = {"train": {"epochs": planned, "loss": "mae"}, "label": f"run {number}"}
    history = {"loss": [1.0 / (e + 1) for e in range(epochs)], "val_loss": [1.1 / (e + 1) for e in range(epochs)]}
    return RunRecord(number, meta, history, result, predictions=[0.5], run_id=f"r{number}")


def row(page: str, number: int, status: str, *, server: str = HERE, job: str = "", age: float = 1.0, **kw) -> StoredRun:
    rec = record(number, **kw)
    at = NOW - timedelta(seconds=age)
    return StoredRun(f"{page}-{number}", page, status, rec, job, server, at - timedelta(seconds=60), at)


class FakePool:
    """Knows the jobs it was given; records which ids it was asked about."""

    def __init__(self, alive: set[str]) -> None:
        self.alive, self.asked = alive, []

    def known(self, job_id: str) -> bool:
        self.asked.append(job_id)
        return job_id in self.alive


def test_restore_attaches_live_jobs_of_this_server_and_interrupts_the_rest() -> None:
    done = {"stop_reason": "completed", "seconds": 1.0}
    stored = [
        row("wine", 1, FINISHED, result=done),
        row("wine", 2, INTERRUPTED, epochs=4, planned=60),
        row("wine", 3, RUNNING, job="job-live", epochs=7),
        row("overfitting", 1, RUNNING, job="job-gone", epochs=5, planned=20),  # this server lost its job
        row("overfitting", 2, RUNNING, server=THERE, job="job-x", age=10),  # another server, written 10 s ago
        row("overfitting", 3, RUNNING, server=THERE, job="job-y", age=STALE_SECONDS + 5),  # another, silent
    ]
    pool = FakePool({"job-live", "job-x", "job-y"})
    plan = plan_restore(stored, workspace=WS, server_id=HERE, job_alive=pool.known, now=NOW)

    job = plan.jobs["wine"]
    assert (job.job_id, job.run_id, job.number, job.workspace) == ("job-live", "wine-3", 3, WS)
    assert job.started_at == stored[2].created_at and job.meta == stored[2].record.meta
    assert list(plan.jobs) == ["wine"]
    assert sorted(pool.asked) == ["job-gone", "job-live"]  # another server's job ids mean nothing here
    assert [r.number for r in plan.runs["wine"]] == [1, 2]
    assert plan.runs["wine"][0].result == done and plan.runs["wine"][0].error is None
    assert plan.runs["wine"][1].error == {"key": INTERRUPTED_KEY, "values": {"epoch": 4, "epochs": 60}}
    # Every running row that was not attached is shown interrupted with its epochs...
    assert [r.number for r in plan.runs["overfitting"]] == [1, 2, 3]
    assert all(r.error["key"] == INTERRUPTED_KEY for r in plan.runs["overfitting"])
    assert plan.runs["overfitting"][0].history["loss"] == stored[3].record.history["loss"]
    # ...but only this server's, and another's silent for STALE_SECONDS, are marked so in the store.
    assert sorted(plan.interrupted) == ["overfitting-1", "overfitting-3"]
    assert plan.counters == {"wine": 3, "overfitting": 3}


def test_two_live_jobs_of_one_page_attach_the_newest_and_leave_the_other_running() -> None:
    stored = [row("wine", 1, RUNNING, job="a"), row("wine", 2, RUNNING, job="b")]
    plan = plan_restore(stored, workspace=WS, server_id=HERE, job_alive=FakePool({"a", "b"}).known, now=NOW)
    assert plan.jobs["wine"].job_id == "b"
    assert plan.runs == {} and plan.interrupted == []  # the other tab's run is its own


def test_restore_keeps_the_newest_run_cap_runs_and_only_the_newest_predictions() -> None:
    stored = [row("wine", n, FINISHED, result={"stop_reason": "completed"}) for n in range(1, RUN_CAP + 6)]
    plan = plan_restore(stored, workspace=WS, server_id=HERE, job_alive=FakePool(set()).known, now=NOW)
    runs = plan.runs["wine"]
    assert [r.number for r in runs] == list(range(6, RUN_CAP + 6))
    assert [bool(r.predictions) for r in runs] == [False] * (RUN_CAP - 1) + [True]
    assert plan.counters["wine"] == RUN_CAP + 5


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_an_interrupted_run_says_where_it_stopped(lang: str) -> None:
    plan = plan_restore(
        [row("wine", 1, INTERRUPTED, epochs=12, planned=60)], workspace=WS, server_id=HERE, job_alive=bool, now=NOW
    )
    text = error_text(plan.runs["wine"][0].error, lang)
    expected = {
        "en": "Interrupted at epoch 12 of 60 (the server restarted); its curves up to there are kept.",
        "zh-TW": "在第 12 個 epoch（共 60 個）中斷了（伺服器重新啟動）；到那時為止的曲線都保留著。",
    }
    assert text == expected[lang]


def test_write_cadence_every_few_epochs_or_seconds_whichever_first() -> None:
    assert (WRITE_EVERY_EPOCHS, WRITE_EVERY_SECONDS) == (5, 2.0)
    work = SessionWork()
    work.start("wine", ActiveJob("j", {}, "r", NOW, 1, WS))
    page = work.page("wine")
    polls = [(0, 10.0), (1, 10.1), (2, 10.2), (5, 10.9), (6, 11.0), (6, 12.5), (7, 13.2), (8, 13.3), (9, 20.0)]
    written = [epochs for epochs, at in polls if page.write_due(epochs, at)]
    # epoch 1: the first; 6: five new epochs; 7: 2.2 s after the last write; 9: 6.7 s later
    assert written == [1, 6, 7, 9]
    work.start("wine", ActiveJob("k", {}, "s", NOW, 2, WS))  # a new job starts its own count
    assert page.write_due(1, 20.1)


def finished(job_id: str, epochs: int = 2) -> JobSnapshot:
    events = tuple(("epoch", {"logs": {"loss": 0.5, "val_loss": 0.6}, "seconds": 0.1 * (e + 1)}) for e in range(epochs))
    return JobSnapshot(job_id, DONE, None, events, {"stop_reason": "completed"}, None, False, 0.0, 0.0, 1.0)


def test_filing_keeps_the_number_given_at_start_and_the_store_id() -> None:
    work = SessionWork()
    work.page("wine").run_counter = 4  # runs 1..4 came back from the store
    page = work.page("wine")
    work.start("wine", ActiveJob("j", {"label": "x"}, "run-id-5", NOW, page.next_number(), WS))
    assert page.run_counter == 5  # taken at start: a job that vanishes never gives its number twice
    filed = page.file(finished("j"))
    assert (filed.number, filed.run_id, filed.epochs_run) == (5, "run-id-5", 2)
    assert page.runs == [filed] and page.job is None
    work.start("wine", ActiveJob("k", {}))  # a job without a store id is numbered when filed
    assert page.file(finished("k")).number == 6


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'runs.sqlite3'}")
    database.upgrade()
    yield database
    database.dispose()


def put(db: Database, page: str, number: int, status: str, *, server: str = HERE, job: str = "") -> None:
    rec = record(number, result={"stop_reason": "completed"} if status == FINISHED else None)
    started = NOW + timedelta(seconds=number)
    write_run(db, RunWrite(f"{page}-{number}", WS, page, status, rec, job, started, server))


def test_restore_over_real_rows_then_interrupted_rows_stay_interrupted(db: Database) -> None:
    put(db, "wine", 1, FINISHED)
    put(db, "wine", 2, RUNNING, job="gone")  # the server restarted: its job died with it
    put(db, "wine", 3, RUNNING, job="live")
    stored = load_runs(db, WS)
    plan = plan_restore(stored, workspace=WS, server_id=HERE, job_alive=lambda j: j == "live", now=datetime.now(UTC))
    assert plan.jobs["wine"].run_id == "wine-3" and plan.interrupted == ["wine-2"]
    mark_interrupted(db, plan.interrupted)
    again = {r.run_id: r for r in load_runs(db, WS)}
    assert again["wine-2"].status == INTERRUPTED and again["wine-2"].job_id == ""
    assert again["wine-2"].record.history == record(2).history  # its epochs stay
    assert again["wine-3"].status == RUNNING
    plan = plan_restore(
        list(again.values()), workspace=WS, server_id=HERE, job_alive=lambda j: False, now=datetime.now(UTC)
    )
    assert [r.error and r.error["key"] for r in plan.runs["wine"]] == [None, INTERRUPTED_KEY, INTERRUPTED_KEY]


def test_workspace_cap_drops_the_oldest_finished_runs_and_keeps_running_ones(db: Database) -> None:
    put(db, "wine", 1, RUNNING, job="live")
    for number in range(2, 6):
        put(db, "wine" if number % 2 else "classification", number, FINISHED)
    assert enforce_cap(db, WS, 3) == ["classification-2", "wine-3"]
    assert sorted(r.run_id for r in load_runs(db, WS)) == ["classification-4", "wine-1", "wine-5"]
    assert enforce_cap(db, WS, 3) == []


def test_a_paused_run_comes_back_paused_and_a_continued_one_keeps_its_first_part() -> None:
    from dataclasses import replace

    from dlcore.runtime.runs import continued

    paused = row("wine", 1, FINISHED, epochs=4, planned=10, result={"stop_reason": "paused", "seconds": 1.0})
    going = row("overfitting", 1, RUNNING, job="job-live", epochs=6, planned=10)
    going = replace(going, record=replace(going.record, meta={**going.record.meta, "initial_epoch": 4}))
    plan = plan_restore([paused, going], workspace=WS, server_id=HERE, job_alive=FakePool({"job-live"}).known, now=NOW)
    (back,) = plan.runs["wine"]
    assert back.stop_reason == "paused" and back.epochs_run == 4 and back.error is None
    job = plan.jobs["overfitting"]
    assert job.base is not None and job.base.epochs_run == 4  # the continuation's epochs follow these
    base = record(1, epochs=4)
    part = RunRecord(1, base.meta, {"loss": [0.1, 0.05], "val_loss": [0.2, 0.01]}, {"stop_reason": "completed", "best_epoch": 2}, seconds=[0.5, 1.0])
    whole = continued(replace(base, seconds=[1.0, 2.0, 3.0, 4.0]), part)
    assert whole.epochs_run == 6 and whole.history["val_loss"][4:] == [0.2, 0.01]
    assert whole.seconds == [1.0, 2.0, 3.0, 4.0, 4.5, 5.0] and whole.result["best_epoch"] == 6
    assert whole.run_id == "r1" and whole.number == 1


def test_a_continuations_base_keeps_only_its_own_epochs_samples() -> None:
    from dataclasses import replace

    from dlcore.runtime.runs import truncated

    run = record(1, epochs=6)
    extras = {
        "gradients": [[epoch, [0.1]] for epoch in (1, 3, 6)],
        "weights": [[epoch, []] for epoch in (1, 4, 6)],
        "neurons": [{"epoch": epoch} for epoch in (1, 2, 5, 6)],
    }
    base = truncated(replace(run, extras=extras), 4)
    assert [pair[0] for pair in base.extras["gradients"]] == [1, 3]
    assert [pair[0] for pair in base.extras["weights"]] == [1, 4]
    assert [snapshot["epoch"] for snapshot in base.extras["neurons"]] == [1, 2]
    assert base.epochs_run == 4


def test_the_time_left_ignores_the_epochs_a_pause_held() -> None:
    from dlcore.runtime.runs import eta_seconds

    # Epochs of 1 s, then epoch 3 held for a minute: 6 epochs left at 1 s each.
    assert eta_seconds([1.0, 2.0, 62.0, 63.0], 10) == pytest.approx(6.0)
    assert eta_seconds([2.0, 4.0], 5) == pytest.approx(6.0)
    assert eta_seconds([], 5) is None
