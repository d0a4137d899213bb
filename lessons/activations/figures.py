"""Charts of the activations lesson, drawn from what the worker returns.

* ``curves_figure``: the functions a(x) (left) and their derivatives a′(x)
  (right), as Keras computes them.
* ``neuron_figure``: one neuron's output a(wx + b) over the line wx + b.
* ``nonlinear_figure``: a curved target, the linear network's and the
  non-linear network's fits, and the least-squares line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dlcore.figures.style import NORMAL, OKABE_ITO, apply_layout
from dlcore.spec import ACTIVATIONS
from dlcore.text import t
from lessons.activations.model import X_MAX, X_MIN, label, least_squares_line

ZERO_LINE = {"zeroline": True, "zerolinecolor": "#888"}
# The panels of the curve chart: column, the result's key, the suffix of the
# hover name (a for the function, a′ for its derivative).
CURVE_PANELS = ((1, "y", ""), (2, "dy", "′"))


# ------------------------------------------------------------------ the curves


def _curve_line(name: str, selected: str) -> dict[str, Any]:
    """Each function keeps its colour on every chart (its place in
    ``ACTIVATIONS``); the selected one is bold, any others thinner and dashed."""
    color = OKABE_ITO[list(ACTIVATIONS).index(name) % len(OKABE_ITO)]
    line = {"color": color, "width": NORMAL.line_width * (1.6 if name == selected else 1.0)}
    if name != selected:
        line["dash"] = "dash"
    return line


def _add_curve_traces(fig: go.Figure, result: Mapping[str, Any], selected: str, lang: str) -> None:
    """The selected function first, then the others; each as a(x) in the left
    panel (named in the legend) and a′(x) in the right one (same legend group)."""
    x = list(result["x"])
    names = [selected, *(n for n in result["curves"] if n != selected)]
    for name in names:
        curve, line = result["curves"][name], _curve_line(name, selected)
        for col, key, suffix in CURVE_PANELS:
            trace = go.Scatter(
                x=x,
                y=list(curve[key]),
                mode="lines",
                name=label(name, lang),
                legendgroup=name,
                showlegend=col == 1,
                line=line,
                hovertemplate=f"{label(name, lang)}{suffix}(%{{x:.2f}}) = %{{y:.4f}}<extra></extra>",
            )
            fig.add_trace(trace, row=1, col=col)


def _curve_axes(fig: go.Figure, lang: str) -> None:
    """x under both panels; "function" and "derivative" on the y axes; zero lines drawn."""
    for col, y_title in ((1, t("act.chart.function", lang)), (2, t("act.chart.derivative", lang))):
        fig.update_xaxes(title_text="x", **ZERO_LINE, row=1, col=col)
        fig.update_yaxes(title_text=y_title, **ZERO_LINE, row=1, col=col)


def curves_figure(
    result: Mapping[str, Any],
    selected: str,
    *,
    lang: str,
) -> go.Figure:
    """The activation (left) and its derivative (right), side by side.

    The selected function is drawn bold, any others thinner and dashed.

    Args:
        result: ``activation_curves`` output (``x`` and ``curves``).
        selected: The highlighted activation's key.
        lang: Text language.

    Returns:
        The figure.
    """
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.08)
    _add_curve_traces(fig, result, selected, lang)
    apply_layout(fig, t("act.chart.title", lang, name=label(selected, lang)), "", "")
    _curve_axes(fig, lang)
    return fig


# ------------------------------------------------------------------ one neuron


def _neuron_traces(result: Mapping[str, Any], name: str, w: float, b: float, lang: str) -> list[go.Scatter]:
    """The line z = wx + b (dotted) and the neuron's output a(z) (bold)."""
    x = list(result["x"])
    numbers = {"w": f"{w:g}", "b": f"{b:g}"}
    line = go.Scatter(
        x=x,
        y=list(result["z"]),
        mode="lines",
        name=t("act.neuron.line", lang, **numbers),
        line={"color": OKABE_ITO[7], "width": NORMAL.line_width / 1.5, "dash": "dot"},
    )
    output = go.Scatter(
        x=x,
        y=list(result["curves"][name]["y"]),
        mode="lines",
        name=t("act.neuron.output", lang, name=label(name, lang), **numbers),
        line={"color": OKABE_ITO[1], "width": NORMAL.line_width * 1.6},
    )
    return [line, output]


