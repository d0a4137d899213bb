"""Plotly figures of the optimizer race, built from ``dlcore.figures`` parts.

Role: the race chart (paths over a surface, animated) and the loss chart
(f − f* per step). Each figure is assembled from small builders: the static
backdrop traces, the racers' traces, the animation frames and the layout.
Figures are built at ``NORMAL`` size; ``ui.charts.project`` scales them for
the projector.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from dlcore.figures.animation import frame_steps, layout_animation, play_controls
from dlcore.figures.contours import Polyline, contour_lines, contour_traces, short
from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.text import t
from lessons.optimizers.model import Arrows, Outcome
from lessons.optimizers.racers import RACER_COLORS, RACER_SYMBOLS
from lessons.optimizers.surfaces import Point, Surface

MAX_FRAMES = 60  # animation frames, evenly spaced over the steps
MAX_TRAIL = 100  # points of each animated trail (the opening view keeps all)
LOSS_FLOOR = 1e-16  # f − f* is drawn on a log axis; exact zeros sit here
CONTOUR_LEVELS = 30
CONTOUR_GRID = 90  # grid points per axis for the contour lines
CURVE_POINTS = 300  # samples of a 1-D surface's curve
MAX_ARROWS = 40  # arrows per kind in one view (evenly thinned, the last kept)
PICK_GRID = 41  # clickable points per axis for choosing the start
PICK_LAYER = "race_pick"  # the ``meta`` of the clickable start-point layer
# Colours no racer wears (the racers take Okabe–Ito's), so an arrow never
# reads as a path: the momentum racer's velocity arrow lies on its own path.
ARROW_COLORS = {"gradient": "#6B6B6B", "velocity": "#6A3D9A"}


# ---------------------------------------------------------------- contours
def contour_height(surface: Surface, x: Any, y: Any) -> Any:
    """The height the contours follow: f − f*, or log10(f − f* + 1) for a
    surface with ``log_contours`` (0 at the minimum, no log of 0).

    Args:
        surface: A 2-D surface.
        x: First coordinate(s).
        y: Second coordinate(s).

    Returns:
        The height, shaped like ``x`` and ``y``.
    """
    gap = surface(x, y) - surface.f_min
    return np.log10(gap + 1.0) if surface.log_contours else gap


def surface_contours(surface: Surface, count: int = CONTOUR_LEVELS) -> list[Polyline]:
    """Level sets of ``contour_height`` over the plot as polylines, traced
    on a ``CONTOUR_GRID``² grid (``dlcore.figures.contours.contour_lines``: the
    levels split the height's range into ``count + 1`` equal bands).

    Args:
        surface: A 2-D surface.
        count: Number of levels.

    Returns:
        ``(level, xs, ys)`` per level, lowest first; ``None`` separates the
        pieces of one level.
    """
    xs = np.linspace(*surface.x_range, CONTOUR_GRID)
    ys = np.linspace(*surface.y_range, CONTOUR_GRID)  # type: ignore[misc]
    z = contour_height(surface, *np.meshgrid(xs, ys))  # z[row = y][column = x]
    return contour_lines(xs, ys, z, count)


# ------------------------------------------------------- race: backdrop
def _contour_backdrop(surface: Surface, lang: str) -> list[go.Scatter]:
    """A 2-D surface's contour lines and its minima (crosses).

    Line traces, not a ``go.Contour``: they stay drawn while frames play.
    """
    minima = go.Scatter(
        x=[m[0] for m in surface.minima],
        y=[m[1] for m in surface.minima],
        mode="markers",
        name=t("race.chart.minimum", lang),
        marker={"symbol": "x", "size": NORMAL.marker_size * 1.8, "color": OKABE_ITO[7], "line": {"width": 1}},
    )
    return [*contour_traces(surface_contours(surface), t("race.chart.contours", lang)), minima]


def _curve_backdrop(surface: Surface, lang: str) -> list[go.Scatter]:
    """A 1-D surface's curve f(x) over its plot range and its minimum (a cross)."""
    grid = np.linspace(*surface.x_range, CURVE_POINTS)
    curve = go.Scatter(
        x=grid.tolist(),
        y=[float(v) for v in surface(grid)],
        mode="lines",
        name=t(f"race.surface.{surface.key}.formula", lang),
        line={"color": "#9E9E9E", "width": NORMAL.line_width},
    )
    minimum = go.Scatter(
        x=[m[0] for m in surface.minima],
        y=[surface.f_min],
        mode="markers",
        name=t("race.chart.minimum", lang),
        marker={"symbol": "x", "size": NORMAL.marker_size * 1.8, "color": OKABE_ITO[7]},
    )
    return [curve, minimum]


def _start_trace(surface: Surface, start: Point, lang: str) -> go.Scatter:
    """The start point as an open ring (on the curve for a 1-D surface)."""
    two_d = surface.dims == 2
    return go.Scatter(
        x=[start[0]],
        y=[start[1] if two_d else float(surface(start[0]))],
        mode="markers",
        name=t("race.chart.start", lang),
        marker={"symbol": "circle-open", "size": NORMAL.marker_size * 2.2, "color": OKABE_ITO[7], "line": {"width": 2}},
    )


# -------------------------------------------------------- race: racers
def _path_xy(o: Outcome, two_d: bool) -> tuple[list[float], list[float]]:
    """A racer's whole path as plot coordinates: (x, y) in 2-D, (x, f) in 1-D."""
    px = [p[0] for p in o.path]
    py = [p[1] for p in o.path] if two_d else list(o.losses)
    return px, py


def _racer_traces(o: Outcome, two_d: bool, lang: str) -> list[go.Scatter]:
    """One racer in the opening view (the finish): its full path and its head."""
    name = t(f"optimizer.{o.racer}", lang)
    color = RACER_COLORS[o.racer]
    px, py = _path_xy(o, two_d)
    path = go.Scatter(
        x=px,
        y=py,
        customdata=list(range(len(px))),
        mode="lines" if two_d else "markers",  # chords of a 1-D curve mean nothing
        name=name,
        legendgroup=o.racer,
        line={"color": color, "width": NORMAL.line_width * 0.75},
        marker={"size": NORMAL.marker_size, "color": color, "opacity": 0.8},  # 1-D only
        hovertemplate=(
            f"{name} · {t('race.step', lang)} %{{customdata}}<br>"
            f"x = %{{x:.4g}}<br>{'y' if two_d else 'f'} = %{{y:.4g}}<extra></extra>"
        ),
    )
    head = go.Scatter(
        x=px[-1:],
        y=py[-1:],
        mode="markers",
        showlegend=False,
        legendgroup=o.racer,
        hoverinfo="skip",
        marker={
            "symbol": RACER_SYMBOLS[o.racer],
            "size": NORMAL.marker_size * 2,
            "color": color,
            "line": {"width": 1.5, "color": "#FFFFFF"},
        },
    )
    return [path, head]


# -------------------------------------------------------- race: arrows
def _arrow_steps(upto: int) -> list[int]:
    """Steps 0 … upto thinned to at most ``MAX_ARROWS``, ``upto`` kept."""
    stride = max(1, math.ceil((upto + 1) / MAX_ARROWS))
    picked = list(range(0, upto + 1, stride))
    if picked[-1] != upto:
        picked.append(upto)
    return picked


def _arrow_xy(
    starts: Sequence[Point], vectors: Sequence[Point], steps: Sequence[int], surface: Surface
) -> tuple[list[float | None], list[float | None], list[float]]:
    """Segments from each start along its vector (``None`` between them) and
    marker sizes that put an arrowhead on each segment's end only.

    A 1-D surface's arrows run along x at the height of the curve."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    sizes: list[float] = []
    for k in steps:
        x0 = starts[k][0]
        y0 = starts[k][1] if surface.dims == 2 else float(surface(x0))
        dx = vectors[k][0]
        dy = vectors[k][1] if surface.dims == 2 else 0.0
        xs += [short(x0), short(x0 + dx), None]
        ys += [short(y0), short(y0 + dy), None]
        sizes += [0.0, NORMAL.marker_size * 1.6, 0.0]
    return xs, ys, sizes


def _arrow_vectors(arrows: Arrows) -> dict[str, list[Point]]:
    """The arrow kinds this racer has: its velocity if it keeps one, and the
    gradient step (drawn last and dotted: on a first step the two coincide)."""
    kinds = {} if arrows.velocities is None else {"velocity": arrows.velocities}
    kinds["gradient"] = arrows.gradient_steps
    return kinds


def _arrow_traces(arrows: Arrows, surface: Surface, upto: int | None, lang: str) -> list[go.Scatter]:
    """The arrows up to step ``upto`` (all when None): one trace per kind.

    Styled traces for the opening view; frames reuse them with coordinates only.
    """
    last = len(arrows.starts) - 1
    steps = _arrow_steps(min(last, last if upto is None else upto)) if last >= 0 else []
    traces = []
    for kind, vectors in _arrow_vectors(arrows).items():
        xs, ys, sizes = _arrow_xy(arrows.starts, vectors, steps, surface)
        label = "adam_velocity" if kind == "velocity" and arrows.racer == "adam" else kind
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                name=t(f"race.arrows.{label}", lang),
                legendgroup="arrows",
                hoverinfo="skip",
                line={
                    "color": ARROW_COLORS[kind],
                    "width": NORMAL.line_width * 1.25,
                    "dash": "dot" if kind == "gradient" else "solid",
                },
                marker={"symbol": "arrow", "angleref": "previous", "size": sizes, "color": ARROW_COLORS[kind]},
            )
        )
    return traces


def _pick_layer(surface: Surface, lang: str) -> go.Scatter:
    """Invisible points over the plot (along the curve in 1-D) that a click
    selects to choose the start point; contour lines alone catch no click."""
    xs = np.linspace(*surface.x_range, PICK_GRID if surface.dims == 2 else CURVE_POINTS // 2)
    if surface.dims == 2:
        gx, gy = (a.ravel() for a in np.meshgrid(xs, np.linspace(*surface.y_range, PICK_GRID)))  # type: ignore[misc]
        x, y = gx.round(4).tolist(), gy.round(4).tolist()
    else:
        x = xs.round(4).tolist()
        y = [float(surface(v)) for v in x]
    return go.Scatter(
        x=x,
        y=y,
        mode="markers",
        meta=PICK_LAYER,
        showlegend=False,
        marker={"size": 12, "color": "rgba(0,0,0,0)"},
        selected={"marker": {"color": "rgba(0,0,0,0)"}},
        unselected={"marker": {"opacity": 1}},
        hovertemplate=f"{t('race.chart.start', lang)}?<br>x = %{{x:.3g}}<extra></extra>",
    )


# -------------------------------------------------------- race: frames
def _trail(upto: int) -> list[int]:
    """Steps 0 … upto, thinned to at most ``MAX_TRAIL`` points, ``upto`` kept."""
    stride = max(1, math.ceil((upto + 1) / MAX_TRAIL))
    picked = list(range(0, upto + 1, stride))
    if picked[-1] != upto:
        picked.append(upto)
    return picked


def _frame_traces(results: Sequence[Outcome], upto: int, two_d: bool) -> list[go.Scatter]:
    """Each racer's trail up to step ``upto`` and its head (a diverged racer
    stops where it left); only coordinates, the styles stay the opening view's."""
    traces = []
    for o in results:
        steps = _trail(min(upto, len(o.path) - 1))
        px = [short(o.path[i][0]) for i in steps]
        py = [short(o.path[i][1] if two_d else o.losses[i]) for i in steps]
        traces.append(go.Scatter(x=px, y=py, customdata=steps))
        traces.append(go.Scatter(x=px[-1:], y=py[-1:]))
    return traces


