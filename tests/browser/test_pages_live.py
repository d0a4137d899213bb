"""Real-browser tests: headless Chromium against a real server on 127.0.0.1."""

from __future__ import annotations

import time

import pytest

from tests.browser.helpers import chromium, chromium_pages, require_browser, streamlit_server, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    require_browser()
    with streamlit_server() as url:
        yield url


# Streamlit mounts a Plotly chart anew whenever its figure changes (its
# identity is derived from the figure): between two paints a second, still
# empty copy may stand next to the old one. The one on screen is the tallest.
LIVE_POINTS_JS = """() => {
  const plots = [...document.querySelectorAll('.st-key-wine_live_chart .js-plotly-plot')]
    .filter(p => p.data)
    .sort((a, b) => b.getBoundingClientRect().height - a.getBoundingClientRect().height);
  if (!plots.length) return null;
  const val = plots[0].data.find(t => t.name === 'validation loss');
  return {points: val ? val.x.length : 0, height: plots[0].getBoundingClientRect().height,
          page: document.querySelector('[data-testid=stMainBlockContainer]').scrollHeight};
}"""
# What the student sees: the live chart sampled at every painted frame, with
# the height of the box the page gives it.
RECORD_FRAMES_JS = f"""() => {{
  const sample = {LIVE_POINTS_JS};
  const box = () => Math.max(0, ...[...document.querySelectorAll('.st-key-wine_live_chart')]
    .map(a => a.getBoundingClientRect().height));
  window.dlpFrames = [];
  const step = () => {{ window.dlpFrames.push([sample(), box()]); requestAnimationFrame(step); }};
  requestAnimationFrame(step);
}}"""


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

        page.evaluate(RECORD_FRAMES_JS)
        deadline = time.monotonic() + 180
        while not page.get_by_text("Finished all 20 epochs").count():
            if time.monotonic() > deadline:
                shown = sorted({f[0]["points"] for f in page.evaluate("() => window.dlpFrames") if f[0]})
                status = page.locator("[data-testid='stProgress'], [data-testid='stAlert']").all_inner_texts()
                pytest.fail(f"training did not finish; epochs shown: {shown}; status: {status}")
            page.wait_for_timeout(100)
        recorded = page.evaluate("() => window.dlpFrames")
        frames = [sample for sample, _ in recorded]
        counts = [f["points"] if f else None for f in frames]
        first = next(i for i, n in enumerate(counts) if n)  # the first streamed epoch on screen
        last = counts.index(20)
        mid_run = frames[first:last]
        boxes = [box for _, box in recorded[first:last]]
        seen_counts = sorted({n for n in counts if n is not None})
        intermediate = {n for n in seen_counts if 0 < n < 20}
        assert len(intermediate) >= 3, f"the chart should grow while training: {seen_counts}"
        assert min(boxes) > 100, f"the chart's box must never collapse mid-run: {sorted(boxes)[:5]}"
        # A chart whose figure changed is mounted anew (Streamlit derives its
        # identity from the figure); at most one painted frame may miss it.
        drawn = [f is not None and f["height"] > 100 for f in mid_run]
        gaps = [i for i in range(1, len(drawn)) if not drawn[i] and not drawn[i - 1]]
        assert drawn[0] and not gaps, f"the chart left the screen for more than a frame at {gaps} of {len(drawn)}"
        page_heights = {f["page"] for f in mid_run if f is not None}
        assert max(page_heights) - min(page_heights) < 50, f"the layout jumps while streaming: {page_heights}"
        final = page.evaluate(LIVE_POINTS_JS)
        assert final["points"] == 20
        page.get_by_text("Best validation MAE").wait_for(timeout=30_000)
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.blocked_requests == [], f"the app tried to reach the internet: {page.blocked_requests}"


def set_number(page, label: str, value: int) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Enter")
    page.wait_for_timeout(600)


def open_wine(page, server: str) -> None:
    page.goto(f"{server}/wine")
    wait_for_app(page)
    page.wait_for_selector(".st-key-wine_live_chart .js-plotly-plot", timeout=60_000)


