"""The class board (/class) and a student's side of a class, through AppTest.

Each test has its own SQLite store (``DLP_DATABASE_URL`` in a temporary
folder). Students' runs are written to the store directly (training is
tested elsewhere); the expected numbers are worked out by hand from the
histories written here.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from dlcore.markup import md
from dlcore.runtime.runs import RunRecord
from dlcore.store.classes import (
    PostRequest,
    board,
    check_teacher,
    create_class,
    get_class,
    join_class,
    membership,
    post_run,
    update_class,
)
from dlcore.store.db import Database
from dlcore.store.runs import RunWrite, new_run_id, new_workspace_id, write_run
from dlcore.store.schema import FINISHED
from dlcore.text import t
from tests.app.test_share_page import svg_of
from tests.conftest import APP, AppTestTimeout
from tests.qr_reference import decode
from ui.session_jobs import SESSION_WORK_KEY
from ui.store import get_recorder

BOARD = "pages/9_class.py"
WINE = "pages/6_wine.py"
OVERFITTING = "pages/7_overfitting.py"
HOSTILE = "Mei <b>'x'</b>;--"
ADDRESS = "http://192.168.1.5:8501/class"


@pytest.fixture
def db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Database]:
    """A fresh store for the test, the one the app uses too."""
    url = f"sqlite:///{tmp_path / 'class.sqlite3'}"
    monkeypatch.setenv("DLP_DATABASE_URL", url)
    database = Database(url)
    database.upgrade()
    yield database
    database.dispose()


def open_at(script: str, url: str | None = None, **params: str) -> AppTest:
    """Opens ``script`` through a link with ``params``, the browser at ``url``."""
    at = AppTest.from_file(APP, default_timeout=AppTestTimeout)
    if url is not None:
        at.context = {"url": url}
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(script)
    at.run()
    assert not at.exception, at.exception
    return at


def wine_record(val_loss: list[float], *, units: tuple[int, ...] = (512, 512, 512), dropout: float = 0.0) -> RunRecord:
    """A finished wine run of the course's model trained with MAE."""
    model = {
        "n_inputs": 11,
        "units": list(units),
        "activation": "relu",
        "dropout": dropout,
        "batchnorm": "none",
        "l1": 0.0,
        "l2": 0.0,
        "output_activation": None,
    }
    train = {
        "loss": "mae",
        "optimizer": "adam",
        "learning_rate": 0.001,
        "momentum": 0.9,
        "batch_size": 256,
        "epochs": len(val_loss),
        "early_stopping": False,
        "min_delta": 0.001,
        "patience": 20,
        "restore_best": True,
        "seed": 0,
    }
    history = {"loss": [v + 0.01 for v in val_loss], "val_loss": list(val_loss)}
    return RunRecord(
        1,
        {"model": model, "train": train, "label": "x", "data": {"dataset": "wine"}},
        history,
        {"stop_reason": "completed", "seconds": 1.0},
    )


def post(
    db: Database, code: str, workspace: str, record: RunRecord, page: str = "wine", cell: int | None = None
) -> str:
    """Writes a student's finished run and posts it; returns the run id."""
    run_id = new_run_id()
    write_run(db, RunWrite(run_id, workspace, page, FINISHED, record, "", datetime.now(UTC)))
    assert post_run(db, PostRequest(code, workspace, run_id, page, cell)) == "posted"
    return run_id


def teacher_board(db: Database) -> tuple[AppTest, str, str]:
    """A teacher who created a class on /class: ``(at, code, key)``."""
    at = open_at(BOARD, ADDRESS)
    at.button(key="class_create").click().run()
    assert not at.exception, at.exception
    code, key = at.query_params["class"], at.query_params["teacher"]
    return at, code, key


def table(at: AppTest, index: int = 0) -> pd.DataFrame:
    """The board's ``index``-th leaderboard (in course order)."""
    return [frame.value for frame in at.main.dataframe if "#" in frame.value.columns][index]


def texts(at: AppTest, kind: str) -> list[str]:
    return [element.value for element in getattr(at, kind)]


# ------------------------------------------------------------------ teacher


def test_create_gives_a_code_a_join_link_and_its_qr_code(db: Database) -> None:
    at, code, key = teacher_board(db)
    assert len(code) == 8 and len(key) >= 32  # 24 random bytes: 192 bits
    assert check_teacher(db, code, key).code == code  # the key the browser holds is the class's
    assert t("board.code", "en", code=code) in texts(at, "markdown")
    link = f"http://192.168.1.5:8501/?class={code}"
    assert link in texts(at, "code")
    assert any(decode(svg_of(image))[0] == link for image in at.main.get("image"))
    assert t("board.empty", "en") in texts(at, "info")
    # under the teacher's tools: the key is in the address; bookmark it, project in full screen
    assert t("board.teacher_key_bookmark", "en") in texts(at, "caption")
    # the teacher's choice of start page changes the link
    at.selectbox(key="class_join_page").set_value("wine").run()
    assert f"http://192.168.1.5:8501/wine?class={code}" in texts(at, "code")