def _frame_arrows(arrows: Arrows, surface: Surface, upto: int) -> list[go.Scatter]:
    """The arrows of steps 0 … ``upto`` as coordinate-only traces for one frame."""
    return [
        go.Scatter(x=trace.x, y=trace.y, marker={"size": trace.marker.size})
        for trace in _arrow_traces(arrows, surface, upto, "en")
    ]


def _race_frames(
    results: Sequence[Outcome],
    shown: Sequence[int],
    first: int,
    surface: Surface,
    arrows: Arrows | None = None,
) -> list[go.Frame]:
    """One frame per shown step, redrawing the racers' traces (from index
    ``first`` on) and then the arrows' traces, if any."""
    two_d = surface.dims == 2
    count = 2 * len(results) + (len(_arrow_vectors(arrows)) if arrows is not None else 0)
    moving = list(range(first, first + count))
    return [
        go.Frame(
            data=[*_frame_traces(results, s, two_d), *(_frame_arrows(arrows, surface, s) if arrows else [])],
            traces=moving,
            name=str(s),
        )
        for s in shown
    ]


# -------------------------------------------------------- race: layout
def _curve_y_range(surface: Surface) -> list[float]:
    """A 1-D chart's y range: from just below f* to 5 % above the higher end of the curve."""
    values = surface(np.asarray(surface.x_range))
    return [surface.f_min - 0.05 * (max(values) - surface.f_min), float(max(values)) * 1.05]


