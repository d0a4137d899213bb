"""A workspace's runs in the store, on SQLite and a real PostgreSQL: what is
written is what is read back (to the last bit of every float), the newest
write wins, a diverged run (NaN, infinity) is kept, only the owner deletes,
the cap drops the oldest finished runs, and hostile text is stored exactly."""

from __future__ import annotations

import base64
import math
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, inspect, select

from dlcore.runtime.runs import RunRecord
from dlcore.store.classes import PostRequest, board, create_class, join_class, post_run
from dlcore.store.db import Database
from dlcore.store.runs import (
    RunWrite,
    delete_runs,
    enforce_cap,
    is_workspace_id,
    load_runs,
    mark_interrupted,
    new_run_id,
    new_workspace_id,
    workspace_cap,
    write_run,
)
from dlcore.store.schema import FINISHED, INTERRUPTED, RUNNING, Post, Run

T0 = datetime(2026, 11, 30, 9, 0, 0, 123456, tzinfo=UTC)
METRICS = ("loss", "val_loss", "mae", "val_mae")
HOSTILE = ("'; DROP TABLE runs;--", "Mei <b>'x'</b>;-- \"q\" \\ %s %(x)s ?", "學生 ✓ émoji 🧪 \u202e")


def history(epochs: int, seed: int = 0) -> dict[str, list[float]]:
    """A history of full-precision floats (random: no value is round in decimal)."""
    rng = random.Random(seed)
    return {metric: [rng.random() * 10 ** rng.randint(-8, 3) for _ in range(epochs)] for metric in METRICS}


def record(number: int = 1, epochs: int = 100, seed: int = 0, result: dict | None = None) -> RunRecord:
    rng = random.Random(seed)
    return RunRecord(
        number=number,
        meta={
            "model": {"layers": [{"units": 64, "activation": "relu"}] * 3, "dropout": 0.3},
            "train": {"optimizer": "adam", "learning_rate": 1e-3, "epochs": epochs, "batch_size": 32},
            "note": "學習 ✓",
        },
        history=history(epochs, seed),
        result=result if result is not None else {"stop_reason": "completed", "val_mae": 0.512345678901234},
        predictions=[rng.gauss(5.6, 0.8) for _ in range(50)],
        error=None,
        seconds=[0.0371 * (epoch + 1) + rng.random() / 1e3 for epoch in range(epochs)],
        extras={
            "gradients": [[epoch, [rng.random() / 7, rng.random() / 3]] for epoch in range(1, epochs + 1, 10)],
            "boundary": {"epoch": epochs, "p": [[rng.random() for _ in range(4)] for _ in range(4)]},
        },
    )


def write(
    db: Database,
    workspace: str,
    run: RunRecord,
    *,
    run_id: str | None = None,
    page: str = "wine",
    status: str = FINISHED,
    started: datetime = T0,
    job_id: str = "",
) -> str:
    run_id = run_id or new_run_id()
    write_run(db, RunWrite(run_id, workspace, page, status, run, job_id, started, server="server-a"))
    return run_id


def test_write_then_load_gives_back_exactly_what_was_written(database: Database) -> None:
    workspace = new_workspace_id()
    run = record(epochs=100)
    run_id = write(database, workspace, run, status=RUNNING, job_id="job-7")

    [stored] = load_runs(database, workspace)
    assert stored.record == replace(run, run_id=run_id)
    assert stored.record.history["val_mae"] == run.history["val_mae"]  # 100 floats, bit for bit
    assert (stored.run_id, stored.page, stored.status, stored.job_id, stored.server) == (
        run_id,
        "wine",
        RUNNING,
        "job-7",
        "server-a",
    )
    assert stored.created_at == T0
    assert stored.updated_at.tzinfo is not None
    assert abs(stored.updated_at - datetime.now(UTC)) < timedelta(minutes=1)
    with database.session() as session:
        assert session.get(Run, run_id).epochs == 100


