"""Animated figures (buttons, slider, frames) stay readable with projector
text: ``ui.charts.project`` restacks them, and nothing overlaps or is cut off.

The layout tests read Plotly's own coordinates: ``updatemenus``, ``sliders``
and the legend sit at a ``y`` in plot-area heights (0 = the plot area's
bottom edge, negative below it), so ``−y · plot height`` is their top's
distance below the plot area in px. The browser test renders the figures
with the Plotly.js that ships with plotly (and Streamlit's chart font) in
headless Chromium, and compares the boxes of every text, button and legend.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import plotly
import plotly.graph_objects as go
import pytest
import streamlit

from lessons.gradient_descent.figures import descent_figure
from lessons.gradient_descent.model import descent
from lessons.optimizers.figures import race_figure
from lessons.optimizers.model import outcome
from lessons.optimizers.racers import RACERS
from lessons.optimizers.surfaces import SURFACES
from lessons.sgd.figures import sgd_figure
from lessons.sgd.model import START, SgdSettings, make_data, minibatch_schedule
from ui.charts import project

LANGS = ("en", "zh-TW")


# ------------------------------------------------------------------ figures
def race(lang: str, key: str = "ravine") -> go.Figure:
    """The race of all seven racers on made-up straight paths (no Keras)."""
    surface = SURFACES[key]
    start = np.asarray(surface.start, dtype=float)
    end = np.asarray(surface.minima[0], dtype=float)[: surface.dims]
    path = [tuple(start + (end - start) * k / 10) for k in range(11)]
    losses = [float(surface(*p)) for p in path]
    return race_figure(surface, [outcome(r, path, losses, surface, 1e-3) for r in RACERS], 10, lang=lang)


def sgd(lang: str) -> go.Figure:
    """The SGD figure of closed-form minibatch gradient descent on the MSE
    (the update rule Keras's SGD applies; no Keras here), both runs shown."""
    settings = SgdSettings()
    x, y = make_data(settings.n_samples, settings.seed)
    batches = minibatch_schedule(settings.n_samples, settings.batch_size, settings.epochs, settings.seed)

    def run(schedule: list[list[int]]) -> dict[str, list[float]]:
        # MSE = mean((w·x + b − y)²): ∂/∂w = 2·mean(r·x), ∂/∂b = 2·mean(r).
        w, b = START
        out: dict[str, list[float]] = {"w": [w], "b": [b], "loss": [float(np.mean((w * x + b - y) ** 2))]}
        for batch in schedule:
            r = w * x[batch] + b - y[batch]
            grad_w, grad_b = 2 * float(np.mean(r * x[batch])), 2 * float(np.mean(r))
            w, b = w - settings.learning_rate * grad_w, b - settings.learning_rate * grad_b
            out["w"].append(w)
            out["b"].append(b)
            out["loss"].append(float(np.mean((w * x + b - y) ** 2)))
        return out

    mini, full = run(batches), run([list(range(settings.n_samples))] * len(batches))
    ls_w, ls_b = np.polyfit(x, y, 1)
    w_axis, b_axis = np.linspace(-1.5, 3.0, 40), np.linspace(0.0, 3.5, 40)
    mse = np.mean((w_axis[None, :, None] * x + b_axis[:, None, None] - y) ** 2, axis=2)
    result = {
        "x": x.tolist(),
        "y": y.tolist(),
        "batches": batches,
        **mini,
        **{f"full_{k}": v for k, v in full.items()},
        "ls_w": float(ls_w),
        "ls_b": float(ls_b),
        "best_mse": float(np.mean((ls_w * x + ls_b - y) ** 2)),
        "grid": {"w": w_axis.tolist(), "b": b_axis.tolist(), "mse": mse.tolist()},
    }
    return sgd_figure(result, settings, lang=lang, show_full_batch=True)


def gradient_descent(lang: str) -> go.Figure:
    return descent_figure(descent(0.05, -2.5, 20), 0.05, lang=lang)


FIGURES: dict[str, Callable[[str], go.Figure]] = {
    "race": race,
    "race_1d": lambda lang: race(lang, "course"),
    "sgd": sgd,
    "gradient_descent": gradient_descent,
}


def plot_height(fig: go.Figure) -> float:
    layout = fig.layout
    return layout.height - layout.margin.t - layout.margin.b


def below(fig: go.Figure, y: float) -> float:
    """Distance in px below the plot area of a point at Plotly's ``y``."""
    return -y * plot_height(fig)


# ------------------------------------------------------------- layout tests
@pytest.mark.parametrize("name", FIGURES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("projected", [False, True], ids=["normal", "projector"])
def test_title_plot_controls_and_legend_are_stacked_top_to_bottom(name: str, lang: str, projected: bool) -> None:
    fig = FIGURES[name](lang)
    if projected:
        project(fig)
    layout = fig.layout
    size = layout.font.size
    assert size >= (20 if projected else 14)
    assert fig.frames and layout.updatemenus and layout.sliders

    # The title hangs from the figure's top edge, inside the top margin,
    # above the top row's subplot titles (each line at least its font size).
    assert (layout.title.yref, layout.title.y, layout.title.yanchor) == ("container", 1.0, "top")
    top_titles = [a for a in layout.annotations if a.yref == "paper" and a.y >= 0.999 and a.text]
    lines = max((a.text.count("<br>") + 1 for a in top_titles), default=0)
    annotation_size = max((a.font.size for a in top_titles), default=0)
    assert layout.margin.t >= 1.2 * size + lines * 1.2 * annotation_size

    # The legend is horizontal and below the plot area, not above it where
    # the title is.
    legend = layout.legend
    assert legend.orientation == "h" and legend.yanchor == "top" and legend.y < 0

    # Bands below the plot area, in px: x tick labels and axis title (two
    # lines), then the buttons (left) on the slider's top row, whose current
    # value is on the right, then the slider's rail, ticks and labels, then
    # the legend, which ends inside the figure.
    menu, slider = layout.updatemenus[0], layout.sliders[0]
    controls = below(fig, menu.y)
    assert menu.yanchor == slider.yanchor == "top" and below(fig, slider.y) == pytest.approx(controls)
    assert controls >= 2 * 1.2 * size
    assert (menu.x, menu.xanchor, slider.x, slider.xanchor, slider.len) == (0, "left", 0, "left", 1)
    assert slider.currentvalue.xanchor == "right"
    # The rail lies below the buttons: value text + offset ≥ text + 2 × 6 px padding.
    assert slider.currentvalue.offset >= 12
    slider_height = 1.2 * size + slider.currentvalue.offset + 7 + 1.2 * size  # value, rail and ticks, labels
    assert below(fig, legend.y) >= controls + slider_height
    assert layout.margin.b >= below(fig, legend.y) + 1.2 * size


@pytest.mark.parametrize("name", FIGURES)
def test_project_keeps_the_plot_area_and_only_grows_the_margins(name: str) -> None:
    fig = FIGURES[name]("zh-TW")
    before = (plot_height(fig), fig.layout.margin.t, fig.layout.margin.b)
    project(fig)
    assert plot_height(fig) == pytest.approx(before[0], abs=1)
    assert fig.layout.margin.t >= before[1] and fig.layout.margin.b > before[2]


def test_project_moves_a_legend_off_the_title_of_any_animated_figure() -> None:
    # A figure built elsewhere with its legend above the plot and its
    # buttons and slider where the x axis is.
    fig = go.Figure(
        [go.Scatter(x=[0, 1], y=[0, 1], name="one"), go.Scatter(x=[0, 1], y=[1, 0], name="two")],
        frames=[go.Frame(data=[go.Scatter(x=[0, 1], y=[0, 0])], name="0")],
        layout={
            "title": {"text": "A title"},
            "height": 400,
            "margin": {"t": 60, "b": 60},
            "legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom"},
            "updatemenus": [{"type": "buttons", "y": -0.1, "buttons": [{"label": "Play", "method": "animate", "args": [None]}]}],
            "sliders": [{"y": -0.1, "steps": [{"label": "0", "method": "animate", "args": [["0"]]}]}],
        },
    )
    project(fig)
    assert fig.layout.legend.y < 0 and fig.layout.legend.yanchor == "top"
    assert plot_height(fig) == pytest.approx(280, abs=1)
    assert below(fig, fig.layout.legend.y) > below(fig, fig.layout.sliders[0].y) > 2 * 1.2 * 20


def test_sgd_subplot_titles_break_into_short_lines_in_both_languages() -> None:
    # The right-hand panels are about 220 px wide at 1024 px with projector
    # text (18 px): about 12 wide (CJK) characters or 26 Latin ones.
    for lang in LANGS:
        for annotation in sgd(lang).layout.annotations:
            for line in annotation.text.split("<br>"):
                wide = sum(1 for c in line if ord(c) >= 0x2E80)
                assert wide + (len(line) - wide) / 2.1 <= 13, (lang, line)


# ------------------------------------------------------------ browser test
# Boxes of every text, button, slider part, legend and plot area, and the
# pairs that overlap or leave the figure. Each subplot's own tick labels may
# touch its own plot area; annotations may sit inside plot areas.
OVERLAPS_JS = """(plot) => {
  const box = (e) => { const r = e.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom}; };
  const union = (rs) => rs.reduce((a, r) => a ? {l: Math.min(a.l, r.l), t: Math.min(a.t, r.t), r: Math.max(a.r, r.r), b: Math.max(a.b, r.b)} : r, null);
  const real = (r) => r && r.r - r.l > 0.5 && r.b - r.t > 0.5;
  const svg = box(plot.querySelector('.main-svg'));
  const items = [];
  const add = (name, r, kind) => { if (real(r)) items.push({name, r, kind}); };
  plot.querySelectorAll('.infolayer g[class$="title"] text').forEach(e => add(e.parentNode.getAttribute('class'), box(e), 'text'));
  plot.querySelectorAll('.annotation').forEach((e, i) => add('annotation ' + e.textContent, box(e), 'annotation'));
  const full = plot._fullLayout;
  Object.keys(full).filter(k => /^xaxis\\d*$/.test(k)).forEach(k => {
    const xa = full[k], ya = full[xa.anchor.replace('y', 'yaxis')];
    const id = xa._id + ya._id;
    add('plot ' + id, {l: svg.l + xa._offset, r: svg.l + xa._offset + xa._length, t: svg.t + ya._offset, b: svg.t + ya._offset + ya._length}, 'plot');
    const sp = plot.querySelector('.subplot.' + id);
    ['x', 'y'].forEach(a => add(a + 'ticks ' + id, union([...sp.querySelectorAll(`.${a}axislayer-above .${a}tick text`)].map(box).filter(real)), 'text'));
  });
  plot.querySelectorAll('.legend .bg').forEach(e => add('legend', box(e), 'box'));
  plot.querySelectorAll('.updatemenu-button').forEach((e, i) => add('button ' + i, box(e), 'box'));
  plot.querySelectorAll('.slider-group').forEach(g => {
    g.querySelectorAll(':scope > text').forEach(e => add('slider value', box(e), 'text'));
    add('slider rail', box(g.querySelector('.slider-rail-rect')), 'rail');
    add('slider labels', union([...g.querySelectorAll('.slider-label-group text')].map(box).filter(real)), 'labels');
  });
  const meet = (a, b) => Math.min(a.r, b.r) - Math.max(a.l, b.l) > 1 && Math.min(a.b, b.b) - Math.max(a.t, b.t) > 1;
  const problems = items.filter(i => i.r.l < svg.l - 1 || i.r.r > svg.r + 1 || i.r.t < svg.t - 1 || i.r.b > svg.b + 1).map(i => 'outside: ' + i.name);
  for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) {
    const [a, b] = [items[i], items[j]];
    const kinds = [a.kind, b.kind].sort().join();
    if (kinds === 'plot,plot' || kinds === 'annotation,plot' || kinds === 'labels,rail') continue;
    if (a.kind === 'plot' && b.name.endsWith(a.name.slice(5)) || b.kind === 'plot' && a.name.endsWith(b.name.slice(5))) continue;
    if (meet(a.r, b.r)) problems.push(a.name + ' / ' + b.name);
  }
  return problems;
}"""


def _font_face() -> str:
    """Streamlit's chart font (Source Sans), embedded as a data URL."""
    media = Path(streamlit.__file__).parent / "static" / "static" / "media"
    font = next(media.glob("SourceSansVF-Upright*.woff2"), None)
    if font is None:
        return ""
    data = base64.b64encode(font.read_bytes()).decode()
    return f"@font-face {{ font-family: 'Source Sans'; src: url(data:font/woff2;base64,{data}); }}"


@pytest.mark.browser
def test_animated_figures_render_without_overlaps_in_chromium() -> None:
    from tests.browser.helpers import chromium, require_browser

    require_browser()
    plotly_js = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")
    style = f"<style>{_font_face()} body {{ margin: 0; }}</style>"
    html = f"<html><head>{style}<script>{plotly_js}</script></head><body></body></html>"
    # The chart column is 664 px wide at 1024 px with projector mode's
    # larger page text, and 820 px at 1280 px in normal mode.
    cases = [(name, lang, projected) for name in FIGURES for lang in LANGS for projected in (False, True)]
    problems: dict[str, list[str]] = {}
    with chromium((1024, 768)) as page:
        page.set_content(html)
        for name, lang, projected in cases:
            fig = FIGURES[name](lang)
            if projected:
                project(fig)
            fig.update_layout(font_family="Source Sans", width=664 if projected else 820)
            spec = json.loads(fig.to_json())
            found = page.evaluate(
                """async ([spec, check]) => {
                  document.body.innerHTML = '<div id="plot"></div>';
                  const plot = document.getElementById('plot');
                  await document.fonts.load("20px 'Source Sans'");
                  await Plotly.newPlot(plot, spec.data, spec.layout);
                  return eval(check)(plot);
                }""",
                [spec, OVERLAPS_JS],
            )
            if found:
                problems[f"{name} {lang} {'projector' if projected else 'normal'}"] = found
    assert problems == {}


def test_no_numpy_arrays_reach_the_figures() -> None:
    # Plotly 7 base64-encodes NumPy arrays; the figures hold Python lists.
    for lang in LANGS:
        for name, build in FIGURES.items():
            fig = build(lang)
            project(fig)
            assert not re.search(r'"bdata"', fig.to_json()), name
