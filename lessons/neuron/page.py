"""The neuron: the linear unit y = wx + b by hand, fitted by Keras, and with
three inputs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from dlcore.data import WINE_FEATURES, SplitData, wine_split
from dlcore.runtime.tasks import Task
from dlcore.text import t
from lessons.neuron.figures import contributions_figure, fit_animation_figure, line_figure
from lessons.neuron.model import (
    B_RANGE,
    BATCH_SIZE,
    DEFAULT_FEATURE,
    FIT_LEARNING_RATE,
    MULTI_DEFAULTS,
    MULTI_FIT_EPOCHS,
    MULTI_FIT_LEARNING_RATE,
    MULTI_W_RANGE,
    W_RANGE,
    course_multi_code,
    errors,
    feature_data,
    fit_code,
    fit_payload,
    least_squares,
    modern_multi_code,
    multi_slider_values,
    predict,
    raw_range,
    raw_value,
    slider_value,
)
from ui import controls
from ui.charts import show
from ui.compute import ComputeError, compute, show_compute_error
from ui.frame import page_end, page_frame

PAGE = "neuron"
MAX_UI_EPOCHS = 100
START_W, START_B = 1.0, 0.0
MULTI_START_WEIGHTS = (0.5, -0.5, 0.5)
MULTI_START_BIAS = 0.3
SUBSCRIPTS = "₀₁₂"
INPUT_BLOCK_PX = 240  # width of one input's feature and weight controls


@dataclass(frozen=True)
class HandLine:
    """The line set by hand, and its data: where the Keras fit starts.

    Attributes:
        feature: The input feature.
        w: Weight (slope).
        b: Bias.
        x_column: The feature (scaled), shape ``(n, 1)``.
        y: Quality (scaled), shape ``(n,)``.
    """

    feature: str
    w: float
    b: float
    x_column: np.ndarray
    y: np.ndarray

    @property
    def x(self) -> np.ndarray:
        """The feature as a vector, shape ``(n,)``."""
        return self.x_column[:, 0]


@dataclass(frozen=True)
class ThreeInputUnit:
    """The three-input unit y = w₀x₀ + w₁x₁ + w₂x₂ + b as the sliders set it."""

    features: list[str]
    weights: list[float]
    bias: float


def render() -> None:
    """Lay out the page, top to bottom (served by ``pages/1_neuron.py``)."""
    lang = page_frame(PAGE)
    split = wine_split()
    n_train = len(split.y_train)
    _intro(lang)
    hand = _line_by_hand(lang, n_train, split.target_range)
    _keras_fit(lang, hand, n_train)
    _several_inputs(lang, split)
    page_end(lang)


def _intro(lang: str) -> None:
    """Title, introduction and the unit's formula."""
    st.title(f"🔵 {t('lesson.neuron.title', lang)}")
    controls.explain(t("neuron.intro", lang))
    st.latex(r"y = w\,x + b")


# ----------------------------------------------------------------- by hand


def _line_by_hand(lang: str, n_train: int, quality_span: float) -> HandLine:
    """The line y = wx + b set with sliders: its MAE and MSE and its chart.

    Args:
        lang: Text language.
        n_train: Wines in the training split.
        quality_span: Quality points from the lowest to the highest wine
            (turns the scaled MAE into points).

    Returns:
        The line and its data.
    """
    st.header(t("neuron.hand.header", lang))
    controls.explain(t("neuron.hand.explain", lang))
    # Rows wrap onto more lines when the page is narrow (a projector's large type).
    with st.container(horizontal=True, gap="medium"):
        feature = controls.selectbox(
            t("neuron.feature", lang),
            list(WINE_FEATURES),
            index=WINE_FEATURES.index(DEFAULT_FEATURE),
            key="neuron_feature",
        )
        # The "use Keras's values" button below sets these two from its callback.
        w = controls.slider(t("neuron.w", lang), *W_RANGE, START_W, step=0.01, key="neuron_w")
        b = controls.slider(t("neuron.b", lang), *B_RANGE, START_B, step=0.01, key="neuron_b")
    st.caption(t(f"data.column.{feature}", lang))
    x_column, y = feature_data([feature])
    hand = HandLine(feature, w, b, x_column, y)
    mae, mse = errors(y, predict(x_column, [w], b))
    with st.container(horizontal=True, gap="medium", vertical_alignment="center"):
        st.metric(t("neuron.mae", lang), f"{mae:.4f}", help=t("neuron.mae_help", lang), width="content")
        st.metric(t("neuron.mse", lang), f"{mse:.4f}", help=t("neuron.mse_help", lang), width="content")
        st.caption(t("neuron.points", lang, points=mae * quality_span))  # MAE in quality points
    show(line_figure(hand.x, y, w, b, feature, lang=lang), key="neuron_chart")
    low, high = raw_range(feature)
    qlow, qhigh = raw_range("quality")
    st.caption(t("neuron.units", lang, n=n_train, feature=feature, low=low, high=high, qlow=qlow, qhigh=qhigh))
    return hand