def live_points(page) -> int:
    state = page.evaluate(LIVE_POINTS_JS)
    return 0 if state is None else state["points"]


def test_stop_mid_run_keeps_the_partial_run(server: str) -> None:
    with chromium() as page:
        open_wine(page, server)
        set_number(page, "Epochs", 300)
        page.get_by_role("button", name="Train", exact=True).click()
        deadline = time.monotonic() + 120
        while live_points(page) < 3:
            assert time.monotonic() < deadline, "no epochs arrived"
            page.wait_for_timeout(100)
        page.get_by_role("button", name="Stop", exact=True).click()
        page.get_by_text("the partial run is kept").wait_for(timeout=60_000)
        kept = live_points(page)
        assert 3 <= kept < 300
        assert page.get_by_text(f"Stopped after {kept} epochs").count() == 1
        assert page.locator("[data-testid='stException']").count() == 0
        # The page is usable again: Train is enabled.
        assert page.get_by_role("button", name="Train", exact=True).is_enabled()


def test_two_sessions_training_at_once_get_their_own_curves(server: str) -> None:
    with chromium_pages(2) as (first, second):
        for page, seed in ((first, 1), (second, 2)):
            open_wine(page, server)
            set_number(page, "Epochs", 12)
            set_number(page, "Random seed", seed)
        first.get_by_role("button", name="Train", exact=True).click()
        second.get_by_role("button", name="Train", exact=True).click()
        for page in (first, second):
            page.bring_to_front()  # Playwright's waits poll on animation frames, which background tabs skip
            page.get_by_text("Finished all 12 epochs").wait_for(timeout=180_000)
        curves = [
            page.evaluate(
                "() => [...document.querySelectorAll('.st-key-wine_live_chart .js-plotly-plot')]"
                ".filter(p => p.data).map(p => p.data.find(t => t.name === 'validation loss').y)[0]"
            )
            for page in (first, second)
        ]
        assert [len(c) for c in curves] == [12, 12]
        assert curves[0] != curves[1], "different seeds, different sessions: different curves"
        for page in (first, second):
            assert page.locator("[data-testid='stException']").count() == 0


BOUNDARY_JS = """() => {
  const plots = [...document.querySelectorAll('.st-key-classification_boundary .js-plotly-plot')]
    .filter(p => p.data && p.data.length)
    .sort((a, b) => b.getBoundingClientRect().height - a.getBoundingClientRect().height);
  if (!plots.length || plots[0].data[0].type !== 'heatmap') return null;
  const z = plots[0].data[0].z;
  const rows = Array.isArray(z) ? z : [];
  let sum = 0;
  for (const row of rows) for (const v of row) sum += v;
  return {title: String(plots[0].layout.title && plots[0].layout.title.text), size: rows.length, sum: sum};
}"""


def test_toy_classifier_boundary_heatmap_changes_while_training(server: str) -> None:
    with chromium() as page:
        page.goto(f"{server}/classification?dataset=spiral")  # a shared link picks the data set
        wait_for_app(page)
        page.wait_for_selector(".st-key-classification_boundary .js-plotly-plot", timeout=60_000)
        set_number(page, "Epochs", 200)
        page.get_by_role("button", name="Train", exact=True).click()
        seen: list[dict] = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and len({s["title"] for s in seen}) < 3:
            state = page.evaluate(BOUNDARY_JS)
            if state is not None and (not seen or state["title"] != seen[-1]["title"]):
                seen.append(state)
            page.wait_for_timeout(150)
        titles = {s["title"] for s in seen}
        assert len(titles) >= 2, f"the boundary should be redrawn while training: {titles}"
        assert all(s["size"] == 100 for s in seen), "a 100 × 100 probability grid"
        assert len({round(s["sum"], 3) for s in seen}) >= 2, "the probabilities change between moments"
        assert page.locator("[data-testid='stException']").count() == 0