def _race_layout(fig: go.Figure, surface: Surface, shown: Sequence[int], lang: str) -> None:
    """Play controls opening at the finish, the title, axes and their ranges."""
    two_d = surface.dims == 2
    fig.update_layout(
        **play_controls(
            [str(s) for s in shown],
            active=len(shown) - 1,
            labels=(t("race.replay", lang), t("race.play", lang), t("race.pause", lang)),
            slider_prefix=t("race.step", lang),
        )
    )
    title = t("race.chart.title", lang, surface=t(f"race.surface.{surface.key}.name", lang))
    apply_layout(fig, title, "x", "y" if two_d else "f(x)")
    layout_animation(fig, NORMAL, plot_height=NORMAL.height)
    fig.update_xaxes(range=list(surface.x_range))
    fig.update_yaxes(range=list(surface.y_range) if two_d else _curve_y_range(surface))  # type: ignore[arg-type]


def race_figure(
    surface: Surface,
    results: Sequence[Outcome],
    steps: int,
    *,
    lang: str,
    arrows: Arrows | None = None,
    pickable: bool = False,
) -> go.Figure:
    """The race, animated: every racer's path over the surface's contours
    (2-D) or along the curve (1-D), with Replay / Play / Pause and a step
    slider. It opens at the finish; Replay runs it from the start.

    Args:
        surface: The surface.
        results: Outcomes in display order.
        steps: Steps each racer was given (the slider's range).
        lang: Text language.
        arrows: One racer's gradient and velocity arrows, drawn at each step
            (thinned) and growing with the animation.
        pickable: Add the invisible layer a click selects to choose the start.

    Returns:
        The figure.
    """
    two_d = surface.dims == 2
    fig = go.Figure()
    fig.add_traces(_contour_backdrop(surface, lang) if two_d else _curve_backdrop(surface, lang))
    if pickable:
        fig.add_trace(_pick_layer(surface, lang))
    fig.add_trace(_start_trace(surface, results[0].path[0] if results else surface.start, lang))
    first_racer = len(fig.data)
    for o in results:
        fig.add_traces(_racer_traces(o, two_d, lang))
    if arrows is not None:
        fig.add_traces(_arrow_traces(arrows, surface, None, lang))
    shown = frame_steps(steps, MAX_FRAMES)
    fig.frames = _race_frames(results, shown, first_racer, surface, arrows)
    _race_layout(fig, surface, shown, lang)
    return fig