# --------------------------------------------------------------- Keras fit


def _keras_fit(lang: str, hand: HandLine, n_train: int) -> None:
    """Keras fits the line from the learner's w and b (``hand``); the fit, animated."""
    st.header(t("neuron.fit.header", lang))
    controls.explain(t("neuron.fit.intro", lang, lr=FIT_LEARNING_RATE, batch=BATCH_SIZE, n=n_train))
    with st.container(horizontal=True, gap="large", vertical_alignment="bottom"):
        epochs = controls.slider(
            t("neuron.epochs", lang), 1, MAX_UI_EPOCHS, 30, key="neuron_epochs", help=t("neuron.epochs_help", lang)
        )
        fit_clicked = st.button(t("neuron.fit.button", lang), key="neuron_fit", type="primary")
    if fit_clicked:
        st.session_state["neuron_fit_payload"] = fit_payload([hand.feature], [hand.w], hand.b, epochs=epochs)
    payload = st.session_state.get("neuron_fit_payload")
    if payload is None:
        st.info(t("neuron.fit.none", lang, feature=hand.feature))
    elif payload["features"] != [hand.feature]:
        st.info(t("neuron.fit.stale", lang, old=payload["features"][0], feature=hand.feature))
    else:
        _fit_result(lang, hand, payload)
    with st.expander(t("neuron.fit.code", lang)):
        current = payload is not None and payload["features"] == [hand.feature]
        shown = payload if current else fit_payload([hand.feature], [hand.w], hand.b, epochs=epochs)
        st.code(
            fit_code(hand.feature, shown["w0"][0], shown["b0"], shown["epochs"]), language="python", wrap_lines=True
        )


def _fit_result(lang: str, hand: HandLine, payload: dict[str, Any]) -> None:
    """Runs the fit of ``payload`` and shows it: the animation, the learned
    w and b against the learner's, the least-squares line, and a button that
    moves the sliders to Keras's values."""
    try:
        with st.spinner(t("neuron.fit.running", lang, epochs=payload["epochs"])):
            result = compute(Task.NEURON_FIT, payload)
    except ComputeError as exc:
        show_compute_error(exc, lang)
        return
    if result["stop_reason"] == "diverged":
        st.error(t("neuron.fit.diverged", lang, epoch=len(result["biases"]) - 1))
    show(fit_animation_figure(hand.x, hand.y, result, hand.feature, lang=lang), key="neuron_fit_chart")
    fitted_w, fitted_b = result["weights"][-1][0], result["biases"][-1]
    _fit_metrics(lang, hand, result, fitted_w, fitted_b)
    (best_w,), best_b = least_squares(hand.x_column, hand.y)
    best_mse = errors(hand.y, predict(hand.x_column, [best_w], best_b))[1]
    st.caption(t("neuron.fit.lstsq", lang, w=best_w, b=best_b, mse=best_mse, w0=payload["w0"][0], b0=payload["b0"]))
    st.button(
        t("neuron.fit.use", lang),
        key="neuron_use_fit",
        on_click=_use_fit,
        args=(fitted_w, fitted_b),
        help=t("neuron.fit.use_help", lang),
    )


def _use_fit(w: float, b: float) -> None:
    """Button callback: moves the w and b sliders to Keras's values."""
    st.session_state["neuron_w"] = slider_value(w, W_RANGE)
    st.session_state["neuron_b"] = slider_value(b, B_RANGE)