def test_the_teacher_key_survives_a_reload(db: Database) -> None:
    _, code, key = teacher_board(db)
    again = open_at(BOARD, ADDRESS, **{"class": code, "teacher": key})  # a reload: a new session, the same link
    assert again.toggle(key=f"class_hide_names_{code}") is not None
    assert t("board.code", "en", code=code) in texts(again, "markdown")


def test_a_wrong_teacher_key_is_refused_with_a_message(db: Database) -> None:
    code, _ = create_class(db)
    at = open_at(BOARD, ADDRESS, **{"class": code, "teacher": "not-the-key"})
    assert t("class.error.teacher_key", "en") in texts(at, "error")
    assert not [w for w in at.toggle if w.key.startswith("class_hide_names")]  # no teacher tools
    assert t("board.title", "en", code=code, count=0) in texts(at, "subheader")  # the board itself, read-only


def test_without_a_key_the_board_is_read_only(db: Database) -> None:
    code, _ = create_class(db)
    at = open_at(BOARD, ADDRESS, **{"class": code})
    assert t("board.read_only", "en") in texts(at, "info")
    assert not [b for b in at.button if b.key in ("class_clear", "class_remove", "class_sweep_save")]


@pytest.mark.parametrize(
    ("raw", "message"), [("<b>x</b>", "class.error.bad_code"), ("ABCDEFGH", "class.error.unknown_class")]
)
def test_bad_or_unknown_codes_on_the_board(db: Database, raw: str, message: str) -> None:
    at = open_at(BOARD, ADDRESS, **{"class": raw, "teacher": "k"})
    assert t(message, "en", code=md(raw)) in texts(at, "error")
    assert at.button(key="class_create") is not None


def test_leaderboard_hide_names_close_remove_clear_and_csv(db: Database) -> None:
    at, code, key = teacher_board(db)
    mei, li = new_workspace_id(), new_workspace_id()
    join_class(db, code, mei, HOSTILE)
    join_class(db, code, li, "Li")
    post(db, code, mei, wine_record([0.20, 0.12, 0.15]))
    post(db, code, li, wine_record([0.18, 0.10, 0.11], units=(64,), dropout=0.3))
    at.run()
    frame = table(at)
    student, model, metric = (t(f"board.col.{c}", "en") for c in ("student", "model", "metric"))
    # Li's best scaled MAE 0.10 × the quality range 5 (3…8) = 0.50 points ranks first; Mei 0.12 × 5 = 0.60
    assert list(frame[student]) == ["Li", HOSTILE]
    assert list(frame[metric]) == pytest.approx([0.50, 0.60])
    assert list(frame[model]) == ["1×64 relu · adam · dropout 0.3", "3×512 relu · adam"]
    assert list(frame["#"]) == [1, 2]

    # "open" links carry the setup alone, never the teacher's workspace (ws): the table is projected
    links = [urlsplit(link) for link in frame[t("board.col.open", "en")]]
    assert [link.netloc + link.path for link in links] == ["192.168.1.5:8501/wine"] * 2
    query = parse_qs(links[0].query)
    assert (query["width"], query["dropout"], query["depth"]) == (["64"], ["0.3"], ["1"])
    assert not [link for link in links if "ws" in parse_qs(link.query)]

    at.toggle(key=f"class_hide_names_{code}").set_value(True).run()
    assert get_class(db, code).hide_names
    assert list(table(at)[student]) == ["Student 2", "Student 1"]

    at.toggle(key=f"class_closed_{code}").set_value(True).run()
    assert get_class(db, code).closed
    assert t("board.closed_note", "en") in texts(at, "warning")
    late = new_run_id()
    write_run(db, RunWrite(late, li, "wine", FINISHED, wine_record([0.3, 0.2, 0.25]), "", datetime.now(UTC)))
    assert post_run(db, PostRequest(code, li, late, "wine")) == "closed"

    csv = pd.read_csv(io.StringIO(_csv(db, code)))
    assert list(csv["student"]) == [HOSTILE, "Li"]  # oldest post first; the teacher's file keeps the names
    assert list(csv["best_val_mae_points"]) == pytest.approx([0.60, 0.50])
    assert list(csv["epochs"]) == [3, 3] and list(csv["lesson"]) == ["wine", "wine"]
    assert list(csv["best_epoch"]) == [2, 2]

    mei_post = next(p.post_id for p in board(db, code) if p.display_name == HOSTILE)
    at.selectbox(key="class_remove_post").set_value(mei_post).run()
    at.button(key="class_remove").click().run()
    assert [p.display_name for p in board(db, code)] == ["Li"]

    at.button(key="class_clear").click().run()
    at.button(key="class_clear_yes").click().run()
    assert board(db, code) == []
    assert not at.exception