# ------------------------------------------------------------ loss chart
def _gap_traces(o: Outcome, surface: Surface, lang: str) -> list[go.Scatter]:
    """One racer's f − f* per step (floored at ``LOSS_FLOOR`` for the log
    axis), with its marker at the step it reached the tolerance, if it did."""
    gaps = [max(loss - surface.f_min, LOSS_FLOOR) for loss in o.losses]
    name = t(f"optimizer.{o.racer}", lang)
    line = go.Scatter(
        x=list(range(len(gaps))),
        y=gaps,
        mode="lines",
        name=name,
        line={"color": RACER_COLORS[o.racer], "width": NORMAL.line_width},
        hovertemplate=f"{name}<br>{t('race.step', lang)} %{{x}}: %{{y:.3g}}<extra></extra>",
    )
    if o.steps_to_tol is None:
        return [line]
    reached = go.Scatter(
        x=[o.steps_to_tol],
        y=[gaps[o.steps_to_tol]],
        mode="markers",
        showlegend=False,
        hoverinfo="skip",
        marker={"symbol": RACER_SYMBOLS[o.racer], "size": NORMAL.marker_size * 1.5, "color": RACER_COLORS[o.racer]},
    )
    return [line, reached]


def _tolerance_line(fig: go.Figure, tol: float, lang: str) -> None:
    """The tolerance as a dashed, labelled horizontal line."""
    fig.add_hline(
        y=tol,
        line={"dash": "dash", "color": OKABE_ITO[7], "width": max(1.0, NORMAL.line_width / 2)},
        annotation_text=t("race.chart.tolerance", lang, tol=f"{tol:g}"),
        annotation_position="bottom left",
    )


def loss_figure(surface: Surface, results: Sequence[Outcome], tol: float, *, lang: str) -> go.Figure:
    """f − f* against the step on a log axis, one line per racer, with the
    tolerance as a dashed line.

    Args:
        surface: The surface (for f*).
        results: Outcomes in display order.
        tol: The tolerance.
        lang: Text language.

    Returns:
        The figure.
    """
    fig = go.Figure()
    for o in results:
        fig.add_traces(_gap_traces(o, surface, lang))
    _tolerance_line(fig, tol, lang)
    apply_layout(fig, t("race.chart.loss_title", lang), t("race.step", lang), t("race.chart.gap_axis", lang))
    fig.update_yaxes(type="log", exponentformat="power")
    return fig
