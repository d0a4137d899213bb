"""TensorBoard's "distributions" view: how each Dense layer's weights and
biases spread out over the epochs, as nested percentile bands around the
median (darker towards the middle), one small chart per layer and kind."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dlcore.curve_stats import MEDIAN_INDEX, PERCENTILES
from dlcore.figures.style import NORMAL, apply_layout
from dlcore.text import t

KINDS = ("kernel", "bias")
ROW_HEIGHT = 180  # px per layer: small multiples, as TensorBoard's cards
ROW_GAP = 55  # px between two rows, for the lower row's title
# Band opacity from the outermost (min–max) to the innermost (±0.5σ) pair.
BAND_OPACITIES = (0.15, 0.25, 0.35, 0.5)


def _rgba(colour: str, alpha: float) -> str:
    """``#RRGGBB`` with an alpha, as Plotly's ``fillcolor`` takes it."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def layer_labels(samples: Sequence[tuple[int, Sequence[dict[str, Any]]]], units: Sequence[int] | None, lang: str) -> list[str]:
    """``Dense 1 (64)``, …, the output last, as the model summary names them."""
    count = len(samples[-1][1]) if samples else 0
    labels = []
    for i in range(count):
        size = f" ({units[i]})" if units is not None and i < len(units) else ""
        key = "dist.output" if i == count - 1 else "dist.hidden"
        labels.append(t(key, lang, index=i + 1, size=size))
    return labels


def distributions_figure(
    samples: Sequence[tuple[int, Sequence[dict[str, Any]]]],
    *,
    lang: str,
    colour: str,
    units: Sequence[int] | None = None,
) -> go.Figure:
    """Percentile bands of every Dense layer's kernel (left) and bias (right) over epochs.

    Args:
        samples: ``(epoch, layers)`` pairs in epoch order, where ``layers``
            holds per Dense layer ``{"kernel": [...], "bias": [...]}``, the
            ``dlcore.curve_stats.PERCENTILES`` of its values
            (``dlcore.runtime.histogram_probe``).
        lang: Text language.
        colour: The run's colour (``dlcore.figures.curves.run_colour``).
        units: Units per Dense layer, for the row labels.

    Returns:
        The figure: one row per layer, the median a line, the bands filled.
    """
    labels = layer_labels(samples, units, lang)
    rows = max(len(labels), 1)
    titles = [t(f"dist.{kind}", lang, layer=label) for label in labels for kind in KINDS]
    # The epochs are shared down each column (tick labels only under the
    # last row); the gap between rows leaves room for the next row's title
    # at projector size.
    fig = make_subplots(
        rows=rows,
        cols=2,
        subplot_titles=titles or None,
        shared_xaxes=True,
        horizontal_spacing=0.08,
        vertical_spacing=min(0.3, ROW_GAP / (ROW_HEIGHT * rows)),
    )
    epochs = [int(epoch) for epoch, _ in samples]
    for row in range(1, len(labels) + 1):
        for col, kind in enumerate(KINDS, 1):
            series = [layers[row - 1].get(kind) or [] for _, layers in samples]
            if any(len(values) != len(PERCENTILES) for values in series):
                continue  # a layer without a bias
            _add_bands(fig, epochs, series, colour, row=row, col=col, lang=lang)
    apply_layout(fig, t("dist.title", lang), "", "")
    fig.update_layout(height=80 + ROW_HEIGHT * rows, showlegend=False, margin={"t": 90})
    fig.update_xaxes(title_text=t("chart.epoch", lang), row=rows)
    fig.update_annotations(font_size=NORMAL.font_size - 1)
    return fig


def _add_bands(
    fig: go.Figure,
    epochs: list[int],
    series: list[list[float]],
    colour: str,
    *,
    row: int,
    col: int,
    lang: str,
) -> None:
    """The nested bands (outermost first) and the median of one chart."""
    last = len(PERCENTILES) - 1
    for depth, alpha in enumerate(BAND_OPACITIES):
        low, high = depth, last - depth
        fig.add_trace(
            go.Scatter(x=epochs, y=[v[low] for v in series], mode="lines", line={"width": 0}, hoverinfo="skip"),
            row=row,
            col=col,
        )
        fig.add_trace(
            go.Scatter(
                x=epochs,
                y=[v[high] for v in series],
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor=_rgba(colour, alpha),
                hoverinfo="skip",
            ),
            row=row,
            col=col,
        )
    fig.add_trace(
        go.Scatter(
            x=epochs,
            y=[v[MEDIAN_INDEX] for v in series],
            mode="lines",
            line={"color": colour, "width": NORMAL.line_width * 0.75},
            customdata=[[v[0], v[last]] for v in series],
            hovertemplate=(
                f"{t('chart.epoch', lang)} %{{x}}<br>{t('dist.median', lang)} %{{y:.4g}}<br>"
                f"{t('dist.min', lang)} %{{customdata[0]:.4g}} · {t('dist.max', lang)} %{{customdata[1]:.4g}}<extra></extra>"
            ),
        ),
        row=row,
        col=col,
    )
