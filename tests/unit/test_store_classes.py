"""Classes in the store, on SQLite and a real PostgreSQL: codes and teacher
keys, joining and names, limits, posts and the board, teacher actions, the
sweep's round-robin (also from many threads and two servers at once)."""

from __future__ import annotations

import base64
import hashlib
import threading
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from dlcore.runtime.runs import RunRecord
from dlcore.store.classes import (
    CODE_ALPHABET,
    ClassError,
    MemberInfo,
    PostRequest,
    assign_cell,
    board,
    check_teacher,
    create_class,
    get_class,
    join_class,
    members,
    membership,
    my_posts,
    normalize_code,
    post_run,
    remove_posts,
    update_class,
    withdraw_post,
)
from dlcore.store.db import Database
from dlcore.store.runs import RunWrite, new_run_id, new_workspace_id, write_run
from dlcore.store.schema import FINISHED, INTERRUPTED, RUNNING, Classroom, Member

HOSTILE_NAME = "Mei <b>'x'</b>;--"
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def finished_run(db: Database, workspace: str, *, status: str = FINISHED, val_mae: float = 0.5, n: int = 1) -> str:
    """Writes a small run of ``workspace`` and returns its id."""
    run_id = new_run_id()
    run = RunRecord(
        number=n,
        meta={"model": {"units": 64}},
        history={"loss": [1.0, 0.75], "val_mae": [0.9, val_mae]},
        result={"stop_reason": "completed", "val_mae": val_mae},
        run_id=run_id,
    )
    write_run(db, RunWrite(run_id, workspace, "wine", status, run, "", T0))
    return run_id


def student(db: Database, code: str, name: str) -> str:
    workspace = new_workspace_id()
    join_class(db, code, workspace, name)
    return workspace


def test_create_gives_a_code_and_a_secret_key_of_which_only_the_hash_is_kept(database: Database) -> None:
    code, key = create_class(database)
    other_code, other_key = create_class(database)

    assert len(code) == 8 and set(code) <= set(CODE_ALPHABET) and not set(code) & set("IO01")
    assert normalize_code(f" {code[:4].lower()}-{code[4:]} ") == code
    assert len(base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))) * 8 >= 128
    assert (other_code, other_key) != (code, key) and other_key != key
    with database.session() as session:
        row = session.get(Classroom, code)
        assert row.teacher_hash == hashlib.sha256(key.encode()).hexdigest()
        assert key not in repr([getattr(row, c.key) for c in Classroom.__table__.columns])
        assert (row.closed, row.hide_names, row.sweep, row.next_cell) == (False, False, None, 0)
    info = check_teacher(database, code, key)
    assert (info.code, info.closed, info.hide_names) == (code, False, False)
    assert get_class(database, "ZZZZZZZZ") is None


def test_a_wrong_teacher_key_is_refused_and_changes_nothing(database: Database) -> None:
    code, key = create_class(database)
    _other, other_key = create_class(database)
    workspace = student(database, code, "Ada")
    run_id = finished_run(database, workspace)
    assert post_run(database, PostRequest(code, workspace, run_id, "wine")) == "posted"

    for wrong in (other_key, "", key[:-1], key + "x", "' OR '1'='1"):
        with pytest.raises(ClassError) as refused:
            check_teacher(database, code, wrong)
        assert refused.value.code == "teacher_key"
        with pytest.raises(ClassError, match="teacher_key"):
            update_class(database, code, wrong, closed=True, hide_names=True)
        with pytest.raises(ClassError, match="teacher_key"):
            remove_posts(database, code, wrong)
    with pytest.raises(ClassError, match="unknown_class"):
        check_teacher(database, "ZZZZZZZZ", key)
    info = get_class(database, code)
    assert (info.closed, info.hide_names) == (False, False)
    assert len(board(database, code)) == 1


def test_join_numbers_students_and_joining_again_renames(database: Database) -> None:
    code, _key = create_class(database)
    ada, bo = new_workspace_id(), new_workspace_id()
    assert join_class(database, code, ada, "  Ada  ") == MemberInfo(1, "Ada")
    assert join_class(database, code, bo, "陳美玲") == MemberInfo(2, "陳美玲")
    assert join_class(database, code, ada, "Ada L.") == MemberInfo(1, "Ada L.")
    assert members(database, code) == [MemberInfo(1, "Ada L."), MemberInfo(2, "陳美玲")]
    assert membership(database, code, bo) == MemberInfo(2, "陳美玲")
    assert membership(database, code, new_workspace_id()) is None
    with pytest.raises(ClassError, match="unknown_class"):
        join_class(database, "ZZZZZZZZ", ada, "Ada")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Ada\x00\x07 Love\u200blace\n", "Ada Lovelace"),  # control and format characters go
        ("\tTab\r\n", "Tab"),
        ("x" * 40, "x" * 40),
        ("學" * 40, "學" * 40),
        (HOSTILE_NAME, HOSTILE_NAME),
    ],
)
def test_names_are_cleaned_and_stored_exactly(database: Database, typed: str, kept: str) -> None:
    code, _key = create_class(database)
    workspace = new_workspace_id()
    assert join_class(database, code, workspace, typed).display_name == kept
    with database.session() as session:
        assert session.scalars(select(Member.display_name)).all() == [kept]
    assert members(database, code) == [MemberInfo(1, kept)]


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("", "name_empty"), ("   ", "name_empty"), ("\x00\x1b\u200b", "name_empty"), ("x" * 41, "name_long")],
)
def test_bad_names_are_refused(database: Database, typed: str, reason: str) -> None:
    code, _key = create_class(database)
    with pytest.raises(ClassError) as refused:
        join_class(database, code, new_workspace_id(), typed)
    assert refused.value.code == reason
    assert members(database, code) == []


