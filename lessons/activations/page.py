"""Activation functions: Keras's curves and derivatives, one neuron, and why
a network needs non-linearity."""

import math
from collections.abc import Callable
from typing import Any

import streamlit as st

from dlcore.runtime.tasks import Task
from dlcore.spec import ACTIVATIONS
from dlcore.text import t
from lessons.activations.figures import curves_figure, neuron_figure, nonlinear_figure
from lessons.activations.model import (
    FIT_BATCH_SIZE,
    FIT_LEARNING_RATE,
    FIT_POINTS,
    FIT_REPEATS,
    FIT_WIDTH,
    FORMULAS,
    TARGETS,
    curves_code,
    curves_payload,
    fit_code,
    label,
    least_squares_line,
    neuron_latex,
    nonlinear_payload,
)
from ui import controls
from ui.charts import show
from ui.compute import ComputeError, compute, show_compute_error
from ui.frame import page_end, page_frame

PAGE = "activations"
SEED = 0  # the demo networks' random seed


def render() -> None:
    """Lay out the page, top to bottom (served by ``pages/2_activations.py``)."""
    lang = page_frame(PAGE)
    st.title(f"📈 {t('lesson.activations.title', lang)}")
    controls.explain(t("act.intro", lang))
    name = _functions_section(lang)
    _neuron_section(name, lang)
    _nonlinearity_section(lang)
    page_end(lang)


def _names(lang: str) -> Callable[[str], str]:
    """Shows an activation key by its name, for a widget's ``format_func``."""
    return lambda name: label(name, lang)


def _computed(task: Task, payload: dict[str, Any], running: str, lang: str) -> dict[str, Any] | None:
    """The worker's result under a spinner, or ``None`` after showing why it failed."""
    try:
        with st.spinner(running):
            return compute(task, payload)
    except ComputeError as exc:
        show_compute_error(exc, lang)
        return None


def _functions_section(lang: str) -> str:
    """The chosen function's formula, its curve and derivative beside any it
    is compared with, and the Keras code behind them.

    Returns:
        The chosen activation's key (the next section uses it too).
    """
    st.header(t("act.curves.header", lang))
    # Rows wrap onto more lines when the page is narrow (a projector's large type).
    with st.container(horizontal=True, gap="medium"):
        name = controls.selectbox(t("act.name", lang), list(ACTIVATIONS), key="act_name", format_func=_names(lang))
        compare = controls.multiselect(
            t("act.compare", lang),
            list(ACTIVATIONS),
            key="act_compare",
            format_func=_names(lang),
            help=t("act.compare_help", lang),
        )
    st.latex(FORMULAS[name])
    controls.explain(t(f"act.note.{name}", lang))
    payload = curves_payload([name, *(n for n in compare if n != name)])
    curves = _computed(Task.ACTIVATION_CURVES, payload, t("compute.running", lang), lang)
    if curves is not None:
        show(curves_figure(curves, name, lang=lang), key="act_curves_chart")
        st.caption(t("act.curves.caption", lang, name=ACTIVATIONS[name]))
    with st.expander(t("act.curves.code", lang)):
        st.code(curves_code(name), language="python", wrap_lines=True)
    return name


def _neuron_section(name: str, lang: str) -> None:
    """One neuron a(wx + b): sliders for w and b, its formula and its output."""
    st.header(t("act.neuron.header", lang))
    controls.explain(t("act.neuron.intro", lang))
    with st.container(horizontal=True, gap="medium"):
        w = controls.slider(t("act.neuron.w", lang), -3.0, 3.0, 1.0, step=0.1, key="act_w")
        b = controls.slider(t("act.neuron.b", lang), -3.0, 3.0, 0.0, step=0.1, key="act_b")
    st.latex(neuron_latex(name, w, b))
    st.caption(t("act.neuron.uses", lang, name=label(name, lang)))
    neuron = _computed(Task.ACTIVATION_CURVES, curves_payload([name], w, b), t("compute.running", lang), lang)
    if neuron is not None:
        show(neuron_figure(neuron, name, w, b, lang=lang), key="act_neuron_chart")


def _nonlinearity_section(lang: str) -> None:
    """Why non-linearity matters: stacked linear layers collapse into one
    line, while a non-linear network fits a curved target."""
    st.header(t("act.fit.header", lang))
    controls.explain(t("act.fit.intro", lang))
    st.latex(  # on three lines, so it fits a narrow page
        r"\begin{aligned}&W_3\big(W_2(W_1x + b_1) + b_2\big) + b_3\\"
        r"&= \underbrace{(W_3W_2W_1)}_{w}\,x\\"
        r"&\quad + \underbrace{(W_3W_2b_1 + W_3b_2 + b_3)}_{b}\end{aligned}"
    )
    controls.explain(t("act.fit.intro2", lang))
    with st.container(horizontal=True, gap="medium"):
        target = controls.selectbox(
            t("act.fit.target_choice", lang),
            list(TARGETS),
            key="act_target",
            format_func=lambda k: t(f"act.target.{k}", lang),
        )
        activation = controls.selectbox(
            t("act.fit.activation", lang),
            [n for n in ACTIVATIONS if n != "linear"],
            key="act_fit_activation",
            format_func=_names(lang),
        )
    fit = _computed(Task.NONLINEAR_FIT, nonlinear_payload(target, activation, SEED), t("act.fit.training", lang), lang)
    if fit is not None:
        _fit_outcome(fit, activation, lang)
    with st.expander(t("act.fit.code", lang)):
        st.code(fit_code(activation), language="python", wrap_lines=True)


def _fit_outcome(fit: dict[str, Any], activation: str, lang: str) -> None:
    """The fits' chart, the three MSEs (linear network, non-linear network,
    least-squares line), a verdict and how the networks were trained."""
    linear_mse = fit["fits"]["linear"]["mse"]
    act_mse = fit["fits"][activation]["mse"]
    line_mse = least_squares_line(fit["x"], fit["y"])[2]
    show(nonlinear_figure(fit, lang=lang), key="act_fit_chart")
    with st.container(horizontal=True, gap="medium"):
        st.metric(t("act.fit.mse_network", lang, name=label("linear", lang)), f"{linear_mse:.4f}", width="content")
        st.metric(t("act.fit.mse_network", lang, name=label(activation, lang)), f"{act_mse:.4f}", width="content")
        st.metric(
            t("act.fit.mse_line", lang), f"{line_mse:.4f}", help=t("act.fit.mse_line_help", lang), width="content"
        )
    # How many times smaller the non-linear network's error is than the linear one's.
    ratio = linear_mse / act_mse if act_mse > 0 else math.inf
    values = {"linear": linear_mse, "line": line_mse, "act": act_mse, "name": label(activation, lang), "ratio": ratio}
    if ratio >= 5:
        st.success(t("act.fit.verdict", lang, **values))
    else:
        st.warning(t("act.fit.verdict_weak", lang, **values))
    st.caption(_fit_caption(lang))


def _fit_caption(lang: str) -> str:
    """How the demo networks train: width, learning rate, Adam steps
    (⌈points · repeats / batch⌉ minibatches in the one long epoch), batch and seed."""
    return t(
        "act.fit.caption",
        lang,
        width=FIT_WIDTH,
        lr=FIT_LEARNING_RATE,
        steps=math.ceil(FIT_POINTS * FIT_REPEATS / FIT_BATCH_SIZE),
        batch=FIT_BATCH_SIZE,
        points=FIT_POINTS,
        repeats=FIT_REPEATS,
        seed=SEED,
    )
