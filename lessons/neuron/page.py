"""The neuron: the linear unit y = wx + b by hand, fitted by Keras, and with
three inputs."""

import numpy as np
import pandas as pd
import streamlit as st

from dlcore.data import WINE_FEATURES, wine_split
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
    predict,
    raw_range,
    raw_value,
)
from ui import controls
from ui.charts import show
from ui.compute import ComputeError, compute, show_compute_error
from ui.frame import page_end, page_frame


def render() -> None:
    """Lay out the page, top to bottom (served by ``pages/1_neuron.py``)."""
    PAGE = "neuron"
    MAX_UI_EPOCHS = 100
    START_W, START_B = 1.0, 0.0
    MULTI_START_WEIGHTS = (0.5, -0.5, 0.5)
    MULTI_START_BIAS = 0.3
    SUBSCRIPTS = "₀₁₂"
    INPUT_BLOCK_PX = 240  # width of one input's feature and weight controls
    lang = page_frame(PAGE)
    split = wine_split()
    n_train = len(split.y_train)
    quality_span = split.target_range


    def clip(value: float, bounds: tuple[float, float]) -> float:
        """Rounds to the sliders' 0.01 step and keeps the value inside their range."""
        return float(np.clip(round(value, 2), *bounds))


    def use_fit(w: float, b: float) -> None:
        """Button callback: moves the w and b sliders to Keras's values."""
        st.session_state["neuron_w"] = clip(w, W_RANGE)
        st.session_state["neuron_b"] = clip(b, B_RANGE)


    st.title(f"🔵 {t('lesson.neuron.title', lang)}")
    controls.explain(t("neuron.intro", lang))
    st.latex(r"y = w\,x + b")

    # ------------------------------------------------------------- by hand
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
    x = x_column[:, 0]
    mae, mse = errors(y, predict(x_column, [w], b))
    with st.container(horizontal=True, gap="medium", vertical_alignment="center"):
        st.metric(t("neuron.mae", lang), f"{mae:.4f}", help=t("neuron.mae_help", lang), width="content")
        st.metric(t("neuron.mse", lang), f"{mse:.4f}", help=t("neuron.mse_help", lang), width="content")
        st.caption(t("neuron.points", lang, points=mae * quality_span))
    show(line_figure(x, y, w, b, feature, lang=lang), key="neuron_chart")
    low, high = raw_range(feature)
    qlow, qhigh = raw_range("quality")
    st.caption(t("neuron.units", lang, n=n_train, feature=feature, low=low, high=high, qlow=qlow, qhigh=qhigh))

    # ----------------------------------------------------------- Keras fit
    st.header(t("neuron.fit.header", lang))
    controls.explain(t("neuron.fit.intro", lang, lr=FIT_LEARNING_RATE, batch=BATCH_SIZE, n=n_train))
    with st.container(horizontal=True, gap="large", vertical_alignment="bottom"):
        epochs = controls.slider(
            t("neuron.epochs", lang), 1, MAX_UI_EPOCHS, 30, key="neuron_epochs", help=t("neuron.epochs_help", lang)
        )
        fit_clicked = st.button(t("neuron.fit.button", lang), key="neuron_fit", type="primary")
    if fit_clicked:
        st.session_state["neuron_fit_payload"] = fit_payload([feature], [w], b, epochs=epochs)
    payload = st.session_state.get("neuron_fit_payload")
    if payload is None:
        st.info(t("neuron.fit.none", lang, feature=feature))
    elif payload["features"] != [feature]:
        st.info(t("neuron.fit.stale", lang, old=payload["features"][0], feature=feature))
    else:
        try:
            with st.spinner(t("neuron.fit.running", lang, epochs=payload["epochs"])):
                result = compute(Task.NEURON_FIT, payload)
        except ComputeError as exc:
            show_compute_error(exc, lang)
        else:
            if result["stop_reason"] == "diverged":
                st.error(t("neuron.fit.diverged", lang, epoch=len(result["biases"]) - 1))
            show(fit_animation_figure(x, y, result, feature, lang=lang), key="neuron_fit_chart")
            fitted_w, fitted_b = result["weights"][-1][0], result["biases"][-1]
            done = len(result["biases"]) - 1
            with st.container(horizontal=True, gap="medium"):
                st.metric(
                    t("neuron.fit.learned_w", lang),
                    f"{fitted_w:.3f}",
                    delta=t("neuron.fit.vs_yours", lang, delta=f"{fitted_w - w:+.3f}", value=f"{w:.2f}"),
                    delta_color="off",
                    width="content",
                )
                st.metric(
                    t("neuron.fit.learned_b", lang),
                    f"{fitted_b:.3f}",
                    delta=t("neuron.fit.vs_yours", lang, delta=f"{fitted_b - b:+.3f}", value=f"{b:.2f}"),
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
            (best_w,), best_b = least_squares(x_column, y)
            best_mse = errors(y, predict(x_column, [best_w], best_b))[1]
            st.caption(
                t("neuron.fit.lstsq", lang, w=best_w, b=best_b, mse=best_mse, w0=payload["w0"][0], b0=payload["b0"])
            )
            st.button(
                t("neuron.fit.use", lang),
                key="neuron_use_fit",
                on_click=use_fit,
                args=(fitted_w, fitted_b),
                help=t("neuron.fit.use_help", lang),
            )
    with st.expander(t("neuron.fit.code", lang)):
        current = payload is not None and payload["features"] == [feature]
        shown = payload if current else fit_payload([feature], [w], b, epochs=epochs)
        st.code(fit_code(feature, shown["w0"][0], shown["b0"], shown["epochs"]), language="python", wrap_lines=True)

    # ------------------------------------------------------- several inputs
    st.header(t("neuron.multi.header", lang))
    controls.explain(t("neuron.multi.intro", lang))
    st.latex(r"y = w_0x_0 + w_1x_1 + w_2x_2 + b")
    pending = st.session_state.pop("neuron_multi_pending", None)
    if pending is not None:  # Keras's weights, applied before the sliders are drawn
        for i, value in enumerate(pending["weights"]):
            st.session_state[f"neuron_w{i}"] = value
        st.session_state["neuron_b_multi"] = pending["bias"]

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
    with st.container(horizontal=True, gap="medium"):
        bias = controls.slider(t("neuron.multi.bias", lang), *B_RANGE, MULTI_START_BIAS, step=0.01, key="neuron_b_multi")
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
        x3, y3 = feature_data(features)
        inputs = x3[row].tolist()
        prediction = float(predict(x3[row : row + 1], weights, bias)[0])
        actual = float(y3[row])
        all_mae = errors(y3, predict(x3, weights, bias))[0]
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

        show(contributions_figure(features, inputs, weights, bias, actual, lang=lang), key="neuron_multi_chart")
        st.caption(
            t("neuron.multi.wine_caption", lang, row=int(split.train_index[row]), quality=split.unscale_target(actual))
        )
        st.dataframe(
            pd.DataFrame(
                {
                    t("neuron.multi.col.input", lang): [f"x{s}" for s in SUBSCRIPTS],
                    t("neuron.multi.col.feature", lang): features,
                    t("neuron.multi.col.raw", lang): [raw_value(f, v) for f, v in zip(features, inputs, strict=True)],
                    t("neuron.multi.col.scaled", lang): inputs,
                    t("neuron.multi.col.weight", lang): weights,
                    t("neuron.multi.col.product", lang): [wi * xi for wi, xi in zip(weights, inputs, strict=True)],
                }
            ).round(4),
            hide_index=True,
            width="stretch",
        )
        fit_clicked = st.button(
            t("neuron.multi.fit", lang),
            key="neuron_multi_fit",
            help=t("neuron.multi.fit_help", lang, epochs=MULTI_FIT_EPOCHS, lr=MULTI_FIT_LEARNING_RATE),
        )
        if fit_clicked:
            multi_payload = fit_payload(
                features, weights, bias, epochs=MULTI_FIT_EPOCHS, learning_rate=MULTI_FIT_LEARNING_RATE
            )
            try:
                with st.spinner(t("neuron.multi.fitting", lang)):
                    fitted = compute(Task.NEURON_FIT, multi_payload)
            except ComputeError as exc:
                show_compute_error(exc, lang)
            else:
                fitted_weights, fitted_bias = fitted["weights"][-1], fitted["biases"][-1]
                best_weights, best_bias = least_squares(x3, y3)
                st.session_state["neuron_multi_pending"] = {
                    "weights": [clip(v, MULTI_W_RANGE) for v in fitted_weights],
                    "bias": clip(fitted_bias, B_RANGE),
                }
                st.session_state["neuron_multi_note"] = {
                    "values": {
                        "epochs": MULTI_FIT_EPOCHS,
                        "mse": fitted["mse"][-1],
                        "lsq": errors(y3, predict(x3, best_weights, best_bias))[1],
                    },
                    "clipped": any(not MULTI_W_RANGE[0] <= v <= MULTI_W_RANGE[1] for v in fitted_weights)
                    or not B_RANGE[0] <= fitted_bias <= B_RANGE[1],
                }
                st.rerun()

        st.markdown(f"**{t('neuron.multi.course_code', lang)}**")
        st.code(course_multi_code(), language="python", wrap_lines=True)
        st.markdown(f"**{t('neuron.multi.modern_code', lang)}**")
        st.code(modern_multi_code(weights, bias, inputs), language="python", wrap_lines=True)
        st.caption(t("neuron.multi.code_note", lang))
    page_end(lang)
