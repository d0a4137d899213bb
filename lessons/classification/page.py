"""Binary classification: sigmoid output, cross-entropy, a live decision
boundary on 2-D data, and reading a classifier's validation predictions."""

import streamlit as st

from dlcore.data import data_split
from dlcore.model_label import layers_label
from dlcore.presets import CLASSIFIER_PRESETS
from dlcore.spec import to_dict
from dlcore.text import t
from lessons.classification.views import (
    class_balance,
    classification_results,
    code_section,
    cross_entropy_explainer,
    data_controls,
    live_curves,
    live_extra,
    payload_for,
    run_split,
    suggested_specs,
)
from ui import controls
from ui.frame import page_end, page_frame
from ui.live import live_view, run_history, train_buttons
from ui.next_run import before_train
from ui.panel import summary_table, training_panel
from ui.presets_view import presets_section
from ui.session_jobs import runs
from ui.upload_view import data_source


def render() -> None:
    """Lay out the page, top to bottom (served by ``pages/8_classification.py``)."""
    PAGE = "classification"
    COURSE_COMPILE = """model.compile(
        optimizer='adam',
        loss='binary_crossentropy',
        metrics=['binary_accuracy'],
    )"""

    lang = page_frame(PAGE)
    st.title(f"⚖️ {t('lesson.classification.title', lang)}")
    controls.explain(t("clf.intro", lang))
    st.code(COURSE_COMPILE, language="python")
    presets_section(PAGE, lang, CLASSIFIER_PRESETS, scope=PAGE)

    # 1. Why cross-entropy ---------------------------------------------------------
    st.header(t("clf.ce.header", lang))
    controls.explain(t("clf.ce.text", lang))
    cross_entropy_explainer(lang)
    controls.explain(t("clf.ce.after", lang))

    # 2. The data ----------------------------------------------------------------------
    st.header(t("clf.data.header", lang))
    uploaded = data_source(PAGE, lang, "classification")
    if uploaded is None:
        data = data_controls(lang)  # what a run's meta["data"] records
        split = data_split(data)
    else:
        data, split = uploaded.describe(), uploaded.split
    st.caption(
        t("clf.data.caption", lang, train=len(split.y_train), valid=len(split.y_valid), features=split.x_train.shape[1])
    )
    class_balance(split, lang)

    # 3. Model and training ------------------------------------------------------------
    st.header(t("clf.model.header", lang))
    controls.explain(t("clf.model.text", lang))
    # An uploaded table starts from the course's ionosphere network.
    default_model, default_train = suggested_specs("ionosphere" if uploaded else data["dataset"])
    model, train = training_panel(
        lang,
        n_inputs=split.x_train.shape[1],
        model_defaults=default_model,
        train_defaults=default_train,
        losses=("binary_crossentropy",),
        scope=PAGE,
    )
    valid = model is not None and train is not None
    if valid:
        summary_col, code_col = st.columns(2)
        summary_col.dataframe(summary_table(model, lang), hide_index=True, width="stretch", key="classification_summary")
        summary_col.caption(t("panel.summary.total", lang, params=f"{model.param_count():,}"))
        with code_col:
            code_section(model, train, data["dataset"], lang, uploaded.export_source("classification") if uploaded else None)


    def _label() -> str:
        if uploaded:
            name = t("clf.upload.label", lang, name=uploaded.name, target=uploaded.target)
        else:
            name = t(f"clf.ds.{data['dataset']}", lang)
        return t("clf.label", lang, data=name, model=layers_label(model, lang))


    def _job() -> tuple[dict, dict]:
        """The job payload (an uploaded table travels in it) and the run's meta."""
        payload = payload_for(model, train, uploaded.payload("classification") if uploaded else data)
        return payload, {"model": to_dict(model), "train": to_dict(train), "data": data, "label": _label()}


    bundled = None if uploaded else t(f"clf.ds.{data['dataset']}", lang)
    fits = before_train(PAGE, lang, model, train, split, uploaded=uploaded, bundled=bundled, scope=PAGE)
    train_buttons(PAGE, lang, job=_job if valid and fits else None)
    live_view(
        PAGE,
        lang,
        planned_epochs=train.epochs if train else default_train.epochs,
        loss_name="binary_crossentropy",
        curves=live_curves,
        extra=lambda frame: live_extra(frame, data, split, lang),
    )

    # 4. Results -----------------------------------------------------------------------
    history = runs(PAGE)
    if history and history[-1].predictions:
        classification_results(history[-1], run_split(history[-1].meta["data"], data, split), lang)
    run_history(PAGE, lang)
    page_end(lang)
