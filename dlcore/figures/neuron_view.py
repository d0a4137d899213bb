"""The neuron view: the network drawn as TensorFlow Playground draws it.

Inputs on the left (x₁, x₂ and any chosen features, each as its own map over
the plane), every hidden unit as a small heatmap of its output over the
input plane, the output unit as the decision map; edges between them blue
for a positive weight, vermillion for a negative one, their width growing
with |w|. Each map is one ``heatmap`` trace on its own small square axes;
the edges are a few line traces (one per colour and width step) on one
axis spanning the whole figure, beneath the maps.

The numbers come from the neuron probe (``dlcore.runtime.neuron_probe``),
decoded by ``neuron_state``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.text import t
from dlcore.toy_data import Grid, decode_probability_text, decode_signed, feature_tuple

EDGE_POSITIVE, EDGE_NEGATIVE = OKABE_ITO[0], OKABE_ITO[1]
# Negative → vermillion, 0 → white, positive → blue: the page's class colours
# (class 0 vermillion, class 1 blue), as TensorFlow Playground's orange/blue.
SIGNED_SCALE: list[list[float | str]] = [[0.0, EDGE_NEGATIVE], [0.5, "#FFFFFF"], [1.0, EDGE_POSITIVE]]
EDGE_MIN_WIDTH, EDGE_MAX_WIDTH = 0.4, 5.0  # px, at |w| = 0 and at the largest |w| of the network
EDGE_STEPS = 8  # widths drawn: one trace per colour and width step
UNIT_PX = 46  # a unit's map, px (NORMAL); the figure's height follows the widest column
# Plotly selects points of scatter-like traces only, not heatmap cells: each
# unit's map carries a lattice of invisible markers that take its clicks.
CLICK_LAYER = "neuron_unit"  # the ``meta`` of a unit's click layer
CLICK_LATTICE = 3  # markers per side of a map
INPUT_NAMES: dict[str, str] = {
    "x1": "x₁",
    "x2": "x₂",
    "x1sq": "x₁²",
    "x2sq": "x₂²",
    "x1x2": "x₁x₂",
    "sin1": "sin x₁",
    "sin2": "sin x₂",
}


@dataclass(frozen=True)
class UnitLayer:
    """One hidden Dense layer's units as the probe saw them.

    Attributes:
        index: The Dense layer's index in ``model.layers``.
        name: Its Keras name (``dense_3``).
        maps: ``(units, size, size)`` outputs over the grid (rows are x₂).
        scale: The largest |output| of the layer (the maps' colour range).
    """

    index: int
    name: str
    maps: np.ndarray
    scale: float


@dataclass(frozen=True)
class NeuronState:
    """The network at one epoch: hidden maps, output map, weights.

    Attributes:
        epoch: The epoch (1-based).
        layers: The hidden layers.
        output: ``(size, size)`` probabilities.
        weights: Per Dense layer ``{"index", "name", "kernel", "bias"}``.
    """

    epoch: int
    layers: tuple[UnitLayer, ...]
    output: np.ndarray
    weights: tuple[dict[str, Any], ...]


def neuron_state(snapshot: dict[str, Any]) -> NeuronState:
    """Decodes one neuron-probe snapshot (``NeuronProbe.snapshot``)."""
    size = int(snapshot["size"])
    layers = tuple(
        UnitLayer(
            int(layer["index"]),
            str(layer["name"]),
            decode_signed(layer["maps"], float(layer["scale"]), (int(layer["units"]), size, size)),
            float(layer["scale"]),
        )
        for layer in snapshot["layers"]
    )
    output = np.asarray(decode_probability_text(snapshot["output"], size))
    return NeuronState(int(snapshot["epoch"]), layers, output, tuple(snapshot["weights"]))


def input_names(features: tuple[str, ...] | list[str]) -> list[str]:
    """The input column's labels: x₁, x₂, then the chosen features."""
    return [INPUT_NAMES[name] for name in ("x1", "x2", *feature_tuple(features))]


def input_maps(grid: Grid) -> np.ndarray:
    """Each input's value over the plane, ``(inputs, size, size)``."""
    return grid.points().T.reshape(-1, grid.size, grid.size)


def edge_style(kernel: np.ndarray, largest: float | None = None) -> dict[tuple[int, int], tuple[str, float]]:
    """Colour and width of the edge of each weight w = kernel[i, j].

    Blue for w ≥ 0, vermillion for w < 0; the width grows linearly with |w|
    from a hairline (w = 0) to ``EDGE_MAX_WIDTH`` at ``largest``.

    Args:
        kernel: ``(inputs, units)`` weights.
        largest: The |w| drawn widest (default: this kernel's largest).

    Returns:
        ``{(i, j): (colour, width px)}``.
    """
    kernel = np.asarray(kernel, dtype=float)
    top = largest if largest else float(np.max(np.abs(kernel))) or 1.0
    return {
        (i, j): (
            EDGE_POSITIVE if w >= 0 else EDGE_NEGATIVE,
            EDGE_MIN_WIDTH + (EDGE_MAX_WIDTH - EDGE_MIN_WIDTH) * min(abs(w) / top, 1.0),
        )
        for (i, j), w in np.ndenumerate(kernel)
    }


def _slots(counts: list[int]) -> list[list[tuple[float, float]]]:
    """Centre ``(x, y)`` in paper units of every unit, column by column."""
    xs = np.linspace(0.06, 0.94, len(counts))
    tallest = max(counts)
    step = 1.0 / (tallest + 0.6)
    return [
        [(float(x), 0.5 + (n - 1) / 2 * step - k * step) for k in range(n)] for x, n in zip(xs, counts, strict=True)
    ]


def _edge_traces(state: NeuronState, centres: list[list[tuple[float, float]]]) -> list[dict[str, Any]]:
    """Edges grouped by colour and width step (a few traces, not one per weight)."""
    largest = max((float(np.max(np.abs(w["kernel"]))) for w in state.weights), default=1.0) or 1.0
    groups: dict[tuple[str, int], tuple[list, list]] = {}
    for col, layer in enumerate(state.weights):
        for (i, j), (colour, width) in edge_style(np.asarray(layer["kernel"]), largest).items():
            step = int(round((width - EDGE_MIN_WIDTH) / (EDGE_MAX_WIDTH - EDGE_MIN_WIDTH) * (EDGE_STEPS - 1)))
            xs, ys = groups.setdefault((colour, step), ([], []))
            (x0, y0), (x1, y1) = centres[col][i], centres[col + 1][j]
            xs += [x0, x1, None]
            ys += [y0, y1, None]
    return [
        {
            "type": "scatter",
            "x": xs,
            "y": ys,
            "mode": "lines",
            "line": {
                "color": colour,
                "width": EDGE_MIN_WIDTH + step * (EDGE_MAX_WIDTH - EDGE_MIN_WIDTH) / (EDGE_STEPS - 1),
            },
            "opacity": 0.7,
            "hoverinfo": "skip",
            "showlegend": False,
            "xaxis": "x",
            "yaxis": "y",
        }
        for (colour, step), (xs, ys) in sorted(groups.items())
    ]


def _unit_trace(
    z: np.ndarray, axis: np.ndarray, k: int, zrange: float, hover: str, *, probability: bool = False
) -> dict:
    """One unit's map as a heatmap on axes ``x{k}``/``y{k}``."""
    return {
        "type": "heatmap",
        "x": axis,
        "y": axis,
        "z": np.round(z, 3),
        "zmin": 0.0 if probability else -zrange,
        "zmax": 1.0 if probability else zrange,
        "colorscale": SIGNED_SCALE,
        "showscale": False,
        "zsmooth": "best",
        "xaxis": f"x{k}",
        "yaxis": f"y{k}",
        "hovertemplate": hover + "<br>x₁=%{x:.2f}, x₂=%{y:.2f}: %{z:.2f}<extra></extra>",
    }


def unit_option(column: int, unit: int, n_hidden: int) -> str:
    """The unit picker's option of ``(column, unit)``: ``"out"`` for the output,
    ``"layer:unit"`` (hidden layer counted from 1) otherwise."""
    return "out" if column == n_hidden + 1 else f"{column}:{unit}"


def _click_trace(k: int, extent: float, option: str, hover: str) -> dict[str, Any]:
    """Invisible markers over map ``k`` whose click selects its unit (``customdata`` = the option)."""
    offsets = (np.arange(CLICK_LATTICE) - (CLICK_LATTICE - 1) / 2) * (2 * extent / CLICK_LATTICE)
    xs, ys = (np.round(a.ravel(), 3).tolist() for a in np.meshgrid(offsets, offsets))
    return {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "customdata": [option] * len(xs),
        "mode": "markers",
        "meta": CLICK_LAYER,
        "marker": {"size": UNIT_PX / CLICK_LATTICE * 1.1, "color": "rgba(0,0,0,0)", "symbol": "square"},
        # Selecting a unit must not dim the others (there is nothing to dim).
        "selected": {"marker": {"color": "rgba(0,0,0,0)"}},
        "unselected": {"marker": {"opacity": 1}},
        "hovertemplate": hover + "<extra></extra>",
        "showlegend": False,
        "xaxis": f"x{k}",
        "yaxis": f"y{k}",
    }


def _unit_axes(k: int, centre: tuple[float, float], half: tuple[float, float], extent: float) -> dict:
    """Layout entries of the small square axes ``x{k}``/``y{k}`` around ``centre``."""
    (x, y), (hx, hy) = centre, half
    frame = {"range": [-extent, extent], "visible": False, "fixedrange": True}
    return {
        # Square at any width: the larger side shrinks about its centre.
        f"xaxis{k}": {**frame, "domain": [x - hx, x + hx], "anchor": f"y{k}", "constrain": "domain"},
        f"yaxis{k}": {
            **frame,
            "domain": [y - hy, y + hy],
            "anchor": f"x{k}",
            "scaleanchor": f"x{k}",
            "constrain": "domain",
        },
    }


def _frame(k: int, extent: float, selected: bool) -> dict[str, Any]:
    """A unit's frame, in its own axes' coordinates (so it hugs the map)."""
    return {
        "type": "rect",
        "xref": f"x{k}",
        "yref": f"y{k}",
        "x0": -extent,
        "x1": extent,
        "y0": -extent,
        "y1": extent,
        "line": {"color": "#222222" if selected else "#AAAAAA", "width": 3 if selected else 1},
    }


def neuron_figure(
    state: NeuronState,
    grid: Grid,
    *,
    lang: str,
    selected: tuple[int, int] | None = None,
    width_px: int = 760,
) -> go.Figure:
    """The network with every unit's map and every weight as an edge.

    Args:
        state: The network at one epoch (``neuron_state``).
        grid: The maps' grid (its ``features`` are the inputs beyond x₁, x₂).
        lang: Text language.
        selected: ``(column, unit)`` drawn with a dark frame (column 0 = inputs).
            A click on a hidden or output unit's map selects its invisible
            markers (``meta`` ``CLICK_LAYER``, ``customdata`` its
            ``unit_option``).
        width_px: The width the figure is laid out for (its maps stay square
            at other widths: each small axis keeps its aspect ratio).

    Returns:
        The figure, drawn at NORMAL.
    """
    inputs = input_maps(grid)
    counts = [len(inputs), *(layer.maps.shape[0] for layer in state.layers), 1]
    # A slot of 1.5 maps per unit in the widest column, plus title and margins.
    height = max(NORMAL.height, int(UNIT_PX * 1.5 * (max(counts) + 0.6)) + 90)
    centres = _slots(counts)
    plot_h, plot_w = height - 90, width_px - 20
    half = (UNIT_PX / 2 / plot_w, UNIT_PX / 2 / plot_h)
    axis = np.round(grid.axis(), 3)
    traces: list[dict[str, Any]] = _edge_traces(state, centres)
    layout: dict[str, Any] = {}
    names = input_names(grid.features)
    shapes: list[dict[str, Any]] = []
    k = 2
    for col, column in enumerate([inputs, *(layer.maps for layer in state.layers), state.output[None]]):
        for unit, z in enumerate(column):
            is_output = col == len(counts) - 1
            if col == 0:
                hover, zrange = t("nv.hover.input", lang, name=names[unit]), float(np.max(np.abs(z))) or 1.0
            else:
                weights = state.weights[col - 1]
                layer_name = f"model.layers[{weights['index']}] ({weights['name']})"
                bias = float(np.asarray(weights["bias"])[unit])
                key = "nv.hover.output" if is_output else "nv.hover.unit"
                hover = t(key, lang, layer=layer_name, unit=unit, bias=bias)
                zrange = 1.0 if is_output else state.layers[col - 1].scale
            traces.append(_unit_trace(z, axis, k, zrange, hover, probability=is_output))
            if col > 0:
                traces.append(_click_trace(k, grid.extent, unit_option(col, unit, len(state.layers)), hover))
            scale = 1.5 if is_output else 1.0
            layout.update(_unit_axes(k, centres[col][unit], (half[0] * scale, half[1] * scale), grid.extent))
            shapes.append(_frame(k, grid.extent, selected == (col, unit)))
            k += 1
    headers = [
        t("nv.col.input", lang),
        *(t("nv.col.hidden", lang, n=i + 1, units=c) for i, c in enumerate(counts[1:-1])),
        t("nv.col.output", lang),
    ]
    annotations = [
        {"x": x, "y": 1.0, "xref": "paper", "yref": "paper", "yanchor": "bottom", "text": text, "showarrow": False}
        for (x, _), text in zip((col[0] for col in centres), headers, strict=True)
    ]
    annotations += [
        {
            "x": x - half[0] - 0.005,
            "y": y,
            "xref": "paper",
            "yref": "paper",
            "xanchor": "right",
            "text": name,
            "showarrow": False,
        }
        for (x, y), name in zip(centres[0], names, strict=True)
    ]
    # One constructor call with the whole layout: Plotly validates each
    # property once (updating ~60 axes afterwards cost ~0.5 s).
    base = apply_layout(go.Figure(), t("nv.title_epoch", lang, epoch=state.epoch), "", "").layout.to_plotly_json()
    base.update(
        xaxis={"domain": [0, 1], "range": [0, 1], "visible": False, "fixedrange": True},
        yaxis={"domain": [0, 1], "range": [0, 1], "visible": False, "fixedrange": True},
        annotations=annotations,
        shapes=shapes,
        height=height,
        margin={"l": 10, "r": 10, "t": 50 + NORMAL.font_size + 24, "b": 10},
        showlegend=False,
        clickmode="event+select",
        dragmode=False,
        **layout,
    )
    return go.Figure(data=traces, layout=base)


def unit_figure(
    z: np.ndarray,
    grid: Grid,
    *,
    title: str,
    zrange: float,
    lang: str,
    probability: bool = False,
    points: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> go.Figure:
    """One unit's map, large; for the output, the data on top.

    Args:
        z: ``(size, size)`` values over the grid.
        grid: The grid.
        title: The figure's title (the unit's Keras name).
        zrange: Colour range ±zrange (ignored for a probability: [0, 1]).
        lang: Text language.
        probability: The output unit (colour range [0, 1]).
        points: ``(x_train, y_train, x_valid, y_valid)`` drawn over it.

    Returns:
        The figure, square.
    """
    axis = [round(float(v), 3) for v in grid.axis()]
    traces: list[dict[str, Any]] = [
        {
            "type": "heatmap",
            "x": axis,
            "y": axis,
            "z": np.round(z, 3).tolist(),
            "zmin": 0.0 if probability else -zrange,
            "zmax": 1.0 if probability else zrange,
            "colorscale": SIGNED_SCALE,
            "zsmooth": "best",
            "colorbar": {
                "thickness": 12,
                "title": {"text": t("nv.colorbar.p" if probability else "nv.colorbar.out", lang)},
            },
            "hovertemplate": "x₁=%{x:.2f}, x₂=%{y:.2f}: %{z:.3f}<extra></extra>",
        }
    ]
    if points is not None:
        for x, y, label, filled in (
            (points[0], points[1], "nv.train", True),
            (points[2], points[3], "nv.valid", False),
        ):
            for cls, colour in ((1, EDGE_POSITIVE), (0, EDGE_NEGATIVE)):
                mask = (np.asarray(y) > 0.5) == bool(cls)
                traces.append(
                    {
                        "type": "scatter",
                        "x": np.asarray(x)[mask, 0].round(4).tolist(),
                        "y": np.asarray(x)[mask, 1].round(4).tolist(),
                        "mode": "markers",
                        "name": f"{t(label, lang)} · {cls}",
                        "marker": {
                            "symbol": "circle" if filled else "circle-open",
                            "size": NORMAL.marker_size,
                            "color": colour,
                            "line": {"width": 1 if filled else 2, "color": "white" if filled else colour},
                        },
                        "hoverinfo": "skip",
                    }
                )
    fig = go.Figure(data=traces)
    apply_layout(fig, title, "x₁", "x₂")
    span = [-grid.extent, grid.extent]
    fig.update_layout(
        xaxis={"range": span, "constrain": "domain", "showgrid": False, "zeroline": False},
        yaxis={"range": span, "scaleanchor": "x", "scaleratio": 1, "showgrid": False, "zeroline": False},
        height=int(NORMAL.height * 1.4),
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.18, "yanchor": "top"},
        margin={"b": 60 + 2 * NORMAL.font_size},
    )
    return fig