def _fit_metrics(lang: str, hand: HandLine, result: dict[str, Any], fitted_w: float, fitted_b: float) -> None:
    """Keras's w and b beside the learner's, and the MSE after the last epoch
    beside the starting one."""
    done = len(result["biases"]) - 1
    with st.container(horizontal=True, gap="medium"):
        for label, fitted, yours in (
            ("neuron.fit.learned_w", fitted_w, hand.w),
            ("neuron.fit.learned_b", fitted_b, hand.b),
        ):
            st.metric(
                t(label, lang),
                f"{fitted:.3f}",
                delta=t("neuron.fit.vs_yours", lang, delta=f"{fitted - yours:+.3f}", value=f"{yours:.2f}"),
                delta_color="off",
                width="content",
            )
        st.metric(
            t("neuron.fit.final_mse", lang, epochs=done),
            f"{result['mse'][-1]:.4f}",
            delta=t("neuron.fit.start_mse", lang, delta=f"{result['mse'][-1] - result['mse'][0]:+.4f}"),
            delta_color="inverse",
            width="content",
        )


# ---------------------------------------------------------- several inputs


def _several_inputs(lang: str, split: SplitData) -> None:
    """The unit with three inputs: its sliders, one wine's prediction added up,
    a Keras fit of the three weights, and the course's code."""
    st.header(t("neuron.multi.header", lang))
    controls.explain(t("neuron.multi.intro", lang))
    st.latex(r"y = w_0x_0 + w_1x_1 + w_2x_2 + b")
    pending = st.session_state.pop("neuron_multi_pending", None)
    if pending is not None:  # Keras's weights, applied before the sliders are drawn
        for i, value in enumerate(pending["weights"]):
            st.session_state[f"neuron_w{i}"] = value
        st.session_state["neuron_b_multi"] = pending["bias"]
    features, weights = _input_blocks(lang)
    n_train = len(split.y_train)
    with st.container(horizontal=True, gap="medium"):
        bias = controls.slider(
            t("neuron.multi.bias", lang), *B_RANGE, MULTI_START_BIAS, step=0.01, key="neuron_b_multi"
        )
        row = int(
            controls.number_input(
                t("neuron.multi.wine", lang),
                0,
                n_train - 1,
                0,
                step=1,
                key="neuron_wine",
                help=t("neuron.multi.wine_help", lang, last=n_train - 1, n=n_train),
            )
        )
    if len(set(features)) < len(features):
        st.warning(t("neuron.multi.duplicate", lang))
    else:
        _one_wine(lang, split, ThreeInputUnit(features, weights, bias), row)


def _input_blocks(lang: str) -> tuple[list[str], list[float]]:
    """Each input's feature and weight, side by side.

    Returns:
        ``(features, weights)``, three of each.
    """
    features: list[str] = []
    weights: list[float] = []
    # One fixed-width block per input, so a narrow page wraps them (input and
    # weight stay together) instead of squeezing them.
    inputs_row = st.container(horizontal=True, gap="medium")
    for i in range(3):
        with inputs_row.container(width=INPUT_BLOCK_PX):
            features.append(
                controls.selectbox(
                    t("neuron.multi.feature", lang, sub=SUBSCRIPTS[i]),
                    list(WINE_FEATURES),
                    index=WINE_FEATURES.index(MULTI_DEFAULTS[i]),
                    key=f"neuron_x{i}",
                )
            )
            weights.append(
                controls.slider(
                    t("neuron.multi.weight", lang, sub=SUBSCRIPTS[i]),
                    *MULTI_W_RANGE,
                    MULTI_START_WEIGHTS[i],
                    step=0.01,
                    key=f"neuron_w{i}",
                )
            )
    return features, weights