def test_a_diverged_run_with_nan_and_infinity_is_stored_and_loaded(database: Database) -> None:
    """JSON (and PostgreSQL's json) has no NaN: non-finite numbers are stored
    as null, and a history reads them back as NaN, so the curve still ends
    where the run diverged."""
    nan, inf = float("nan"), float("inf")
    workspace = new_workspace_id()
    run = RunRecord(
        number=1,
        meta={"train": {"learning_rate": 10.0}},
        history={"loss": [2.5, 1e38, inf, nan], "val_loss": [2.0, -inf, nan, nan]},
        result={"stop_reason": "diverged", "best_val_loss": inf, "nested": [1.0, nan]},
        predictions=[nan, 1.5],
        seconds=[0.1, 0.2, 0.3, 0.4],
        extras={"boundary": {"epoch": 4, "p": [[nan, 0.5]]}},
    )
    run_id = write(database, workspace, run)

    [stored] = load_runs(database, workspace)
    loaded = stored.record
    assert loaded.history["loss"][:2] == [2.5, 1e38]
    assert math.isnan(loaded.history["loss"][2]) and math.isnan(loaded.history["loss"][3])
    assert loaded.history["val_loss"][0] == 2.0 and all(math.isnan(v) for v in loaded.history["val_loss"][1:])
    assert loaded.epochs_run == 4
    assert loaded.best("loss") == (2.5, 1)  # the record's own reading still works
    assert loaded.result == {"stop_reason": "diverged", "best_val_loss": None, "nested": [1.0, None]}
    assert math.isnan(loaded.predictions[0]) and loaded.predictions[1] == 1.5
    assert loaded.extras["boundary"]["p"] == [[None, 0.5]]
    with database.session() as session:  # what the database holds: JSON null
        assert session.get(Run, run_id).history["loss"][2:] == [None, None]


def test_the_newest_write_wins(database: Database) -> None:
    workspace = new_workspace_id()
    full = record(epochs=30, seed=3)
    partial = replace(full, history={m: v[:10] for m, v in full.history.items()}, result=None)
    run_id = write(database, workspace, partial, status=RUNNING, job_id="job-1")
    [first] = load_runs(database, workspace)
    write(database, workspace, full, run_id=run_id, status=FINISHED, job_id="")

    [stored] = load_runs(database, workspace)
    assert stored.record == replace(full, run_id=run_id)
    assert (stored.status, stored.job_id, stored.created_at) == (FINISHED, "", T0)
    assert stored.updated_at >= first.updated_at
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Run)) == 1
        assert session.get(Run, run_id).epochs == 30


def test_runs_load_by_workspace_and_page_oldest_first(database: Database) -> None:
    mine, other = new_workspace_id(), new_workspace_id()
    later = write(database, mine, record(2, epochs=3), page="wine", started=T0 + timedelta(seconds=5))
    earlier = write(database, mine, record(1, epochs=3), page="wine", started=T0)
    overfit = write(database, mine, record(1, epochs=3), page="overfitting", started=T0 + timedelta(seconds=1))
    write(database, other, record(1, epochs=3), page="wine")

    assert [r.run_id for r in load_runs(database, mine, "wine")] == [earlier, later]
    assert [r.run_id for r in load_runs(database, mine, "overfitting")] == [overfit]
    assert [r.run_id for r in load_runs(database, mine)] == [earlier, overfit, later]
    assert load_runs(database, mine, "classification") == []
    assert load_runs(database, new_workspace_id()) == []


