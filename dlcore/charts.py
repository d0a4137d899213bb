"""Chart builders: plain functions from data to ``plotly.graph_objects.Figure``.

Every chart takes ``lang`` (titles and axes come from the text catalogue) and
a ``ChartStyle`` (normal or projector), and draws with the Okabe–Ito palette,
which stays distinguishable for colour-blind viewers.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

from dlcore.markup import plotly_text
from dlcore.spec import ModelSpec
from dlcore.text import t

# Okabe & Ito (2008), "Color Universal Design": blue, vermillion, bluish
# green, orange, reddish purple, sky blue, yellow, black.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#E69F00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)


@dataclass(frozen=True)
class ChartStyle:
    """Sizes that change between a laptop screen and a projector.

    Attributes:
        font_size: Base chart text size in px.
        line_width: Trace line width in px.
        marker_size: Marker diameter in px.
        height: Default figure height in px.
    """

    font_size: int = 14
    line_width: float = 2.0
    marker_size: int = 7
    height: int = 380


# Every chart is drawn on the white template. As Plotly's default it is applied
# when a figure is serialised, to the same JSON; named on each figure, Plotly
# validated the whole template again: ~20 of a live chart's ~40 ms.
pio.templates.default = "plotly_white"

NORMAL = ChartStyle()
PROJECTOR = ChartStyle(font_size=20, line_width=4.0, marker_size=11, height=440)


def apply_layout(fig: go.Figure, style: ChartStyle, title: str, x_title: str, y_title: str) -> go.Figure:
    """Applies the shared look (palette, fonts, margins, titles) to a figure."""
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        font={"size": style.font_size},
        height=style.height,
        margin={"l": 10, "r": 10, "t": 50 + style.font_size, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
        colorway=list(OKABE_ITO),
        uirevision="keep",  # keep the user's zoom while live data arrives
    )
    fig.update_xaxes(title_text=x_title, automargin=True)
    fig.update_yaxes(title_text=y_title, automargin=True)
    return fig


# Sizes of the animated figures' parts as multiples of the font size (px),
# measured on the app's chart font (Source Sans) in Chromium, rounded up.
LINE = 1.35  # one line of text
AXIS_BAND = 4.0  # x tick labels and the axis title below a plot area, and a gap
BELOW_RAIL = 1.0  # slider ticks and labels below its rail: BELOW_RAIL·size + 38 px
LEGEND_ROW = 1.5  # one entry of a legend
LEGEND_WIDTH = 560  # px a legend may fill: the plot width at 1024 px with the sidebar open


def text_width(text: str, size: float) -> float:
    """Estimated width in px of one line of chart text: wide (CJK) characters
    take one em, others half an em (tags such as ``<br>`` take none)."""
    plain = re.sub(r"<[^>]*>", "", text)
    return size * sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in plain)


def legend_grouped(fig: go.Figure) -> bool:
    """Whether Plotly groups the legend: when some trace has a legend group."""
    return any(trace.legendgroup for trace in fig.data)


def legend_height(fig: go.Figure, size: float, width: float = LEGEND_WIDTH) -> float:
    """Height in px of the figure's horizontal legend in ``width`` px, as
    Plotly lays it out.

    An entry is a 40 px symbol, the name and a 5 px gap. A grouped legend
    stacks each group's entries in a block as wide as its widest entry (a
    trace without a group is a block of its own); blocks fill rows left to
    right, 10 px apart. Otherwise entries fill one row if they fit, else rows
    of equal columns as wide as the widest entry.

    Args:
        fig: The figure.
        size: Legend font size in px.
        width: Width the legend may fill.

    Returns:
        The height, 0 without a legend.
    """
    grouped = legend_grouped(fig)
    groups: dict[str, list[float]] = {}
    for i, trace in enumerate(fig.data):
        if trace.showlegend is not False:
            entry = 45 + text_width(trace.name or f"trace {i}", size)
            groups.setdefault((grouped and trace.legendgroup) or f"~{i}", []).append(entry)
    entries = [entry for block in groups.values() for entry in block]
    if fig.layout.showlegend is False or len(entries) < 2:
        return 0.0
    if not grouped:
        if sum(entries) <= width:
            return LEGEND_ROW * size + 10
        per_row = max(1, int(width // max(entries)))
        rows = math.ceil(len(entries) / per_row)
        return rows * LEGEND_ROW * size + 10
    stacked: list[int] = []  # entries stacked in each row's tallest block
    used = width
    for block in groups.values():
        if used + max(block) > width:
            stacked.append(0)
            used = 0.0
        stacked[-1] = max(stacked[-1], len(block))
        used += max(block)
    return sum(stacked) * LEGEND_ROW * size + 10 * (len(stacked) - 1) + 10


def layout_animation(fig: go.Figure, style: ChartStyle, plot_height: float) -> go.Figure:
    """Stacks an animated figure's parts so that none overlaps another at the
    style's text size, and sizes the margins and the height to hold them.

    From the top: the title, the top row's subplot titles, the plot area
    (``plot_height`` px), the x tick labels and axis titles, the buttons
    (left) beside the slider's current value (right), the slider, and a
    horizontal legend. Buttons, slider and legend sit at fixed px offsets
    below the plot area (Plotly places them in fractions of its height).

    Args:
        fig: A figure with ``updatemenus`` and/or ``sliders``.
        style: Chart sizes (its font size is the figure's).
        plot_height: Height of the plot area in px.

    Returns:
        The figure.
    """
    size = style.font_size
    pad = 0.5 * size
    title_size = fig.layout.title.font.size or 1.4 * size  # Plotly's default (Streamlit's is smaller)
    # Subplot titles of the top row stand on the plot area, in the top margin.
    tops = [a for a in fig.layout.annotations if a.text and a.yref == "paper" and a.yanchor == "bottom"]
    tops = [a for a in tops if (a.y or 0) >= 0.999]
    top_lines = max((a.text.count("<br>") + 1 for a in tops), default=0)
    top_size = max((a.font.size or size for a in tops), default=size)
    top = pad + LINE * title_size + pad + top_lines * LINE * top_size
    # Below the plot area, in px from its bottom edge down.
    controls = AXIS_BAND * size  # top of the buttons and of the slider
    buttons = 1.2 * size + 18 if fig.layout.updatemenus else 0.0  # their height
    rail = buttons + 0.3 * size  # the slider's rail runs under the buttons
    slider = rail + BELOW_RAIL * size + 38 if fig.layout.sliders else buttons
    legend = controls + slider + pad
    bottom = legend + legend_height(fig, size) + pad

    def paper(px: float) -> float:
        # Plotly's y of a point px below the plot area, in plot-area heights.
        return -px / plot_height

    fig.update_layout(
        height=round(top + plot_height + bottom),
        margin={"t": round(top), "b": round(bottom)},
        title={"yref": "container", "y": 1.0, "yanchor": "top", "pad": {"t": pad}},
        legend={
            "orientation": "h",
            "traceorder": "grouped" if legend_grouped(fig) else "normal",  # as legend_height expects
            "font": {"size": size},
            "x": 0.0,
            "xanchor": "left",
            "y": paper(legend),
            "yanchor": "top",
        },
    )
    for menu in fig.layout.updatemenus:
        menu.update(x=0.0, xanchor="left", y=paper(controls), yanchor="top", pad={"t": 0, "r": 0, "b": 0, "l": 0})
    for bar in fig.layout.sliders:
        bar.update(
            x=0.0,
            len=1.0,
            xanchor="left",
            y=paper(controls),
            yanchor="top",
            pad={"t": 0, "b": 0},
            currentvalue={"xanchor": "right", "offset": max(0.0, rail - LINE * size), "font": {"size": size}},
        )
    return fig


def _finite(values: Sequence[float | None]) -> list[float | None]:
    return [v if v is not None and math.isfinite(v) else None for v in values]


def best_epoch_marker(
    history: Mapping[str, Sequence[float | None]],
    best_epoch: int | None,
    *,
    lang: str,
    style: ChartStyle = NORMAL,
) -> go.Scatter | None:
    """A star on the validation loss at the best epoch, or None without one."""
    val = _finite(history.get("val_loss", []))
    if best_epoch is None or not 0 < best_epoch <= len(val) or val[best_epoch - 1] is None:
        return None
    return go.Scatter(
        x=[best_epoch],
        y=[val[best_epoch - 1]],
        name=t("chart.best_epoch", lang, epoch=best_epoch),
        mode="markers",
        marker={"symbol": "star", "size": style.marker_size * 2.2, "color": OKABE_ITO[2]},
    )


def loss_figure(
    history: Mapping[str, Sequence[float | None]],
    *,
    lang: str,
    total_epochs: int,
    loss_name: str,
    best_epoch: int | None = None,
    stopped_epoch: int | None = None,
    compare: Mapping[str, Sequence[float | None]] | None = None,
    compare_label: str | None = None,
    style: ChartStyle = NORMAL,
) -> go.Figure:
    """Training and validation loss per epoch, as Keras's History holds them.

    The x axis spans all planned epochs from the start, so the chart does not
    rescale while epochs arrive.

    Args:
        history: ``{"loss": [...], "val_loss": [...]}`` (epoch 1 first).
        lang: Text language.
        total_epochs: Planned epochs (x axis range).
        loss_name: Key of the loss (``"mae"``, ...), shown on the y axis.
        best_epoch: Epoch of the lowest validation loss, marked if given.
        stopped_epoch: Epoch at which EarlyStopping stopped, marked if given.
        compare: Another run's history, drawn dotted for comparison.
        compare_label: Legend name of that run.
        style: Chart sizes.

    Returns:
        The figure.
    """
    fig = go.Figure()
    if compare:
        val = _finite(compare.get("val_loss", []))
        fig.add_trace(
            go.Scatter(
                x=list(range(1, len(val) + 1)),
                y=val,
                name=compare_label or t("chart.previous_run", lang),
                mode="lines",
                line={"color": "#999999", "width": style.line_width, "dash": "dot"},
            )
        )
    for name, color, label in (
        ("loss", OKABE_ITO[0], t("chart.train_loss", lang)),
        ("val_loss", OKABE_ITO[1], t("chart.valid_loss", lang)),
    ):
        values = _finite(history.get(name, []))
        fig.add_trace(
            go.Scatter(
                x=list(range(1, len(values) + 1)),
                y=values,
                name=label,
                mode="lines+markers" if len(values) <= 60 else "lines",
                line={"color": color, "width": style.line_width},
                marker={"size": style.marker_size},
            )
        )
    star = best_epoch_marker(history, best_epoch, lang=lang, style=style)
    if star is not None:
        fig.add_trace(star)
    if stopped_epoch is not None:
        fig.add_vline(
            x=stopped_epoch,
            line={"dash": "dash", "color": OKABE_ITO[7], "width": max(1.0, style.line_width / 2)},
            annotation_text=t("chart.stopped_here", lang, epoch=stopped_epoch),
            annotation_position="top left",
        )
    fig = apply_layout(
        fig,
        style,
        t("chart.loss_title", lang),
        t("chart.epoch", lang),
        t("chart.loss_axis", lang, loss=t(f"loss.{loss_name}", lang)),
    )
    fig.update_xaxes(range=[0.5, max(total_epochs, 1) + 0.5])
    return fig


def runs_figure(
    runs: Sequence[tuple[str, Sequence[float | None]]],
    *,
    lang: str,
    style: ChartStyle = NORMAL,
) -> go.Figure:
    """Validation-loss curves of several runs, overlaid, each minimum starred.

    Args:
        runs: ``(label, val_loss list)`` pairs; a label is plain text (it
            may hold an uploaded file's name), shown as it is.
        lang: Text language.
        style: Chart sizes.

    Returns:
        The figure.
    """
    fig = go.Figure()
    for i, (text, values) in enumerate(runs):
        label = plotly_text(text)
        color = OKABE_ITO[i % len(OKABE_ITO)]
        clean = _finite(values)
        fig.add_trace(
            go.Scatter(
                x=list(range(1, len(clean) + 1)),
                y=clean,
                name=label,
                mode="lines",
                line={"color": color, "width": style.line_width},
                legendgroup=label,
            )
        )
        finite = [(v, e) for e, v in enumerate(clean, 1) if v is not None]
        if finite:
            best, epoch = min(finite)
            fig.add_trace(
                go.Scatter(
                    x=[epoch],
                    y=[best],
                    mode="markers",
                    marker={"symbol": "star", "size": style.marker_size * 2, "color": color},
                    showlegend=False,
                    legendgroup=label,
                    hovertemplate=f"{label}<br>{t('chart.epoch', lang)} %{{x}}: %{{y:.4f}}<extra></extra>",
                )
            )
    return apply_layout(fig, style, t("chart.runs_title", lang), t("chart.epoch", lang), t("chart.valid_loss", lang))


def prediction_figure(
    actual: Sequence[float],
    predicted: Sequence[float],
    *,
    lang: str,
    unit: str,
    style: ChartStyle = NORMAL,
) -> go.Figure:
    """Predicted against actual values with the diagonal y = x.

    Args:
        actual: True values.
        predicted: The model's predictions, same order.
        lang: Text language.
        unit: Axis unit label (e.g. "quality", or an uploaded column's
            name: shown as text).
        style: Chart sizes.

    Returns:
        The figure.
    """
    low = min(min(actual), min(predicted))
    high = max(max(actual), max(predicted))
    fig = go.Figure(
        [
            go.Scatter(
                x=[low, high],
                y=[low, high],
                mode="lines",
                name=t("chart.perfect", lang),
                line={"color": OKABE_ITO[7], "dash": "dash", "width": style.line_width / 2},
            ),
            go.Scatter(
                x=list(actual),
                y=list(predicted),
                mode="markers",
                name=t("chart.validation_rows", lang),
                marker={"color": OKABE_ITO[0], "size": style.marker_size, "opacity": 0.45},
            ),
        ]
    )
    return apply_layout(
        fig,
        style,
        t("chart.pred_title", lang),
        t("chart.actual", lang, unit=plotly_text(unit)),
        t("chart.predicted", lang, unit=plotly_text(unit)),
    )


def architecture_figure(spec: ModelSpec, *, lang: str, style: ChartStyle = NORMAL) -> go.Figure:
    """A left-to-right sketch of the network: one column of nodes per layer.

    Dense layers show up to 8 nodes (the rest as "…"); BatchNormalization,
    Activation and Dropout are drawn as labelled bars between them.

    Args:
        spec: The model spec.
        lang: Text language.
        style: Chart sizes.

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
                fig.add_annotation(x=x, y=-1.2, text="⋮", showarrow=False, font={"size": style.font_size})
            previous, previous_x = ys, x
        fig.add_annotation(
            x=x,
            y=1.25 if x % 2 == 0 else 1.45,
            text=label,
            showarrow=False,
            font={"size": max(10, style.font_size - 3)},
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
            marker={"size": style.marker_size * 2, "color": OKABE_ITO[0], "line": {"width": 1, "color": "white"}},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig = apply_layout(fig, style, t("arch.title", lang, params=f"{spec.param_count():,}"), "", "")
    fig.update_xaxes(visible=False, range=[-0.6, len(columns) - 0.4])
    fig.update_yaxes(visible=False, range=[-1.4, 1.6])
    fig.update_layout(height=int(style.height * 0.8))
    return fig
