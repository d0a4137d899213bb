"""Runs that are never lost, in a real browser: F5 after a finished run and
in the middle of one, and a server restart on the same data directory.

Small epoch counts on purpose (the machine is shared): what is checked is
what a student sees, not how fast it is.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.helpers import chromium, require_browser, streamlit_server, wait_for_app
from tests.browser.test_pages_live import LIVE_POINTS_JS

pytestmark = pytest.mark.browser

WARM_TIMEOUT = 240.0  # s: the first Train waits for the trainers to import TensorFlow
RUN_TIMEOUT = 180.0  # s


def server_env(data_dir: Path) -> dict[str, str]:
    """The embedded SQLite store and saved models in ``data_dir`` (a restart keeps them)."""
    return {"DLP_DATA_DIR": str(data_dir), "DLP_DATABASE_URL": "", "DLP_WORKERS": "1"}


def open_wine(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.wait_for_selector(".st-key-wine_live_chart .js-plotly-plot", timeout=60_000)


def live_points(page) -> int:
    state = page.evaluate(LIVE_POINTS_JS)
    return 0 if state is None else state["points"]


def workspace(page) -> str:
    (ws,) = parse_qs(urlparse(page.url).query)["ws"]
    return ws


def train(page, epochs: int) -> None:
    """Sets the epochs (not the default 10), waits until the page ran with
    them (they reach the link), then presses Train."""
    box = page.get_by_label("Epochs", exact=True)
    box.fill(str(epochs))
    box.press("Enter")
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('epochs') === '{epochs}'", timeout=30_000)
    wait_for_app(page)
    page.get_by_role("button", name="Train", exact=True).click()


def wait_text(page, text: str, timeout: float = RUN_TIMEOUT) -> None:
    """Waits for ``text`` on the page; fails with what the page shows instead."""
    deadline = time.monotonic() + timeout
    while not page.get_by_text(text).count():
        if time.monotonic() > deadline:
            shown = page.locator("[data-testid='stAlert'], [data-testid='stProgress'], [data-testid='stException']")
            pytest.fail(f"{text!r} not shown; the page shows {shown.all_inner_texts()} at {page.url}")
        page.wait_for_timeout(200)


def wait_points(page, at_least: int, timeout: float = RUN_TIMEOUT) -> int:
    deadline = time.monotonic() + timeout
    while (points := live_points(page)) < at_least:
        assert time.monotonic() < deadline, f"the chart stayed at {points} epochs"
        page.wait_for_timeout(100)
    return points


def compared_runs(page) -> list[str]:
    """The runs chosen in the history's comparison (``Run N`` chips)."""
    chips = page.locator(".st-key-wine_compare_runs [data-tag]")
    chips.first.wait_for(timeout=30_000)
    return sorted(chip.get_attribute("aria-label") for chip in chips.all())


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    require_browser()
    return tmp_path


def test_reload_lists_finished_runs_and_reattaches_a_running_one(data_dir: Path) -> None:
    with streamlit_server(server_env(data_dir)) as server, chromium() as page:
        open_wine(page, f"{server}/wine")
        ws = workspace(page)
        train(page, 3)
        wait_text(page, "Finished all 3 epochs", WARM_TIMEOUT)

        page.reload()  # F5
        wait_for_app(page)
        assert workspace(page) == ws
        wait_text(page, "Finished all 3 epochs", 30)
        assert wait_points(page, 3, 30) == 3  # its curves are back
        assert compared_runs(page) == ["Run 1"]

        # A page switch (st.page_link drops the query string) keeps the workspace in the address.
        page.get_by_role("link", name="The neuron").click()
        page.wait_for_url(re.compile(r"/neuron"), timeout=30_000)
        wait_for_app(page)
        page.wait_for_function("() => location.search.includes('ws=')", timeout=30_000)
        assert workspace(page) == ws
        page.get_by_role("link", name="Red wine").click()
        page.wait_for_url(re.compile(r"/wine"), timeout=30_000)
        wait_for_app(page)
        wait_text(page, "Finished all 3 epochs", 30)
        page.reload()  # a reload after the switch still finds the runs
        wait_for_app(page)
        wait_text(page, "Finished all 3 epochs", 30)
        assert workspace(page) == ws

        train(page, 80)
        seen_before = wait_points(page, 3)
        page.reload()  # in the middle of the run
        wait_for_app(page)
        page.wait_for_selector("[data-testid='stProgress']", timeout=30_000)  # attached: it is still training
        after = wait_points(page, 1, 30)
        assert after < 80, "the run ended before the reload took: nothing was reattached"
        wait_text(page, "Finished all 80 epochs")
        assert live_points(page) == 80
        assert seen_before >= 3
        assert page.locator("[data-testid='stException']").count() == 0


def test_restart_brings_finished_runs_back_and_a_training_one_as_interrupted(data_dir: Path) -> None:
    with streamlit_server(server_env(data_dir)) as server, chromium() as page:
        open_wine(page, f"{server}/wine")
        ws = workspace(page)
        train(page, 2)
        wait_text(page, "Finished all 2 epochs", WARM_TIMEOUT)
        train(page, 400)
        reached = wait_points(page, 8)
        page.wait_for_timeout(2500)  # a partial write every 5 epochs or 2 s, then the write-behind
    # The server stopped (its workers with it); a new one starts on the same data directory.
    with streamlit_server(server_env(data_dir)) as server, chromium() as page:
        open_wine(page, f"{server}/wine?ws={ws}")
        warning = page.locator("[data-testid='stAlert']", has_text="Interrupted at epoch")
        warning.wait_for(timeout=60_000)
        epoch = int(re.search(r"Interrupted at epoch (\d+) of 400", warning.inner_text()).group(1))
        assert reached <= epoch < 400, (reached, epoch)  # every epoch the page had shown is kept
        assert wait_points(page, epoch, 30) == epoch  # its partial curves
        assert compared_runs(page) == ["Run 1", "Run 2"]  # the finished run is back too
        assert page.locator("[data-testid='stException']").count() == 0
