"""The momentum map: how fast Keras's SGD(momentum=β) converges on the
course's function, over (η, β), with its regions named.

Built from ``dlcore.momentum`` (closed form, pure NumPy) at ``NORMAL`` size;
``ui.charts.project`` scales it for the projector. The heatmap cannot be
clicked (Plotly selects points of scatter-like traces only), so a layer of
invisible markers, one per cell, carries the clicks and the hover text.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from dlcore import momentum
from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.text import t

CLICK_LAYER = "momentum_cells"  # the ``meta`` of the clickable marker layer
DIVERGED_COLOR = "#D9D9D9"
BOUNDARY_POINTS = 200
# Where each region's name sits (η, β): inside it, clear of the boundaries.
LABELS: dict[momentum.Region, tuple[float, float]] = {
    momentum.Region.MONOTONE: (0.045, 0.025),
    momentum.Region.OSCILLATING: (0.13, 0.7),
    momentum.Region.ALTERNATING: (0.158, 0.02),
    momentum.Region.DIVERGING: (0.38, 0.2),
}


def _rate_layers(etas: np.ndarray, betas: np.ndarray, lang: str) -> list[go.Heatmap]:
    """The rate max|λ| where the walk converges, and the diverging cells in grey."""
    eta, beta = np.meshgrid(etas, betas)  # rows: β, columns: η
    rate = momentum.rate(eta, beta)
    diverged = momentum.region_codes(eta, beta) == list(momentum.Region).index(momentum.Region.DIVERGING)
    converging = go.Heatmap(
        x=etas.tolist(),
        y=betas.tolist(),
        z=np.where(diverged, np.nan, rate).round(4).tolist(),
        zmin=0.0,
        zmax=1.0,
        colorscale="Viridis",
        colorbar={"title": {"text": t("momentum.map.rate", lang), "side": "right"}, "thickness": 14},
        hoverinfo="skip",
    )
    gone = go.Heatmap(
        x=etas.tolist(),
        y=betas.tolist(),
        z=np.where(diverged, 1.0, np.nan).tolist(),
        colorscale=[[0.0, DIVERGED_COLOR], [1.0, DIVERGED_COLOR]],
        showscale=False,
        hoverinfo="skip",
    )
    return [converging, gone]


def _boundaries(lang: str) -> list[go.Scatter]:
    """Critical damping (the two curves where the roots meet: the fastest β
    for each η) and the stability edge η = 0.2(1 + β)."""
    beta = np.linspace(0.0, momentum.BETA_MAX, BOUNDARY_POINTS)
    low, high = momentum.complex_band(beta)
    # Reddish purple: seen on every shade of Viridis and in the legend on white.
    line = {"color": OKABE_ITO[4], "width": NORMAL.line_width * 1.25, "dash": "dash"}
    critical = go.Scatter(
        x=[*low.round(5).tolist(), None, *high.round(5).tolist()],
        y=[*beta.round(5).tolist(), None, *beta.round(5).tolist()],
        mode="lines",
        name=t("momentum.map.critical", lang),
        line=line,
        hoverinfo="skip",
    )
    edge = go.Scatter(
        x=momentum.stability_edge(beta).round(5).tolist(),
        y=beta.round(5).tolist(),
        mode="lines",
        name=t("momentum.map.edge", lang),
        line={"color": OKABE_ITO[7], "width": NORMAL.line_width},
        hoverinfo="skip",
    )
    return [critical, edge]


def _click_layer(etas: np.ndarray, betas: np.ndarray, lang: str) -> go.Scatter:
    """One invisible marker per cell: what a click selects, with the cell's hover text."""
    eta, beta = (a.ravel() for a in np.meshgrid(etas, betas))
    rate = momentum.rate(eta, beta)
    names = [t(f"momentum.region.{r.value}", lang) for r in momentum.Region]
    regions = [names[c] for c in momentum.region_codes(eta, beta)]
    return go.Scatter(
        x=eta.tolist(),
        y=beta.tolist(),
        customdata=[[round(float(r), 4), name] for r, name in zip(rate, regions, strict=True)],
        mode="markers",
        meta=CLICK_LAYER,
        showlegend=False,
        marker={"size": 9, "color": "rgba(0,0,0,0)", "symbol": "square"},
        # Selecting a cell must not dim the others (there is nothing to dim).
        selected={"marker": {"color": "rgba(0,0,0,0)"}},
        unselected={"marker": {"opacity": 1}},
        hovertemplate=(
            f"η = %{{x:g}}, β = %{{y:g}}<br>{t('momentum.map.rate', lang)} = %{{customdata[0]}}"
            "<br>%{customdata[1]}<extra></extra>"
        ),
    )