def _add_zero_crossing(fig: go.Figure, w: float, b: float, lang: str) -> None:
    """A dashed vertical line where wx + b = 0, i.e. at x = −b/w, when that
    lies in the window: where ReLU's kink (and every function's "centre")
    sits once the neuron has shifted and stretched it."""
    if w == 0 or not X_MIN <= -b / w <= X_MAX:
        return
    crossing = -b / w + 0.0  # + 0.0 turns −0.0 into 0.0
    fig.add_vline(
        x=crossing,
        line={"dash": "dash", "color": OKABE_ITO[2], "width": max(1.0, NORMAL.line_width / 2)},
        annotation_text=t("act.neuron.zero", lang, x=f"{crossing:.2f}"),
        annotation_position="top right",
    )


def neuron_figure(
    result: Mapping[str, Any],
    name: str,
    w: float,
    b: float,
    *,
    lang: str,
) -> go.Figure:
    """One neuron's output activation(wx + b) over x, with the line wx + b.

    Args:
        result: ``activation_curves`` output for ``[name]`` with this w and b.
        name: Activation key.
        w: Weight.
        b: Bias.
        lang: Text language.

    Returns:
        The figure.
    """
    fig = go.Figure(_neuron_traces(result, name, w, b, lang))
    _add_zero_crossing(fig, w, b, lang)
    apply_layout(fig, t("act.neuron.title", lang, name=label(name, lang)), "x", t("act.neuron.y", lang))
    fig.update_yaxes(range=[-3.2, 3.2], **ZERO_LINE)
    return fig


# ------------------------------------------------------------ non-linearity


def _target_trace(x: list[float], y: list[float], lang: str) -> go.Scatter:
    """The target's points, small and faint, under the fits."""
    return go.Scatter(
        x=x,
        y=y,
        mode="markers",
        name=t("act.fit.target", lang),
        marker={"color": OKABE_ITO[7], "size": NORMAL.marker_size * 0.6, "opacity": 0.55},
    )


def _best_line_trace(x: list[float], y: list[float], lang: str) -> go.Scatter:
    """The least-squares line y = ax + c across the window: the best any stack
    of linear layers can do."""
    slope, intercept, _ = least_squares_line(x, y)
    return go.Scatter(
        x=[x[0], x[-1]],
        y=[slope * x[0] + intercept, slope * x[-1] + intercept],
        mode="lines",
        name=t("act.fit.best_line", lang),
        line={"color": "#999999", "width": NORMAL.line_width, "dash": "dot"},
    )


def _fit_traces(x: list[float], fits: Mapping[str, Any], lang: str) -> list[go.Scatter]:
    """Each network's prediction, named with its MSE: the linear one in
    blue, the non-linear one in vermillion."""
    colors = {"linear": OKABE_ITO[0]}
    return [
        go.Scatter(
            x=x,
            y=list(fit["prediction"]),
            mode="lines",
            name=t("act.fit.network", lang, name=label(name, lang), mse=fit["mse"]),
            line={"color": colors.get(name, OKABE_ITO[1]), "width": NORMAL.line_width * 1.5},
        )
        for name, fit in fits.items()
    ]


def nonlinear_figure(
    result: Mapping[str, Any],
    *,
    lang: str,
) -> go.Figure:
    """The target, both networks' fits and the least-squares line in one chart.

    Args:
        result: ``fit_nonlinear`` output (``x``, ``y`` and ``fits``).
        lang: Text language.

    Returns:
        The figure.
    """
    x, y = list(result["x"]), list(result["y"])
    traces = [_target_trace(x, y, lang), _best_line_trace(x, y, lang), *_fit_traces(x, result["fits"], lang)]
    return apply_layout(go.Figure(traces), t("act.fit.title", lang), "x", "y")