def test_only_the_owner_deletes_and_posts_go_with_the_run(database: Database) -> None:
    owner, stranger = new_workspace_id(), new_workspace_id()
    kept, posted, other = (write(database, owner, record(n, epochs=3)) for n in (1, 2, 3))
    code, _key = create_class(database)
    join_class(database, code, owner, "Ada")
    assert post_run(database, PostRequest(code, owner, posted, "wine")) == "posted"

    assert delete_runs(database, stranger, [kept, posted]) == 0  # another workspace's run ids
    assert delete_runs(database, stranger) == 0
    assert len(load_runs(database, owner)) == 3

    assert delete_runs(database, owner, [posted]) == 1
    assert {r.run_id for r in load_runs(database, owner)} == {kept, other}
    assert board(database, code) == []
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Post)) == 0

    assert delete_runs(database, owner) == 2
    assert load_runs(database, owner) == []


def test_the_cap_drops_the_oldest_finished_runs_and_keeps_running_ones(database: Database) -> None:
    workspace, neighbour = new_workspace_id(), new_workspace_id()
    ids = [
        write(
            database,
            workspace,
            record(n, epochs=2),
            started=T0 + timedelta(seconds=n),
            status=RUNNING if n == 1 else FINISHED,
        )
        for n in range(1, 7)
    ]
    write(database, neighbour, record(1, epochs=2), started=T0 - timedelta(days=1))

    assert enforce_cap(database, workspace, 6) == []
    assert enforce_cap(database, workspace, 4) == [ids[1], ids[2]]
    # The oldest (run 1) is still training: runs 2 and 3 go instead.
    assert [r.run_id for r in load_runs(database, workspace)] == [ids[0], *ids[3:]]
    assert enforce_cap(database, workspace, 1) == ids[3:]
    assert [r.run_id for r in load_runs(database, workspace)] == [ids[0]]  # running: kept over the cap
    assert len(load_runs(database, neighbour)) == 1  # another workspace is never touched


def test_workspace_cap_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DLP_WORKSPACE_RUNS", raising=False)
    assert workspace_cap() == 200
    monkeypatch.setenv("DLP_WORKSPACE_RUNS", "7")
    assert workspace_cap() == 7


def test_mark_interrupted_touches_only_running_rows(database: Database) -> None:
    workspace = new_workspace_id()
    partial = record(epochs=12)
    running = write(database, workspace, partial, status=RUNNING, job_id="job-1", started=T0)
    finished = write(database, workspace, record(2, epochs=5), status=FINISHED, started=T0 + timedelta(seconds=1))
    elsewhere = write(database, new_workspace_id(), record(epochs=3), status=RUNNING, job_id="job-2")

    mark_interrupted(database, [running, finished, "no-such-run"])
    mark_interrupted(database, [])

    by_id = {r.run_id: r for r in load_runs(database, workspace)}
    assert (by_id[running].status, by_id[running].job_id) == (INTERRUPTED, "")
    assert by_id[running].record == replace(partial, run_id=running)  # its epochs stay
    assert (by_id[finished].status, by_id[finished].job_id) == (FINISHED, "")
    with database.session() as session:
        assert session.get(Run, elsewhere).status == RUNNING


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_is_stored_exactly(database: Database, hostile: str) -> None:
    workspace, page = hostile[:64], hostile[:32]
    run = replace(record(epochs=3), meta={"name": hostile, hostile: [hostile], "x": "\"'`\\;--\n\t\u2028"})
    run_id = write(database, workspace, run, page=page)

    [stored] = load_runs(database, workspace, page)
    assert stored.page == page
    assert stored.record.meta == run.meta
    assert load_runs(database, workspace[:-1] or "x") == []  # matched exactly, not as a pattern
    assert "runs" in inspect(database.engine).get_table_names()
    assert delete_runs(database, workspace, [run_id]) == 1


def test_workspace_ids_are_unguessable() -> None:
    ids = {new_workspace_id() for _ in range(2000)}
    assert len(ids) == 2000
    for workspace in list(ids)[:50]:
        assert is_workspace_id(workspace)
        assert len(base64.urlsafe_b64decode(workspace)) * 8 >= 128
    for bad in ("", "short", "x" * 31 + "!", "x" * 33, "'; DROP TABLE runs;--" + "x" * 11):
        assert not is_workspace_id(bad)
