"""Clicks on the optimizer page's charts in a real browser (AppTest cannot
click a Plotly chart): a cell of the momentum map sets η and β, a place on
the race's surface becomes the start point."""

from __future__ import annotations

import time

import pytest

from tests.browser.helpers import chromium, wait_for_app

pytestmark = pytest.mark.browser

# Page pixel of data coordinates (x, y) in the chart under ``.st-key-<key>``.
PIXEL_JS = """([key, x, y]) => {
  const gd = [...document.querySelectorAll(`.st-key-${key} .js-plotly-plot`)].filter(p => p._fullLayout)
    .sort((a, b) => b.getBoundingClientRect().height - a.getBoundingClientRect().height)[0];
  const L = gd._fullLayout, r = gd.getBoundingClientRect();
  return [r.left + L.xaxis._offset + L.xaxis.l2p(x), r.top + L.yaxis._offset + L.yaxis.l2p(y)];
}"""
SLIDER_JS = """(key) => document.querySelector(`.st-key-${key} [data-testid=stSliderThumbValue]`)?.textContent"""


def _click(page, key: str, x: float, y: float) -> None:
    """Scrolls the chart into view, clicks at (x, y) in its data coordinates, waits for the rerun."""
    page.locator(f".st-key-{key} .js-plotly-plot").first.scroll_into_view_if_needed()
    time.sleep(0.5)
    px, py = page.evaluate(PIXEL_JS, [key, x, y])
    page.mouse.click(px, py)
    time.sleep(1.0)
    wait_for_app(page, 120)


def _slider(page, key: str, value: str) -> None:
    page.wait_for_function(f"() => ({SLIDER_JS})('{key}') === '{value}'", timeout=30000)


def test_clicks_set_the_map_sliders_and_the_race_start(shared_server: str) -> None:
    url = shared_server
    with chromium() as page:
        page.goto(f"{url}/optimizers?lang=zh-TW")
        wait_for_app(page, 120)
        page.wait_for_selector(".st-key-momentum_map .js-plotly-plot", timeout=120000)
        _click(page, "momentum_map", 0.15, 0.5)
        _slider(page, "momentum_lr", "0.15")
        _slider(page, "momentum_beta", "0.5")
        verdict = page.locator("[data-testid=stMarkdownContainer]", has_text="max|λ| = 0.707").inner_text()
        assert verdict.startswith("η = 0.15，β = 0.5：振盪")
        assert "momentum_lr=0.15" in page.url and "momentum_beta=0.5" in page.url  # the link follows
        _click(page, "race_chart", -3.0, -1.0)
        _slider(page, "race_x0", "-3.00")
        _slider(page, "race_y0", "-1.00")
