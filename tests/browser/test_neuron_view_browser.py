"""The neuron view in a real browser: a 2×4 network on ``circle`` shows its
unit maps, and they change while it trains."""

from __future__ import annotations

import time

import pytest

from tests.browser.helpers import chromium, wait_for_app

pytestmark = pytest.mark.browser

# The neuron figure on screen (the tallest copy, see test_pages_live): its
# heatmaps' z (typed-array text or nested lists) and its title.
NEURONS_JS = """() => {
  const plots = [...document.querySelectorAll('.st-key-classification_neurons .js-plotly-plot')]
    .filter(p => p.data && p.data.length)
    .sort((a, b) => b.getBoundingClientRect().height - a.getBoundingClientRect().height);
  if (!plots.length) return null;
  const maps = plots[0].data.filter(t => t.type === 'heatmap');
  return {title: String(plots[0].layout.title && plots[0].layout.title.text),
          z: maps.map(t => JSON.stringify(t.z && t.z.bdata !== undefined ? t.z.bdata : t.z))};
}"""
# The page pixel at the centre of the unit map drawn on axes x{k}/y{k}.
MAP_CENTRE_JS = """(k) => {
  const gd = [...document.querySelectorAll('.st-key-classification_neurons .js-plotly-plot')]
    .filter(p => p._fullLayout)
    .sort((a, b) => b.getBoundingClientRect().height - a.getBoundingClientRect().height)[0];
  const L = gd._fullLayout, r = gd.getBoundingClientRect(), x = L['xaxis' + k], y = L['yaxis' + k];
  return [r.left + x._offset + x._length / 2, r.top + y._offset + y._length / 2];
}"""

def test_a_2x4_network_on_circle_shows_eight_unit_maps_that_change_while_training(shared_server: str) -> None:
    with chromium() as page:
        # A shared link sets the data set and the network: two hidden layers of 4.
        page.goto(f"{shared_server}/classification?dataset=circle&depth=2&width=4&epochs=300")
        wait_for_app(page)
        page.get_by_role("button", name="Train", exact=True).click()
        # The first map comes once a worker has imported TensorFlow (a cold
        # server's start-up, not this test's subject); then 20 s to change.
        page.wait_for_function(f"() => ({NEURONS_JS})() !== null", timeout=150_000)
        seen: list[dict] = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len({s["title"] for s in seen}) < 2:
            state = page.evaluate(NEURONS_JS)
            if state is not None and (not seen or state["title"] != seen[-1]["title"]):
                seen.append(state)
            page.wait_for_timeout(150)
        assert len(seen) >= 2, f"the neuron view should be redrawn while training: {[s['title'] for s in seen]}"
        first, later = seen[0], seen[-1]
        hidden = lambda s: s["z"][2:-1]  # noqa: E731  (x1, x2 first; the output last)
        assert len(hidden(first)) >= 8 and len(hidden(later)) == len(hidden(first))
        changed = sum(a != b for a, b in zip(hidden(first), hidden(later), strict=True))
        assert changed >= 8, f"every hidden unit's map changes while training ({changed} of {len(hidden(first))})"
        assert page.locator("[data-testid='stException']").count() == 0
        page.get_by_role("button", name="Stop", exact=True).click()  # the server is shared: leave no job behind
        page.get_by_text("Stopped after").first.wait_for(timeout=30_000)

        # A click on a unit's map picks it: hidden layer 2's unit 1 is the
        # 8th map (x1, x2, then layer 1's four, then layer 2's: axes x9/y9).
        page.locator(".st-key-classification_neurons").scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        page.mouse.click(*page.evaluate(MAP_CENTRE_JS, 9))
        page.wait_for_function(
            "() => (document.querySelector('.st-key-neuron_unit input') || {}).value?.startsWith('Hidden layer 2, unit 1')",
            timeout=30_000,
        )
        assert page.locator("[data-testid='stException']").count() == 0
