"""Pause, Step and Resume in a real browser on the wine page."""

from __future__ import annotations

import time

import pytest

from tests.browser.helpers import chromium
from tests.browser.test_pages_live import live_points, open_wine, set_number

pytestmark = pytest.mark.browser

# The x values of the validation curve of the tallest (on-screen) live chart.
CURVE_JS = """() => {
  const plots = [...document.querySelectorAll('.st-key-wine_live_chart .js-plotly-plot')]
    .filter(p => p.data)
    .sort((a, b) => b.getBoundingClientRect().height - a.getBoundingClientRect().height);
  const val = plots.length ? plots[0].data.find(t => t.name === 'validation loss') : null;
  return {x: val ? [...val.x] : []};
}"""


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_pause_step_resume_draws_one_unbroken_curve(shared_server: str) -> None:
    with chromium() as page:
        open_wine(page, shared_server)
        set_number(page, "Epochs", 40)
        page.get_by_role("button", name="Train", exact=True).click()
        wait_until(lambda: live_points(page) >= 2, 120, "no epochs arrived")
        page.get_by_role("button", name="Pause", exact=True).click()
        page.get_by_text("Paused after epoch").wait_for(timeout=30_000)
        held = live_points(page)
        page.wait_for_timeout(1500)
        assert live_points(page) == held, "the chart grew while paused"
        assert held < 40

        page.get_by_role("button", name="Step one epoch", exact=True).click()
        wait_until(lambda: live_points(page) == held + 1, 30, "Step did not add an epoch")
        page.get_by_text(f"Paused after epoch {held + 1} of 40").wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
        assert live_points(page) == held + 1, "Step added more than one epoch"

        page.get_by_role("button", name="Resume", exact=True).click()
        page.get_by_text("Finished all 40 epochs").wait_for(timeout=120_000)
        curve = page.evaluate(CURVE_JS)
        assert curve["x"] == list(range(1, 41)), curve  # one line, epochs 1..40
        assert page.locator("[data-testid='stException']").count() == 0
