"""The class board in real browsers: a teacher creates a class, a student
(another browser context) joins from a lesson link under a hostile display
name, and the student's post shows on the teacher's board within seconds,
as the exact text typed, without reloading the board.

The student's run is written to the store directly (the same SQLite file
the server uses) rather than trained in the browser: training is covered by
other browser tests, and on a shared 2-core machine it would only make the
"within seconds" bound about the trainers instead of the board.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from dlcore.runtime.runs import RunRecord
from dlcore.store.classes import PostRequest, post_run
from dlcore.store.db import Database
from dlcore.store.runs import RunWrite, new_run_id, write_run
from dlcore.store.schema import FINISHED
from dlcore.text import t
from tests.browser.helpers import chromium_pages, require_browser, streamlit_server, wait_for_app

pytestmark = [pytest.mark.browser]

HOSTILE = "Mei <b>'x'</b>;--"
SHOWN_WITHIN = 5.0  # seconds: the board polls every 1.5 s; the goal is 2 s, with slack for a loaded machine
SHOTS = Path("/tmp/hb") if Path("/tmp/hb").is_dir() else None  # screenshots while developing

TEXTS_JS = """(selector) => [...document.querySelectorAll(selector)].map(e => e.textContent)"""


def _record() -> RunRecord:
    model = {
        "n_inputs": 11,
        "units": [512, 512, 512],
        "activation": "relu",
        "dropout": 0.0,
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
        "epochs": 3,
        "early_stopping": False,
        "min_delta": 0.001,
        "patience": 20,
        "restore_best": True,
        "seed": 0,
    }
    history = {"loss": [0.2, 0.12, 0.1], "val_loss": [0.18, 0.11, 0.12]}
    return RunRecord(
        1,
        {"model": model, "train": train, "label": "x", "data": {"dataset": "wine"}},
        history,
        {"stop_reason": "completed"},
    )


def _shot(page, name: str) -> None:
    if SHOTS is not None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_students_post_shows_on_the_teachers_board_as_typed(tmp_path: Path) -> None:
    require_browser()
    env = {"DLP_WORKERS": "1", "DLP_DATA_DIR": str(tmp_path)}
    with streamlit_server(env) as server, chromium_pages(2) as (teacher, student):
        teacher.goto(f"{server}/class")
        wait_for_app(teacher, 120)
        teacher.locator(".st-key-class_create button").click()
        teacher.wait_for_function("() => location.search.includes('teacher=')", timeout=30_000)
        query = parse_qs(urlsplit(teacher.url).query)
        code = query["class"][0]
        teacher.get_by_text(t("board.empty", "en")).wait_for(timeout=30_000)
        link = teacher.locator("[data-testid='stCode']").first.text_content()
        assert f"class={code}" in link  # the join link (on this computer's network address)

        student.goto(f"{server}/wine?class={code}")
        wait_for_app(student, 120)
        student.locator(".st-key-display_name input").fill(HOSTILE)
        student.locator(".st-key-display_name input").press("Enter")
        student.locator(".st-key-class_join button").click()
        banner = t("class.banner", "en", code=code, name=HOSTILE, count=0).replace("**", "")
        student.wait_for_function(
            "(text) => [...document.querySelectorAll('[data-testid=stMarkdownContainer]')].some(e => e.innerText.trim() === text)",
            arg=banner,
            timeout=30_000,
        )
        assert student.locator("[data-testid='stMarkdownContainer'] b").count() == 0  # no HTML from the name
        _shot(student, "student")
        workspace = parse_qs(urlsplit(student.url).query)["ws"][0]

        db = Database(f"sqlite:///{tmp_path / 'dlp.sqlite3'}")
        run_id = new_run_id()
        write_run(db, RunWrite(run_id, workspace, "wine", FINISHED, _record(), "", datetime.now(UTC)))
        posted = time.monotonic()
        assert post_run(db, PostRequest(code, workspace, run_id, "wine")) == "posted"
        # the board's fragment redraws by itself: the lesson's heading and the
        # teacher's remove list (DOM text) show the post, the name as typed
        heading = t("board.lesson", "en", lesson=t("lesson.wine.title", "en"), count=1)
        teacher.get_by_role("heading", name=heading).wait_for(timeout=30_000)
        shown_after = time.monotonic() - posted
        box = teacher.locator(".st-key-class_remove_post")
        chosen = (box.text_content() or "") + " ".join(
            box.locator("input").evaluate_all("(xs) => xs.map(x => x.value)")
        )
        assert f"{HOSTILE} · {t('lesson.wine.title', 'en')} · 3×512 relu · adam" in chosen
        assert shown_after <= SHOWN_WITHIN, f"the post showed after {shown_after:.1f} s"
        # the curves' legend names the best run as typed, as text (Plotly loads lazily: slow on a busy machine)
        teacher.wait_for_function(
            "(name) => [...document.querySelectorAll('.legendtext')].some(e => e.textContent === '1. ' + name)",
            arg=HOSTILE,
            timeout=90_000,
        )
        _shot(teacher, "teacher")
        assert teacher.locator(".legendtext b").count() == 0
        assert not teacher.locator("[data-testid='stException']").count()
        assert not student.locator("[data-testid='stException']").count()
        print(f"post shown on the board after {shown_after:.2f} s")
        db.dispose()