def _region_names(fig: go.Figure, lang: str) -> None:
    """Each region's name, written inside it."""
    for region, (x, y) in LABELS.items():
        fig.add_annotation(
            x=x,
            y=y,
            text=f"<b>{t(f'momentum.region.{region.value}', lang)}</b>",
            showarrow=False,
            font={"color": OKABE_ITO[7] if region is momentum.Region.DIVERGING else "#FFFFFF"},
            bgcolor="rgba(0,0,0,0.35)" if region is not momentum.Region.DIVERGING else None,
        )


def _current(eta: float, beta: float, lang: str) -> go.Scatter:
    """The chosen (η, β) as a ring."""
    return go.Scatter(
        x=[eta],
        y=[beta],
        mode="markers",
        name=t("momentum.map.chosen", lang, eta=f"{eta:g}", beta=f"{beta:g}"),
        marker={
            "symbol": "circle-open",
            "size": NORMAL.marker_size * 2.4,
            "color": OKABE_ITO[1],
            "line": {"width": 3},
        },
        hoverinfo="skip",
    )


def map_figure(eta: float, beta: float, *, lang: str) -> go.Figure:
    """The (η, β) map of SGD with momentum on f(x) = 5x² − 2x + 4.

    Args:
        eta: The chosen learning rate (ringed).
        beta: The chosen momentum.
        lang: Text language.

    Returns:
        The figure: the rate heatmap, the diverging cells, the boundaries,
        the click layer (``meta == CLICK_LAYER``) and the chosen point.
    """
    etas, betas = momentum.grid()
    fig = go.Figure()
    fig.add_traces(_rate_layers(etas, betas, lang))
    fig.add_traces(_boundaries(lang))
    fig.add_trace(_click_layer(etas, betas, lang))
    fig.add_trace(_current(eta, beta, lang))
    _region_names(fig, lang)
    apply_layout(
        fig, t("momentum.map.title", lang), t("momentum.map.eta_axis", lang), t("momentum.map.beta_axis", lang)
    )
    fig.update_layout(height=NORMAL.height + 60, clickmode="event+select", dragmode=False)
    fig.update_xaxes(range=[0.0, momentum.ETA_MAX + momentum.ETA_STEP / 2])
    fig.update_yaxes(range=[-momentum.BETA_STEP / 2, momentum.BETA_MAX + momentum.BETA_STEP / 2])
    return fig


def error_figure(xs: Sequence[float], eta: float, beta: float, *, lang: str) -> go.Figure:
    """|x − x*| per step of the Keras walk against the closed form's rateᵗ.

    Args:
        xs: The walk's points (start first).
        eta: Learning rate η.
        beta: Momentum β.
        lang: Text language.

    Returns:
        The figure (log y axis).
    """
    errors = np.abs(np.asarray(xs, dtype=float) - momentum.X_MIN)
    steps = np.arange(len(errors))
    rate = float(momentum.rate(eta, beta))
    # The envelope starts at the start's error; with complex roots the walk
    # touches it from below, with real roots it follows it after a few steps.
    envelope = errors[0] * rate**steps
    floor = 1e-16
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=steps.tolist(),
            y=np.maximum(errors, floor).tolist(),
            mode="lines+markers",
            name=t("momentum.error.keras", lang),
            line={"color": OKABE_ITO[0], "width": NORMAL.line_width},
            marker={"size": NORMAL.marker_size * 0.7},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=steps.tolist(),
            y=np.maximum(envelope, floor).tolist(),
            mode="lines",
            name=t("momentum.error.rate", lang, rate=f"{rate:.3f}"),
            line={"color": OKABE_ITO[1], "width": NORMAL.line_width, "dash": "dash"},
        )
    )
    apply_layout(fig, t("momentum.error.title", lang), t("race.step", lang), "|x − x*|")
    fig.update_yaxes(type="log", exponentformat="power")
    return fig