def test_the_teacher_toggles_show_the_stored_class(db: Database) -> None:
    at, first, _ = teacher_board(db)
    at.toggle(key=f"class_hide_names_{first}").set_value(True).run()
    assert get_class(db, first).hide_names
    # another tab of the teacher's opens the board up again and closes the class
    update_class(db, first, at.query_params["teacher"], closed=True)
    at.run()
    assert at.toggle(key=f"class_closed_{first}").value is True
    # a second class, opened in the same session: its own settings, not the first class's
    second, second_key = create_class(db)
    at.query_params["class"], at.query_params["teacher"] = second, second_key
    at.run()
    assert not at.exception, at.exception
    assert at.toggle(key=f"class_hide_names_{second}").value is False
    assert at.toggle(key=f"class_closed_{second}").value is False


def _unreachable(*_args: object, **_kwargs: object) -> None:
    raise OperationalError("SELECT 1", {}, ConnectionRefusedError("the database went away"))


def test_a_database_that_stops_answering_gives_the_message(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    at, code, _ = teacher_board(db)
    message = t("class.unreachable", "en")
    # a widget callback (hide names): the message shows on the run it starts
    monkeypatch.setattr("classroom.teacher.update_class", _unreachable)
    at.toggle(key=f"class_hide_names_{code}").set_value(True).run()
    assert not at.exception, at.exception
    assert message in texts(at, "error")  # and the page leaves the database alone for a few seconds
    monkeypatch.setattr("ui.store.RETRY_SECONDS", 0.0)
    at.run()
    assert at.toggle(key=f"class_hide_names_{code}").value is False  # not stored: the toggle shows the store
    # the board's own fragment (it shows its errors itself, the page's try/except never sees them)
    monkeypatch.setattr("classroom.board_view.board", _unreachable)
    at.run()
    assert not at.exception, at.exception
    assert message in texts(at, "error")
    # the CSV, built when the download is asked for, outside any script run
    assert _csv(db, code) == message + "\n"


def _csv(db: Database, code: str) -> str:
    from classroom.board_view import class_csv

    return class_csv(db, code, "en")


# ------------------------------------------------------------------ student


def test_a_student_joins_from_a_lesson_link_and_stays_in_the_class(db: Database) -> None:
    code, _ = create_class(db)
    at = open_at(WINE, **{"class": code})
    assert t("class.join.title", "en", code=code) in texts(at, "markdown")
    at.text_input(key="display_name").input(HOSTILE)
    at.button(key="class_join").click().run()
    assert not at.exception, at.exception
    workspace = at.query_params["ws"]
    assert membership(db, code, workspace).display_name == HOSTILE  # stored exactly as typed
    banner = t("class.banner", "en", code=code, name=md(HOSTILE), count=0)
    assert banner in texts(at, "markdown")
    assert "\\<b\\>" in banner  # the name reaches Markdown escaped
    at.switch_page(OVERFITTING)
    at.query_params.pop("class", None)  # a page switch drops the link's query
    at.run()
    assert at.query_params["class"] == code and banner in texts(at, "markdown")

    post(db, code, workspace, wine_record([0.2, 0.1, 0.1]))
    at.run()
    assert t("class.banner", "en", code=code, name=md(HOSTILE), count=1) in texts(at, "markdown")
    at.button(key="class_withdraw").click().run()
    assert board(db, code) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [("   ", "class.error.name_empty"), ("x" * 41, "class.error.name_long")],
)
def test_a_bad_name_is_refused_with_a_message(db: Database, name: str, message: str) -> None:
    code, _ = create_class(db)
    at = open_at(WINE, **{"class": code})
    at.text_input(key="display_name").input(name)
    at.button(key="class_join").click().run()
    assert t(message, "en", most=40) in texts(at, "error")
    assert not at.exception


@pytest.mark.parametrize(
    ("raw", "message"), [("!!", "class.error.bad_code"), ("ABCDEFGH", "class.error.unknown_class")]
)
def test_a_bad_class_link_on_a_lesson(db: Database, raw: str, message: str) -> None:
    at = open_at(WINE, **{"class": raw})
    assert t(message, "en", code=md(raw)) in texts(at, "error")
    assert not at.exception