def test_members_limit(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLP_CLASS_MAX_MEMBERS", "2")
    code, _key = create_class(database)
    first = student(database, code, "One")
    student(database, code, "Two")
    with pytest.raises(ClassError) as refused:
        join_class(database, code, new_workspace_id(), "Three")
    assert refused.value.code == "members_full"
    assert join_class(database, code, first, "One again") == MemberInfo(1, "One again")  # a member may rename
    assert len(members(database, code)) == 2


def test_posts_limit_per_student(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLP_CLASS_MAX_POSTS", "2")
    code, _key = create_class(database)
    ada, bo = student(database, code, "Ada"), student(database, code, "Bo")
    runs = [finished_run(database, ada, n=n) for n in range(3)]
    assert [post_run(database, PostRequest(code, ada, r, "wine")) for r in runs] == ["posted", "posted", "posts_full"]
    assert post_run(database, PostRequest(code, ada, runs[0], "wine")) == "posted"  # again: changes nothing
    assert post_run(database, PostRequest(code, bo, finished_run(database, bo), "wine")) == "posted"
    assert my_posts(database, code, ada) == set(runs[:2])
    assert len(board(database, code)) == 3


def test_refused_posts(database: Database) -> None:
    code, key = create_class(database)
    ada = student(database, code, "Ada")
    stranger = new_workspace_id()
    assert post_run(database, PostRequest(code, stranger, finished_run(database, stranger), "wine")) == "not_member"
    assert post_run(database, PostRequest("ZZZZZZZZ", ada, finished_run(database, ada), "wine")) == "unknown_class"
    assert update_class(database, code, key, closed=True).closed
    assert post_run(database, PostRequest(code, ada, finished_run(database, ada), "wine")) == "closed"
    assert board(database, code) == []
    assert not update_class(database, code, key, closed=False).closed
    assert post_run(database, PostRequest(code, ada, finished_run(database, ada), "wine")) == "posted"


def test_a_student_withdraws_only_their_own_post(database: Database) -> None:
    code, _key = create_class(database)
    ada, bo = student(database, code, "Ada"), student(database, code, "Bo")
    run_id = finished_run(database, ada)
    post_run(database, PostRequest(code, ada, run_id, "wine"))
    assert not withdraw_post(database, code, bo, run_id)
    assert not withdraw_post(database, code, new_workspace_id(), run_id)
    assert [p.display_name for p in board(database, code)] == ["Ada"]
    assert withdraw_post(database, code, ada, run_id)
    assert board(database, code) == []
    assert not withdraw_post(database, code, ada, run_id)


def test_teacher_removes_one_post_then_clears(database: Database) -> None:
    code, key = create_class(database)
    other_code, other_key = create_class(database)
    ada = student(database, code, "Ada")
    join_class(database, other_code, ada, "Ada")
    posted = [finished_run(database, ada, n=n) for n in range(3)]
    for run_id in posted:
        post_run(database, PostRequest(code, ada, run_id, "wine"))
    post_run(database, PostRequest(other_code, ada, posted[0], "wine"))

    first = board(database, code)[0]
    assert remove_posts(database, other_code, other_key, [first.post_id]) == 0  # not that class's post
    assert remove_posts(database, code, key, [first.post_id]) == 1
    assert [p.record.run_id for p in board(database, code)] == posted[1:]
    assert remove_posts(database, code, key) == 2
    assert board(database, code) == []
    assert len(board(database, other_code)) == 1  # another class is untouched


def test_board_shows_posts_with_their_runs_and_not_running_ones(database: Database) -> None:
    code, key = create_class(database)
    ada, mei = student(database, code, "Ada"), student(database, code, HOSTILE_NAME)
    done = finished_run(database, ada, val_mae=0.41)
    training = finished_run(database, mei, status=RUNNING)
    lost = finished_run(database, mei, status=INTERRUPTED, val_mae=0.7)
    for workspace, run_id, cell in ((ada, done, 3), (mei, training, None), (mei, lost, None)):
        assert post_run(database, PostRequest(code, workspace, run_id, "wine", cell)) == "posted"

    posts = board(database, code)
    assert [(p.member, p.display_name, p.page, p.cell) for p in posts] == [
        (1, "Ada", "wine", 3),
        (2, HOSTILE_NAME, "wine", None),
    ]
    assert posts[0].record.run_id == done
    assert posts[0].record.result == {"stop_reason": "completed", "val_mae": 0.41}
    assert posts[0].record.history == {"loss": [1.0, 0.75], "val_mae": [0.9, 0.41]}
    assert posts[1].record.run_id == lost

    # The running run shows once it is written as finished.
    run = RunRecord(1, {}, {"loss": [1.0]}, {"stop_reason": "completed"}, run_id=training)
    write_run(database, RunWrite(training, mei, "wine", FINISHED, run, "", T0))
    assert [p.record.run_id for p in board(database, code)] == [done, training, lost]
    assert update_class(database, code, key, hide_names=True).hide_names


def test_assign_cell_is_round_robin_and_a_new_sweep_starts_over(database: Database) -> None:
    code, key = create_class(database)
    assert [assign_cell(database, code, 4) for _ in range(6)] == [0, 1, 2, 3, 0, 1]
    sweep = {"controls": ["units", "dropout"], "values": [[16, 64, 256, 1024], [0, 0.3]]}
    assert update_class(database, code, key, sweep=sweep).sweep == sweep
    assert [assign_cell(database, code, 8) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(ClassError, match="unknown_class"):
        assign_cell(database, "ZZZZZZZZ", 4)


def hand_out_cells(servers: list[Database], code: str, cells: int, threads_per_server: int, each: int) -> Counter:
    """Many threads (on each server) asking for the next cell at once."""
    handed: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(len(servers) * threads_per_server)

    def ask(db: Database) -> None:
        start.wait()
        try:
            mine = [assign_cell(db, code, cells) for _ in range(each)]
        except BaseException as error:  # noqa: BLE001 (reported by the test)
            errors.append(error)
            return
        with lock:
            handed.extend(mine)

    threads = [threading.Thread(target=ask, args=(db,)) for db in servers for _ in range(threads_per_server)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors[:3]
    return Counter(handed)


def test_concurrent_cell_assignment_hands_every_cell_out_evenly(store_url: str) -> None:
    """Two servers, four threads each, 25 requests per thread, 5 cells: each
    cell goes out exactly 40 times (a lost update would repeat one)."""
    servers = [Database(store_url) for _ in range(2)]
    try:
        servers[0].upgrade()
        code, _key = create_class(servers[0])
        counts = hand_out_cells(servers, code, cells=5, threads_per_server=4, each=25)
        assert counts == {cell: 40 for cell in range(5)}
        assert assign_cell(servers[1], code, 5) == 0  # 200 handed out: the next round starts at 0
    finally:
        for db in servers:
            db.dispose()


def test_students_joining_at_once_all_get_a_number(store_url: str) -> None:
    """The join link on the projector: a class joins within the same second."""
    servers = [Database(store_url) for _ in range(2)]
    try:
        servers[0].upgrade()
        code, _key = create_class(servers[0])
        start = threading.Barrier(16)
        errors: list[BaseException] = []

        def join(db: Database, n: int) -> None:
            start.wait()
            try:
                join_class(db, code, new_workspace_id(), f"Student {n}")
            except BaseException as error:  # noqa: BLE001 (reported by the test)
                errors.append(error)

        threads = [threading.Thread(target=join, args=(servers[n % 2], n)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not errors, errors[:3]
        assert sorted(m.number for m in members(servers[1], code)) == list(range(1, 17))
    finally:
        for db in servers:
            db.dispose()


def test_a_post_through_one_server_is_on_the_board_of_another(postgres_store_url: str) -> None:
    teacher_server, student_server = Database(postgres_store_url), Database(postgres_store_url)
    try:
        teacher_server.upgrade()
        student_server.upgrade()
        code, key = create_class(teacher_server)
        mei = student(student_server, code, HOSTILE_NAME)
        run_id = finished_run(student_server, mei, val_mae=0.444)
        assert post_run(student_server, PostRequest(code, mei, run_id, "wine")) == "posted"

        [post] = board(teacher_server, code)
        assert (post.display_name, post.record.run_id, post.record.result["val_mae"]) == (HOSTILE_NAME, run_id, 0.444)
        update_class(teacher_server, code, key, closed=True)
        other = finished_run(student_server, mei, n=2)
        assert post_run(student_server, PostRequest(code, mei, other, "wine")) == "closed"
        assert get_class(student_server, code).closed
    finally:
        teacher_server.dispose()
        student_server.dispose()
