"""The architecture diagram: a left-to-right sketch of a model spec.

Column ``x`` (0, 1, 2, …) is one layer: the input, a Dense layer (a column of
nodes, joined to the previous node column by all-to-all edges), or an
operation between them (BatchNormalization, Activation, Dropout: a bar).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.spec import ModelSpec
from dlcore.text import t

NODES_SHOWN = 8  # nodes drawn per column; the rest as "⋮"


@dataclass(frozen=True)
class Column:
    """One layer of the sketch.

    Attributes:
        label: The text above the column, e.g. ``"Dense(16, relu)"``.
        units: The layer's width.
        kind: ``"input"``, ``"dense"`` or ``"op"`` (drawn as a bar).
    """

    label: str
    units: int
    kind: str


def _columns(spec: ModelSpec, lang: str) -> list[Column]:
    """The input, then every layer of ``spec`` in order."""
    columns = [Column(t("arch.input", lang, n=spec.n_inputs), spec.n_inputs, "input")]
    for layer in spec.layers():
        if layer.kind == "Dense":
            act = layer.kwargs.get("activation")
            label = f"Dense({layer.units}" + (f", {act})" if act else ")")
            columns.append(Column(label, layer.units, "dense"))
        else:
            extra = layer.kwargs.get("rate", layer.kwargs.get("activation", ""))
            columns.append(Column(f"{layer.kind}" + (f"({extra})" if extra != "" else ""), layer.units, "op"))
    return columns


def _node_ys(units: int) -> list[float]:
    """Heights of a column's drawn nodes: evenly from 1 down to −1 (one node: 0)."""
    count = min(units, NODES_SHOWN)
    return [0.0] if count == 1 else [1 - 2 * i / (count - 1) for i in range(count)]


def _node_columns(columns: list[Column]) -> list[tuple[int, list[float]]]:
    """``(x, node heights)`` of every column drawn as nodes (not the bars)."""
    return [(x, _node_ys(column.units)) for x, column in enumerate(columns) if column.kind != "op"]


def _edges_trace(node_columns: list[tuple[int, list[float]]]) -> go.Scatter:
    """Grey lines from every node to every node of the next node column."""
    edge_x: list[float | None] = []
    edge_y: list[float | None] = []
    for (x0, ys0), (x1, ys1) in itertools.pairwise(node_columns):
        for y0 in ys0:
            for y1 in ys1:
                edge_x += [x0, x1, None]
                edge_y += [y0, y1, None]
    return go.Scatter(
        x=edge_x,
        y=edge_y,
        mode="lines",
        line={"color": "#BBBBBB", "width": 0.6},
        hoverinfo="skip",
        showlegend=False,
    )


def _nodes_trace(node_columns: list[tuple[int, list[float]]]) -> go.Scatter:
    """One marker per drawn node."""
    return go.Scatter(
        x=[x for x, ys in node_columns for _ in ys],
        y=[y for _, ys in node_columns for y in ys],
        mode="markers",
        marker={"size": NORMAL.marker_size * 2, "color": OKABE_ITO[0], "line": {"width": 1, "color": "white"}},
        hoverinfo="skip",
        showlegend=False,
    )


def _bars(columns: list[Column]) -> list[dict[str, Any]]:
    """A translucent bar per operation column (BatchNormalization in one colour, others in another)."""
    return [
        {
            "type": "rect",
            "x0": x - 0.12,
            "x1": x + 0.12,
            "y0": -1.05,
            "y1": 1.05,
            "fillcolor": OKABE_ITO[3] if "Batch" in column.label else OKABE_ITO[4],
            "opacity": 0.35,
            "line": {"width": 0},
        }
        for x, column in enumerate(columns)
        if column.kind == "op"
    ]


def _annotations(columns: list[Column]) -> list[dict[str, Any]]:
    """Per column: "⋮" under a column wider than it shows, then its label (alternating heights)."""
    annotations: list[dict[str, Any]] = []
    for x, column in enumerate(columns):
        if column.kind != "op" and column.units > NODES_SHOWN:
            annotations.append({"x": x, "y": -1.2, "text": "⋮", "showarrow": False, "font": {"size": NORMAL.font_size}})
        annotations.append(
            {
                "x": x,
                "y": 1.25 if x % 2 == 0 else 1.45,
                "text": column.label,
                "showarrow": False,
                "font": {"size": max(10, NORMAL.font_size - 3)},
            }
        )
    return annotations


def _layout(fig: go.Figure, spec: ModelSpec, lang: str, n_columns: int) -> go.Figure:
    """Title with the parameter count, hidden axes around the columns, a shorter figure."""
    fig = apply_layout(fig, t("arch.title", lang, params=f"{spec.param_count():,}"), "", "")
    fig.update_xaxes(visible=False, range=[-0.6, n_columns - 0.4])
    fig.update_yaxes(visible=False, range=[-1.4, 1.6])
    fig.update_layout(height=int(NORMAL.height * 0.8))
    return fig


def architecture_figure(spec: ModelSpec, *, lang: str) -> go.Figure:
    """A left-to-right sketch of the network: one column of nodes per layer.

    Dense layers show up to 8 nodes (the rest as "…"); BatchNormalization,
    Activation and Dropout are drawn as labelled bars between them.

    Args:
        spec: The model spec.
        lang: Text language.

    Returns:
        The figure.
    """
    columns = _columns(spec, lang)
    node_columns = _node_columns(columns)
    fig = go.Figure()
    for bar in _bars(columns):
        fig.add_shape(**bar)
    for annotation in _annotations(columns):
        fig.add_annotation(**annotation)
    fig.add_trace(_edges_trace(node_columns))
    fig.add_trace(_nodes_trace(node_columns))
    return _layout(fig, spec, lang, len(columns))
