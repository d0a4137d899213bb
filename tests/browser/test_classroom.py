"""A classroom in real browsers: eight tabs press Train at once, and every tab
must eventually show its finished run.

This is a liveness check, not a timing assertion: the bound is several times
what the work needs (8 runs × 5 epochs on 2 workers: 4 rounds of a few
seconds each once the trainers are warm). The timing figures are
``benchmarks.bench_classroom``'s job.
"""

from __future__ import annotations

import re
import string
import time

import pytest

from dlcore.text import CATALOGUES
from tests.browser.helpers import chromium_pages, require_browser, streamlit_server, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TABS = 8
EPOCHS = 5
WORKERS = 2
WARM_TIMEOUT = 180.0  # the trainers import TensorFlow once, before anybody presses Train
LIVENESS_TIMEOUT = 180.0  # ~30 s of work on a quiet 2-core machine; generous on purpose


def _pattern(template: str) -> re.Pattern[str]:
    parts = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(r".*?")
    return re.compile("".join(parts) + "$", re.S)


# How a run's end reads on the page (ui.live.outcome_message): an outcome.*
# text, or a job.* error when the run has no result.
ENDINGS = {key: _pattern(text) for key, text in CATALOGUES["en"].items() if key.startswith(("outcome.", "job."))}
COMPLETED = {"outcome.completed", "outcome.early_stopping"}
READY = re.compile(rf"Trainers: {WORKERS} of {WORKERS} ready")

PAGE_STATE_JS = """() => ({
  alerts: [...document.querySelectorAll('[data-testid="stAlert"] [data-testid="stMarkdownContainer"]')]
    .map(a => a.innerText.trim()),
  progress: [...document.querySelectorAll('[data-testid="stProgress"]')].map(p => p.innerText.trim()),
  visibility: document.visibilityState,
  exceptions: document.querySelectorAll('[data-testid="stException"]').length,
})"""

# Each tab clicks Train at the same wall-clock moment (tabs share the
# machine's clock), however long it takes to reach every tab from here.
PRESS_TRAIN_AT_JS = """(at) => {
  const button = document.querySelector('.st-key-train button');
  if (!button || button.disabled) return false;
  setTimeout(() => button.click(), Math.max(0, at - Date.now()));
  return true;
}"""
PRESS_DELAY_S = 2.0


def _finished(state: dict) -> tuple[str, str] | None:
    """``(key, text)`` of the run's ending shown in the tab, if any."""
    for text in state["alerts"]:
        for key, pattern in ENDINGS.items():
            if pattern.match(text):
                return key, text
    return None


def test_eight_tabs_press_train_at_once_and_every_tab_shows_its_run(tmp_path) -> None:
    require_browser()
    env = {"DLP_WORKERS": str(WORKERS), "DLP_MODEL_DIR": str(tmp_path / "models"), "DLP_DATA_DIR": str(tmp_path)}
    with streamlit_server(env) as server, chromium_pages(TABS) as tabs:
        # The teacher's tab: the server has been up for a while, the trainers are warm.
        teacher = tabs[0]
        deadline = time.monotonic() + WARM_TIMEOUT
        teacher.goto(f"{server}/")
        wait_for_app(teacher)
        while not READY.search(teacher.inner_text("[data-testid='stMainBlockContainer']")):
            assert time.monotonic() < deadline, "the trainers did not warm up"
            teacher.wait_for_timeout(2000)
            teacher.reload()
            wait_for_app(teacher)

        for tab in tabs:
            tab.goto(f"{server}/wine?epochs={EPOCHS}")
        for tab in tabs:
            wait_for_app(tab, timeout=120)
            tab.wait_for_selector(".st-key-train button:not([disabled])", timeout=60_000)

        # Everybody presses Train at once (a DOM click at one agreed moment: no
        # Playwright waits, which need animation frames that a background tab may skip).
        press_ms = (time.time() + PRESS_DELAY_S) * 1000
        pressed = [tab.evaluate(PRESS_TRAIN_AT_JS, press_ms) for tab in tabs]
        assert all(pressed), f"Train was not clickable in every tab: {pressed}"
        time.sleep(max(0.0, press_ms / 1000 - time.time()))
        pressed_at = time.monotonic()

        # Keep every tab open and look at each once a second.
        shown: dict[int, tuple[float, tuple[str, str]]] = {}
        states: list[dict] = [{} for _ in tabs]
        deadline = pressed_at + LIVENESS_TIMEOUT
        while len(shown) < TABS and time.monotonic() < deadline:
            for i, tab in enumerate(tabs):
                if i in shown:
                    continue
                states[i] = tab.evaluate(PAGE_STATE_JS)
                ending = _finished(states[i])
                if ending is not None:
                    shown[i] = (time.monotonic() - pressed_at, ending)
            time.sleep(1.0)

        missing = {
            i: {"progress": s.get("progress"), "alerts": s.get("alerts"), "visibility": s.get("visibility")}
            for i, s in enumerate(states)
            if i not in shown
        }
        timings = {i: round(seconds, 1) for i, (seconds, _) in sorted(shown.items())}
        assert not missing, (
            f"{len(missing)} of {TABS} tabs did not show their finished run within {LIVENESS_TIMEOUT:.0f} s "
            f"of pressing Train; shown (tab: seconds) {timings}; still showing {missing}"
        )
        print(f"\n{TABS} tabs showed their finished run after (s from pressing Train): {timings}")
        endings = [ending for _, ending in shown.values()]
        assert all(key in COMPLETED for key, _ in endings), f"runs did not complete: {endings}"
        for i, tab in enumerate(tabs):
            assert tab.evaluate(PAGE_STATE_JS)["exceptions"] == 0, f"tab {i} shows an exception"
            assert tab.blocked_requests == [], f"the app tried to reach the internet: {tab.blocked_requests}"