def _one_wine(lang: str, split: SplitData, unit: ThreeInputUnit, row: int) -> None:
    """One wine through the three-input unit: the prediction, how it adds up,
    the fit button and the code.

    Args:
        lang: Text language.
        split: The training split.
        unit: The unit as the sliders set it (three different features).
        row: The wine's row in the training split.
    """
    x3, y3 = feature_data(unit.features)
    inputs = x3[row].tolist()
    prediction = float(predict(x3[row : row + 1], unit.weights, unit.bias)[0])
    actual = float(y3[row])
    all_mae = errors(y3, predict(x3, unit.weights, unit.bias))[0]
    n_train = len(split.y_train)
    with st.container(horizontal=True, gap="medium"):
        st.metric(t("neuron.multi.prediction", lang), f"{prediction:.3f}", width="content")
        st.metric(t("neuron.multi.points", lang), f"{split.unscale_target(prediction):.2f}", width="content")
        st.metric(t("neuron.multi.actual", lang), f"{split.unscale_target(actual):g}", width="content")
        st.metric(t("neuron.multi.mae_all", lang, n=n_train), f"{all_mae:.4f}", width="content")
    note = st.session_state.pop("neuron_multi_note", None)
    if note is not None:
        st.success(t("neuron.multi.fitted", lang, **note["values"]))
        if note["clipped"]:
            st.warning(t("neuron.multi.clipped", lang))

    show(
        contributions_figure(unit.features, inputs, unit.weights, unit.bias, actual, lang=lang),
        key="neuron_multi_chart",
    )
    st.caption(
        t("neuron.multi.wine_caption", lang, row=int(split.train_index[row]), quality=split.unscale_target(actual))
    )
    _wine_table(lang, unit, inputs)
    _multi_fit(lang, unit, x3, y3)
    st.markdown(f"**{t('neuron.multi.course_code', lang)}**")
    st.code(course_multi_code(), language="python", wrap_lines=True)
    st.markdown(f"**{t('neuron.multi.modern_code', lang)}**")
    st.code(modern_multi_code(unit.weights, unit.bias, inputs), language="python", wrap_lines=True)
    st.caption(t("neuron.multi.code_note", lang))


def _wine_table(lang: str, unit: ThreeInputUnit, inputs: Sequence[float]) -> None:
    """Each input of the wine: raw and scaled value, weight and wᵢ·xᵢ."""
    st.dataframe(
        pd.DataFrame(
            {
                t("neuron.multi.col.input", lang): [f"x{s}" for s in SUBSCRIPTS],
                t("neuron.multi.col.feature", lang): unit.features,
                t("neuron.multi.col.raw", lang): [raw_value(f, v) for f, v in zip(unit.features, inputs, strict=True)],
                t("neuron.multi.col.scaled", lang): inputs,
                t("neuron.multi.col.weight", lang): unit.weights,
                t("neuron.multi.col.product", lang): [wi * xi for wi, xi in zip(unit.weights, inputs, strict=True)],
            }
        ).round(4),
        hide_index=True,
        width="stretch",
    )


def _multi_fit(lang: str, unit: ThreeInputUnit, x3: np.ndarray, y3: np.ndarray) -> None:
    """A button that lets Keras fit the three weights and the bias from the
    sliders' values, then moves the sliders there (on the next run, with a note)."""
    fit_clicked = st.button(
        t("neuron.multi.fit", lang),
        key="neuron_multi_fit",
        help=t("neuron.multi.fit_help", lang, epochs=MULTI_FIT_EPOCHS, lr=MULTI_FIT_LEARNING_RATE),
    )
    if not fit_clicked:
        return
    multi_payload = fit_payload(
        unit.features, unit.weights, unit.bias, epochs=MULTI_FIT_EPOCHS, learning_rate=MULTI_FIT_LEARNING_RATE
    )
    try:
        with st.spinner(t("neuron.multi.fitting", lang)):
            fitted = compute(Task.NEURON_FIT, multi_payload)
    except ComputeError as exc:
        show_compute_error(exc, lang)
        return
    slider_weights, slider_bias, clipped = multi_slider_values(fitted["weights"][-1], fitted["biases"][-1])
    best_weights, best_bias = least_squares(x3, y3)
    st.session_state["neuron_multi_pending"] = {"weights": slider_weights, "bias": slider_bias}
    st.session_state["neuron_multi_note"] = {
        "values": {
            "epochs": MULTI_FIT_EPOCHS,
            "mse": fitted["mse"][-1],
            "lsq": errors(y3, predict(x3, best_weights, best_bias))[1],
        },
        "clipped": clipped,
    }
    st.rerun()