def test_malformed_upload_is_explained_then_the_page_still_trains(server: str, tmp_path) -> None:
    junk = tmp_path / "broken.csv"
    junk.write_bytes(b"\x00\x01\x02 not a table \xff\xfe" * 50)
    with chromium() as page:
        open_wine(page, server)
        page.get_by_text("my own CSV file").click()
        page.wait_for_timeout(800)
        page.locator(".st-key-wine_upload input[type=file]").set_input_files(str(junk))
        page.locator("[data-testid='stAlertContentError']").first.wait_for(timeout=30_000)
        assert page.locator("[data-testid='stException']").count() == 0
        set_number(page, "Epochs", 3)
        page.get_by_role("button", name="Train", exact=True).click()
        page.bring_to_front()
        page.get_by_text("Finished all 3 epochs").wait_for(timeout=120_000)
        assert page.locator("[data-testid='stException']").count() == 0


def test_every_page_opens_without_an_exception_box(server: str) -> None:
    from dlcore.lessons import LESSONS

    with chromium() as page:
        for path in ["", *(lesson.slug for lesson in LESSONS if lesson.available)]:
            page.goto(f"{server}/{path}")
            wait_for_app(page)
            page.wait_for_timeout(500)
            assert page.locator("[data-testid='stException']").count() == 0, path
            assert page.get_by_text("Page not found").count() == 0, path
        assert page.blocked_requests == [], f"the app tried to reach the internet: {page.blocked_requests}"


def shared_link(page) -> tuple[str, dict[str, list[str]]]:
    """The path and query of the link the sidebar's share section shows."""
    from urllib.parse import parse_qs, urlsplit

    text = page.locator("[data-testid=stSidebar] [data-testid=stCode]").last.inner_text().strip()
    parts = urlsplit(text)
    return parts.path, parse_qs(parts.query)


def test_share_section_shows_the_pages_link_and_its_qr_code(server: str) -> None:
    # st.context.url is only known from a real browser: AppTest has to fake it.
    with chromium((1024, 768)) as page:
        page.goto(f"{server}/classification?dataset=circle&depth=2&units_1=4&units_2=3")
        wait_for_app(page)
        page.get_by_text("Share this setup").click()
        page.wait_for_selector("[data-testid=stSidebar] img", timeout=30_000)
        path, query = shared_link(page)
        assert path == "/classification"
        assert query == {"dataset": ["circle"], "per_layer": ["true"], "units_1": ["4"], "units_2": ["3"]}
        src = page.locator("[data-testid=stSidebar] img").last.get_attribute("src") or ""
        assert src.startswith("data:image/svg+xml") or src.startswith("/media/")
        # The link follows the controls.
        layer = page.get_by_label("Layer 2")
        layer.fill("5")
        layer.press("Enter")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and shared_link(page)[1].get("units_2") != ["5"]:
            page.wait_for_timeout(250)
        assert shared_link(page)[1]["units_2"] == ["5"]
        page.get_by_role("button", name="Large QR code for the projector").click()
        dialog = page.get_by_role("dialog")
        dialog.wait_for(timeout=30_000)
        assert dialog.locator("img").count() == 1
        assert page.locator("[data-testid='stException']").count() == 0


# Every URL an element of the page points to (links, images, SVG links of
# Plotly's labels, frames, forms), resolved against the page.
POINTED_URLS_JS = """() => [...document.querySelectorAll('*')].flatMap(element =>
  [...element.attributes]
    .filter(a => /^(href|xlink:href|src|srcset|action|formaction|poster|background|data)$/i.test(a.name))
    .map(a => new URL(a.value.trim().split(/\\s+/)[0] || '.', document.baseURI).href))"""


def off_host(page, server: str) -> list[str]:
    """URLs in the DOM that point anywhere but the app's own server (data: and blob: are local)."""
    return [url for url in page.evaluate(POINTED_URLS_JS) if not url.startswith((server + "/", "data:", "blob:", "about:"))]