def test_the_sweep_hands_out_cells_round_robin_with_their_settings(db: Database) -> None:
    teacher, code, key = teacher_board(db)
    teacher.selectbox(key="class_sweep_page").set_value("overfitting")
    teacher.button(key="class_sweep_save").click().run()  # width ∈ {16, 64, 256, 1024} × dropout ∈ {0, 0.3}
    assert get_class(db, code).sweep == {
        "page": "overfitting",
        "axes": [["width", [16, 64, 256, 1024]], ["dropout", [0.0, 0.3]]],
    }
    seen = []
    for name in ("A", "B"):
        at = open_at(OVERFITTING, **{"class": code, "cell": "next"})
        at.text_input(key="display_name").input(name)
        at.button(key="class_join").click().run()
        assert not at.exception, at.exception
        seen.append((at.number_input(key="width").value, at.slider(key="dropout").value))
        assert "cell" not in at.query_params  # taken once
    assert seen == [(16, 0.0), (64, 0.0)]
    # a run of cell 2 (width 64, dropout 0) fills that cell of the heatmap
    workspace = new_workspace_id()
    join_class(db, code, workspace, "C")
    post(db, code, workspace, wine_record([0.2, 0.1, 0.1], units=(64,)), page="overfitting", cell=1)
    teacher.run()
    heat = next(c for c in teacher.get("plotly_chart") if "board_sweep_heatmap" in c.proto.id)
    assert '"z":[[null,0.5' in heat.proto.spec.replace(" ", "")


@pytest.mark.parametrize("raw", ["²", "٣", "99", "-1", "x"])
def test_a_bad_sweep_cell_in_the_link_is_a_warning(db: Database, raw: str) -> None:
    code, key = create_class(db)
    update_class(db, code, key, sweep={"page": "overfitting", "axes": [["width", [16, 64]]]})
    at = open_at(OVERFITTING, **{"class": code, "cell": raw})
    at.text_input(key="display_name").input("Mei")
    at.button(key="class_join").click().run()
    assert not at.exception, at.exception
    assert t("class.cell.bad", "en", cell=md(raw)) in texts(at, "warning")
    assert "cell" not in at.query_params


def test_post_request_names_the_class_and_the_cell() -> None:
    def script() -> None:
        import streamlit as st

        from ui.class_posts import post_request

        st.text(repr(post_request(st.session_state["probe_page"], "run-1")))

    from ui.class_posts import _CLASS, ClassState

    at = AppTest.from_function(script)
    workspace = new_workspace_id()
    at.query_params["ws"] = workspace
    at.session_state[_CLASS] = ClassState("ABCDEFGH", number=3, name="x", cell=("overfitting", 5))
    for page, expected in (
        ("overfitting", PostRequest("ABCDEFGH", workspace, "run-1", "overfitting", 5)),
        ("wine", PostRequest("ABCDEFGH", workspace, "run-1", "wine", None)),
        ("neuron", None),
    ):
        at.session_state["probe_page"] = page
        at.run()
        assert at.text[0].value == repr(expected)
    at.session_state[_CLASS] = ClassState("ABCDEFGH")  # not joined yet
    at.session_state["probe_page"] = "wine"
    at.run()
    assert at.text[0].value == "None"


def test_the_board_in_chinese_on_the_projector(db: Database) -> None:
    code, key = create_class(db)
    workspace = new_workspace_id()
    join_class(db, code, workspace, HOSTILE)
    post(db, code, workspace, wine_record([0.2, 0.1, 0.1]))
    at = open_at(BOARD, ADDRESS, **{"class": code, "teacher": key, "lang": "zh-TW", "projector": "true"})
    assert at.title[0].value.endswith("班級看板")
    assert t("board.lesson", "zh-TW", lesson=t("lesson.wine.title", "zh-TW"), count=1) in texts(at, "header")
    assert list(table(at)[t("board.col.student", "zh-TW")]) == [HOSTILE]
    curves = next(c for c in at.get("plotly_chart") if "board_wine_wine_curves" in c.proto.id)
    assert '"size":20' in curves.proto.spec.replace(" ", "")  # projector type


def test_a_run_the_board_refused_is_explained_on_the_students_page(db: Database) -> None:
    code, key = create_class(db)
    at = open_at(WINE, **{"class": code})
    at.text_input(key="display_name").input("Mei")
    at.button(key="class_join").click().run()
    workspace = at.query_params["ws"]
    update_class(db, code, key, closed=True)
    # The run is filed as the live view files it: written, then posted, in the background.
    run_id = new_run_id()
    record = replace(wine_record([0.2, 0.1, 0.1]), number=1, run_id=run_id)
    recorder = get_recorder()
    recorder.put(
        RunWrite(run_id, workspace, "wine", FINISHED, record, "", datetime.now(UTC)),
        PostRequest(code, workspace, run_id, "wine"),
    )
    assert recorder.flush(timeout=20)
    at.session_state[SESSION_WORK_KEY].page("wine").runs.append(record)
    at.run()
    assert not at.exception, at.exception
    reason = t("class.error.closed", "en")
    assert t("class.unposted", "en", number=1, reason=reason) in [w.value for w in at.warning]
    assert board(db, code) == []
