"""The class board's figures: every validation curve of a lesson overlaid
(the top three highlighted), parameter count against the validation metric,
and the class sweep's heatmap.

Display names are a student's own text: they reach the figures through
``plotly_text`` only (legend entries and hover labels render a subset of HTML).
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from dlcore.board.rows import TOP, BoardRow
from dlcore.board.sweep import Heatmap
from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.markup import plotly_text
from dlcore.text import t

OTHERS = "#BBBBBB"  # the runs outside the top three: present, quiet
BEST_COLOURS = OKABE_ITO[:TOP]


def _hover(row: BoardRow) -> str:
    """A run's hover label: its student and model, as text."""
    return f"{plotly_text(row.name)}<br>{plotly_text(row.model)}"


def _top(rows: Sequence[BoardRow]) -> list[BoardRow]:
    return [row for row in rows if row.rank is not None and row.rank <= TOP]


def curves_figure(rows: Sequence[BoardRow], *, metric: str, lang: str) -> go.Figure:
    """Every run's validation metric per epoch; the top three in colour, on top.

    Args:
        rows: One ranked leaderboard.
        metric: The metric's name (the y axis).
        lang: Text language.

    Returns:
        The figure.
    """
    fig = go.Figure()
    top = _top(rows)
    # The other runs share one grey trace, each curve ended by a gap (None):
    # a class's 300 curves cost one trace to build, not 300.
    x: list[int | None] = []
    y: list[float | None] = []
    text: list[str] = []
    for row in rows:
        if row in top:
            continue
        x += [*range(1, len(row.curve) + 1), None]
        y += [*row.curve, None]
        text += [_hover(row)] * (len(row.curve) + 1)
    if x:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                name=t("board.fig.others", lang),
                line={"color": OTHERS, "width": NORMAL.line_width / 2},
                showlegend=False,
                connectgaps=False,
                text=text,
                hovertemplate="%{text}<br>%{x}: %{y:.4f}<extra></extra>",
            )
        )
    for row in sorted(top, key=lambda r: r.rank or 0):
        label = f"{row.rank}. {plotly_text(row.name)}"
        fig.add_trace(
            go.Scatter(
                x=list(range(1, len(row.curve) + 1)),
                y=list(row.curve),
                mode="lines",
                name=label,
                line={"color": BEST_COLOURS[(row.rank or 1) - 1], "width": NORMAL.line_width * 1.5},
                text=[_hover(row)] * len(row.curve),
                hovertemplate="%{text}<br>%{x}: %{y:.4f}<extra></extra>",
            )
        )
    fig = apply_layout(fig, t("board.fig.curves", lang), t("chart.epoch", lang), metric)
    fig.update_layout(showlegend=bool(top))  # the top three are named even when one run is all there is
    return fig


def scatter_figure(rows: Sequence[BoardRow], *, metric: str, lang: str) -> go.Figure:
    """Parameter count (log scale) against the best validation metric, one point per run.

    Args:
        rows: One ranked leaderboard.
        metric: The metric's name (the y axis).
        lang: Text language.

    Returns:
        The figure.
    """
    shown = [row for row in rows if row.metric is not None and row.params is not None]
    top = _top(shown)
    others = [row for row in shown if row not in top]
    fig = go.Figure()
    if others:
        fig.add_trace(
            go.Scatter(
                x=[row.params for row in others],
                y=[row.metric for row in others],
                mode="markers",
                name=t("board.fig.others", lang),
                marker={"color": OTHERS, "size": NORMAL.marker_size * 1.3, "line": {"color": "#777777", "width": 1}},
                text=[_hover(row) for row in others],
                hovertemplate="%{text}<br>%{x:,} · %{y:.4f}<extra></extra>",
            )
        )
    for row in sorted(top, key=lambda r: r.rank or 0):
        fig.add_trace(
            go.Scatter(
                x=[row.params],
                y=[row.metric],
                mode="markers",
                name=f"{row.rank}. {plotly_text(row.name)}",
                marker={"color": BEST_COLOURS[(row.rank or 1) - 1], "size": NORMAL.marker_size * 2, "symbol": "star"},
                text=[_hover(row)],
                hovertemplate="%{text}<br>%{x:,} · %{y:.4f}<extra></extra>",
            )
        )
    fig = apply_layout(fig, t("board.fig.scatter", lang), t("board.fig.params", lang), metric)
    fig.update_layout(showlegend=bool(shown))
    fig.update_xaxes(type="log")
    return fig


def heatmap_figure(data: Heatmap, *, metric: str, x_title: str, y_title: str, lang: str) -> go.Figure:
    """The sweep's heatmap: each cell's best validation metric and its count of runs.

    Args:
        data: The cells (``dlcore.board.sweep.heatmap``).
        metric: The metric's name (colour bar).
        x_title: The column control's name.
        y_title: The row control's name ("" for a one-control sweep).
        lang: Text language.

    Returns:
        The figure (a cell without runs stays empty, labelled "–").
    """
    x = [str(v) for v in data.x_values]
    y = [str(v) for v in data.y_values]
    text = [
        [
            t("board.fig.cell", lang, best=best, runs=runs)
            if best is not None
            else t("board.fig.cell_empty", lang, runs=runs)
            for best, runs in zip(best_row, runs_row, strict=True)
        ]
        for best_row, runs_row in zip(data.best, data.runs, strict=True)
    ]
    fig = go.Figure(
        go.Heatmap(
            x=x,
            y=y,
            z=[list(row) for row in data.best],
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{x} · %{y}<br>%{text}<extra></extra>",
            colorscale="Viridis",
            reversescale=True,  # the best (lowest) cell is the brightest
            colorbar={"title": {"text": metric, "side": "right"}},
            xgap=3,
            ygap=3,
        )
    )
    fig = apply_layout(fig, t("board.fig.heatmap", lang), x_title, y_title)
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category", autorange="reversed")
    return fig
