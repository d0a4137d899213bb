"""Real-browser tests: headless Chromium against a real server on 127.0.0.1."""

from __future__ import annotations

import time

import pytest

from tests.browser import chromium, require_browser, streamlit_server, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    require_browser()
    with streamlit_server() as url:
        yield url


# While Streamlit swaps a fragment's output it may briefly hold a second,
# zero-height copy of an element; the one on screen is the tallest.
LIVE_POINTS_JS = """() => {
  const plots = [...document.querySelectorAll('.st-key-wine_live_chart .js-plotly-plot')]
    .filter(p => p.data)
    .sort((a, b) => b.getBoundingClientRect().height - a.getBoundingClientRect().height);
  if (!plots.length) return null;
  const val = plots[0].data.find(t => t.name === 'validation loss');
  return {points: val ? val.x.length : 0, height: plots[0].getBoundingClientRect().height,
          page: document.querySelector('[data-testid=stMainBlockContainer]').scrollHeight};
}"""


def test_deep_link_on_cold_server_then_wine_trains_live(server: str) -> None:
    with chromium() as page:
        # The very first request after the server started is a deep link.
        page.goto(f"{server}/gradient-descent")
        wait_for_app(page)
        assert page.locator("h1").first.inner_text().endswith("Gradient descent")
        assert page.get_by_text("Page not found").count() == 0
        page.wait_for_selector(".st-key-gd_chart .js-plotly-plot", timeout=60_000)  # Plotly loads lazily

        page.goto(f"{server}/wine")
        wait_for_app(page)
        page.wait_for_selector(".st-key-wine_live_chart .js-plotly-plot", timeout=60_000)
        assert page.locator("h1").first.inner_text().endswith("Red wine")
        epochs = page.get_by_label("Epochs")
        epochs.fill("20")
        epochs.press("Enter")
        page.wait_for_timeout(800)
        page.get_by_role("button", name="Train", exact=True).click()

        seen_counts: list[int] = []
        heights: list[float] = []
        page_heights: set[int] = set()
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            state = page.evaluate(LIVE_POINTS_JS)
            if state is not None:
                heights.append(state["height"])
                if 0 < state["points"] < 20:
                    page_heights.add(state["page"])
                if not seen_counts or seen_counts[-1] != state["points"]:
                    seen_counts.append(state["points"])
            if page.get_by_text("Finished all 20 epochs").count():
                break
            page.wait_for_timeout(100)
        else:
            pytest.fail(f"training did not finish; point counts seen: {seen_counts}")
        intermediate = {n for n in seen_counts if 0 < n < 20}
        assert len(intermediate) >= 3, f"the chart should grow while training: {seen_counts}"
        assert min(heights) > 100, "the chart area must not disappear mid-run"
        assert max(page_heights) - min(page_heights) < 50, f"the layout jumps while streaming: {page_heights}"
        final = page.evaluate(LIVE_POINTS_JS)
        assert final["points"] == 20
        page.get_by_text("Best validation MAE").wait_for(timeout=30_000)
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.blocked_requests == [], f"the app tried to reach the internet: {page.blocked_requests}"