def test_hostile_link_file_name_and_headers_stay_text(server: str) -> None:
    from urllib.parse import quote

    from tests.hostile import HOSTILE, HOSTILE_2, WORD_JOINER, csv_bytes

    name = f"{HOSTILE}.csv"
    table = csv_bytes([[HOSTILE, f"{HOSTILE} words", HOSTILE_2]] + [[i, f"word {i}", (i * 7) % 11] for i in range(40)])
    with chromium() as page:
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        # A parameter name and a value that carry Markdown, HTML and autolinks.
        page.goto(f"{server}/wine?{quote(HOSTILE, safe='')}={quote(HOSTILE_2, safe='')}&depth={quote(HOSTILE, safe='')}")
        wait_for_app(page)
        toast = page.locator("[data-testid='stToast']")
        # One toast per ignored parameter; the browser may paint one before the other.
        page.wait_for_function("() => document.querySelectorAll('[data-testid=stToast]').length >= 2", timeout=60_000)
        # Shown literally: no backslash, and the invisible word joiners (which
        # keep GitHub's autolinks away) are all that differs.
        shown = " ".join(toast.all_text_contents()).replace(WORD_JOINER, "")
        assert f"{HOSTILE}={HOSTILE_2}" in shown and f"depth={HOSTILE}" in shown
        assert off_host(page, server) == []
        page.get_by_text("my own CSV file").click()
        page.wait_for_timeout(800)
        page.locator(".st-key-wine_upload input[type=file]").set_input_files(
            {"name": name, "mimeType": "text/csv", "buffer": table}
        )
        success = page.locator("[data-testid='stAlertContentSuccess']")
        success.first.wait_for(timeout=60_000)
        assert HOSTILE_2 in success.first.text_content().replace(WORD_JOINER, "")
        page.get_by_role("button", name="Train", exact=True).click()  # 10 epochs on 40 rows
        page.get_by_text("Finished all 10 epochs").wait_for(timeout=180_000)
        page.wait_for_selector(".st-key-wine_runs_chart .js-plotly-plot .legendtext", timeout=60_000)
        legend = page.locator(".st-key-wine_runs_chart .legendtext").first.text_content()
        # The file name as the browser sent it (a form upload writes " as %22),
        # shown as text in the legend.
        assert legend is not None and name.replace('"', "%22") in legend
        assert page.locator("[data-testid='stException']").count() == 0
        assert off_host(page, server) == []
        assert page.blocked_requests == [], f"requests left 127.0.0.1: {page.blocked_requests}"
        assert [url for url in requests if not url.startswith((server, "ws://127.0.0.1", "data:", "blob:"))] == []


def test_the_upload_limit_is_the_same_byte_in_the_browser_and_the_app(server: str) -> None:
    from dlcore.limits import MAX_UPLOAD_BYTES

    limit = MAX_UPLOAD_BYTES
    with chromium() as page:
        open_wine(page, server)
        page.get_by_text("my own CSV file").click()
        page.wait_for_timeout(800)
        page.get_by_text("at most 10 MB = 10,000,000 bytes").wait_for(timeout=30_000)  # the label
        uploader = page.locator(".st-key-wine_upload input[type=file]")
        rows = (limit - 4) // 4  # "d,d\n" is 4 bytes
        exact = b"a,b\n" + b"".join(f"{i % 10},{i * 3 % 10}\n".encode() for i in range(rows))
        too_big = exact[:-1] + b"7\n"  # one more digit in the last row
        assert (len(exact), len(too_big)) == (limit, limit + 1)
        uploader.set_input_files({"name": "exact.csv", "mimeType": "text/csv", "buffer": exact})
        page.locator("[data-testid='stAlertContentSuccess']").filter(has_text="exact.csv").wait_for(timeout=180_000)
        assert page.get_by_text("File must be").count() == 0
        uploader.set_input_files({"name": "over.csv", "mimeType": "text/csv", "buffer": too_big})
        page.get_by_text("File must be 10.0MB or smaller.").wait_for(timeout=30_000)  # Streamlit's own check
        assert page.locator("[data-testid='stException']").count() == 0
