"""The architecture diagram: a left-to-right sketch of a model spec."""

from __future__ import annotations

import plotly.graph_objects as go

from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.spec import ModelSpec
from dlcore.text import t


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
    shown = 8
    columns: list[tuple[str, int, str]] = [(t("arch.input", lang, n=spec.n_inputs), spec.n_inputs, "input")]
    for layer in spec.layers():
        if layer.kind == "Dense":
            act = layer.kwargs.get("activation")
            label = f"Dense({layer.units}" + (f", {act})" if act else ")")
            columns.append((label, layer.units, "dense"))
        else:
            extra = layer.kwargs.get("rate", layer.kwargs.get("activation", ""))
            columns.append((f"{layer.kind}" + (f"({extra})" if extra != "" else ""), layer.units, "op"))

    fig = go.Figure()
    node_x: list[float] = []
    node_y: list[float] = []
    edge_x: list[float | None] = []
    edge_y: list[float | None] = []
    previous: list[float] | None = None
    previous_x = 0.0
    for x, (label, units, kind) in enumerate(columns):
        if kind == "op":
            fig.add_shape(
                type="rect",
                x0=x - 0.12,
                x1=x + 0.12,
                y0=-1.05,
                y1=1.05,
                fillcolor=OKABE_ITO[3] if "Batch" in label else OKABE_ITO[4],
                opacity=0.35,
                line={"width": 0},
            )
        else:
            count = min(units, shown)
            ys = [0.0] if count == 1 else [1 - 2 * i / (count - 1) for i in range(count)]
            if previous is not None:
                for y0 in previous:
                    for y1 in ys:
                        edge_x += [previous_x, x, None]
                        edge_y += [y0, y1, None]
            node_x += [x] * count
            node_y += ys
            if units > shown:
                fig.add_annotation(x=x, y=-1.2, text="⋮", showarrow=False, font={"size": NORMAL.font_size})
            previous, previous_x = ys, x
        fig.add_annotation(
            x=x,
            y=1.25 if x % 2 == 0 else 1.45,
            text=label,
            showarrow=False,
            font={"size": max(10, NORMAL.font_size - 3)},
        )
    fig.add_trace(
        go.Scatter(
            x=edge_x,
            y=edge_y,
            mode="lines",
            line={"color": "#BBBBBB", "width": 0.6},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=node_x,
            y=node_y,
            mode="markers",
            marker={"size": NORMAL.marker_size * 2, "color": OKABE_ITO[0], "line": {"width": 1, "color": "white"}},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig = apply_layout(fig, t("arch.title", lang, params=f"{spec.param_count():,}"), "", "")
    fig.update_xaxes(visible=False, range=[-0.6, len(columns) - 0.4])
    fig.update_yaxes(visible=False, range=[-1.4, 1.6])
    fig.update_layout(height=int(NORMAL.height * 0.8))
    return fig
