"""Gradient descent on f(x) = 5x² − 2x + 4 (closed-form maths, no Keras)."""

import pandas as pd
import streamlit as st

from dlcore.course_function import df, f
from dlcore.text import t
from lessons.gradient_descent.figures import descent_figure
from lessons.gradient_descent.model import contraction, descent, regime
from ui import controls
from ui.charts import show
from ui.frame import page_end, page_frame


def render() -> None:
    """Lay out the page, top to bottom (served by ``pages/3_gradient-descent.py``)."""
    PAGE = "gradient-descent"
    lang = page_frame(PAGE)
    st.title(f"⛷️ {t('lesson.gradient-descent.title', lang)}")
    controls.explain(t("gd.intro", lang))
    st.info(t("gd.correction", lang), icon="✏️")

    c1, c2, c3 = st.columns(3)
    lr = controls.slider(t("gd.lr", lang), 0.001, 0.3, 0.05, step=0.001, format="%.3f", key="gd_lr", where=c1)
    x0 = controls.slider(t("gd.x0", lang), -3.0, 3.0, -2.5, step=0.1, key="gd_x0", where=c2)
    steps = controls.slider(t("gd.steps", lang), 1, 100, 20, key="gd_steps", where=c3)

    xs = descent(lr, x0, steps)
    kind = regime(lr)
    level = {"monotone": "success", "one_step": "success", "oscillating": "info", "endless": "warning", "diverging": "error"}[kind]
    getattr(st, level)(f"{t(f'gd.regime.{kind}', lang)} {t('gd.why', lang, factor=contraction(lr))}")
    show(descent_figure(xs, lr, lang=lang), key="gd_chart")
    st.caption(t("gd.final", lang, steps=steps, x=xs[-1], fx=f(xs[-1])))

    st.markdown(t("gd.keras", lang))
    st.code(f"optimizer = keras.optimizers.SGD(learning_rate={lr:g})", language="python")
    with st.expander(t("gd.table", lang)):
        st.dataframe(
            pd.DataFrame(
                {
                    t("gd.col.step", lang): range(len(xs)),
                    t("gd.col.x", lang): xs,
                    t("gd.col.f", lang): f(xs),
                    t("gd.col.grad", lang): df(xs),
                }
            ),
            hide_index=True,
            width="stretch",
        )
    page_end(lang)
