"""The optimizer page's "Why momentum works" section: the (η, β) map of
SGD with momentum on the course's function, and the real Keras walk.

The map is closed form (``dlcore.momentum``, drawn by
``dlcore.figures.momentum_map``); clicking a cell sets the η and β sliders,
and the walk is the race task's "momentum" racer (``keras.optimizers.SGD``
with ``momentum=β``, run in the worker) on the course's surface.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dlcore import momentum
from dlcore.figures.momentum_map import error_figure, map_figure
from dlcore.runtime.tasks import Task
from dlcore.spec import SettingError
from dlcore.text import t
from lessons.optimizers.figures import race_figure
from lessons.optimizers.model import RaceSettings, arrows, outcomes
from lessons.optimizers.surfaces import SURFACES
from ui import controls
from ui.charts import project, show
from ui.compute import ComputeError, compute, show_compute_error

LR_KEY = "momentum_lr"
BETA_KEY = "momentum_beta"
STEPS_KEY = "momentum_steps"
MAP_KEY = "momentum_map"
DEFAULT_LR = 0.05
DEFAULT_BETA = 0.9
DEFAULT_STEPS = 60
X0 = -2.5  # the course surface's start: far enough out to see the swings


def _nearest(options: list[float], value: float) -> float:
    """The option closest to ``value`` (a click lands on a cell's centre, give or take rounding)."""
    return min(options, key=lambda option: abs(option - value))


def clicked_point(event: Any) -> dict[str, Any] | None:
    """The clicked point of a chart's selection event.

    Only the click layers (and the racers' paths) report clicks: every other
    trace is drawn with ``hoverinfo="skip"``, which Plotly also exempts from
    clicks, so any point selected is a place to go.

    Args:
        event: ``st.session_state[chart key]`` (a selection state) or None.

    Returns:
        The point (``{"x", "y", "curve_number", ...}``) or None.
    """
    points = ((event or {}).get("selection") or {}).get("points") or []
    picked = [p for p in points if p.get("x") is not None and p.get("y") is not None]
    return picked[-1] if picked else None


def _map_clicked() -> None:
    """Chart callback: the clicked cell's η and β into the sliders (before they are drawn)."""
    point = clicked_point(st.session_state.get(MAP_KEY))
    if point is None:
        return
    etas, betas = (axis.tolist() for axis in momentum.grid())
    st.session_state[LR_KEY] = _nearest(etas, float(point["x"]))
    st.session_state[BETA_KEY] = _nearest(betas, float(point["y"]))


def selectable_chart(fig: Any, key: str, on_select: Any) -> None:
    """A chart whose points a click selects (``on_select`` runs first), projected like ``show``."""
    if st.session_state.get("projector"):
        plot_height = (fig.layout.height or 450) - (fig.layout.margin.b or 0)
        project(fig)
        if not fig.layout.sliders:
            # ``project`` moves the legend below the plot into a taller bottom
            # margin; the figure grows by as much, so the map keeps its area.
            fig.update_layout(height=plot_height + fig.layout.margin.b)
    st.plotly_chart(fig, key=key, width="stretch", on_select=on_select, selection_mode="points")


def _sliders(lang: str) -> tuple[float, float, int]:
    """η, β and step sliders on one row (η and β take exactly the map's cell values)."""
    etas, betas = (axis.tolist() for axis in momentum.grid())
    with st.container(horizontal=True, gap="medium"):
        eta = controls.select_slider(
            t("momentum.lr", lang), etas, DEFAULT_LR, key=LR_KEY, format_func=lambda v: f"{v:g}"
        )
        beta = controls.select_slider(
            t("momentum.beta", lang), betas, DEFAULT_BETA, key=BETA_KEY, format_func=lambda v: f"{v:g}"
        )
        steps = controls.slider(t("momentum.steps", lang), 10, 200, DEFAULT_STEPS, step=10, key=STEPS_KEY)
    return float(eta), float(beta), int(steps)


def _verdict(eta: float, beta: float, lang: str) -> None:
    """The region, the rate and the roots of the chosen (η, β), in words."""
    region = momentum.region(eta, beta)
    roots = momentum.eigenvalues(eta, beta)
    if abs(roots[0].imag) > 0.0:
        shown = f"{roots[0].real:.3f} ± {abs(roots[0].imag):.3f}i"
    else:
        shown = ", ".join(f"{r.real:.3f}" for r in roots)
    st.markdown(
        t(
            "momentum.verdict",
            lang,
            eta=f"{eta:g}",
            beta=f"{beta:g}",
            region=t(f"momentum.region.{region.value}", lang),
            rate=f"{float(momentum.rate(eta, beta)):.3f}",
            roots=shown,
            detail=t(f"momentum.verdict.{region.value}", lang),
        )
    )


def _walk(eta: float, beta: float, steps: int, lang: str) -> None:
    """The Keras walk on f from ``X0``, animated, and its distance to x* against rateᵗ."""
    surface = SURFACES["course"]
    try:
        settings = RaceSettings("course", (X0,), steps, {"momentum": {"learning_rate": eta, "momentum": beta}})
        with st.spinner(t("compute.running", lang)):
            result = compute(Task.OPTIMIZER_RACE, settings.to_payload())
    except SettingError as exc:
        st.warning(t(exc.key, lang, **exc.values))
        return
    except ComputeError as exc:
        show_compute_error(exc, lang)
        return
    results = outcomes(result, surface, 1e-3)
    st.caption(t("momentum.walk.caption", lang, eta=f"{eta:g}", beta=f"{beta:g}", x0=f"{X0:g}"))
    fig = race_figure(surface, results, steps, lang=lang, arrows=arrows(result, results[0], eta))
    fig.update_layout(title_text=t("momentum.walk.title", lang, eta=f"{eta:g}", beta=f"{beta:g}"))
    show(fig, key="momentum_walk_chart")
    show(error_figure([p[0] for p in results[0].path], eta, beta, lang=lang), key="momentum_error_chart")


def render_momentum(lang: str) -> None:
    """The section: title, intro, sliders, the clickable map, the verdict and the walk."""
    st.subheader(t("momentum.title", lang))
    controls.explain(t("momentum.intro", lang))
    eta, beta, steps = _sliders(lang)
    selectable_chart(map_figure(eta, beta, lang=lang), MAP_KEY, _map_clicked)
    st.caption(t("momentum.map.help", lang))
    _verdict(eta, beta, lang)
    _walk(eta, beta, steps, lang)
