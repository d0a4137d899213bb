"""Binary classification: sigmoid output, cross-entropy, a live decision
boundary on 2-D data, and reading a classifier's validation predictions."""

from functools import partial
from typing import Any

import streamlit as st

from dlcore.data import SplitData, data_split
from dlcore.model_label import layers_label
from dlcore.presets import CLASSIFIER_PRESETS
from dlcore.runtime.model_store import new_model_id
from dlcore.spec import ModelSpec, TrainConfig, to_dict
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
from ui.curve_controls import curve_controls
from ui.frame import page_end, page_frame
from ui.live import live_view, train_buttons
from ui.next_run import before_train
from ui.panel import summary_table, training_panel
from ui.presets_view import presets_section
from ui.run_history import run_history
from ui.session_jobs import runs
from ui.upload_view import UploadedData, data_source

PAGE = "classification"
COURSE_COMPILE = """model.compile(
        optimizer='adam',
        loss='binary_crossentropy',
        metrics=['binary_accuracy'],
    )"""


def render() -> None:
    """Lay out the page, top to bottom (served by ``pages/8_classification.py``)."""
    lang = page_frame(PAGE)
    _intro(lang)
    _cross_entropy_section(lang)
    uploaded, data, split = _data_section(lang)
    # An uploaded table starts from the course's ionosphere network.
    default_model, default_train = suggested_specs("ionosphere" if uploaded else data["dataset"])
    model, train = _model_section(lang, split, uploaded, data, default_model, default_train)
    _training_section(lang, model, train, split, uploaded, data, planned_epochs=default_train.epochs)
    _results_section(lang, data, split)
    run_history(PAGE, lang)
    page_end(lang)


def _intro(lang: str) -> None:
    """The title, the course's compile call, and the presets."""
    st.title(f"⚖️ {t('lesson.classification.title', lang)}")
    controls.explain(t("clf.intro", lang))
    st.code(COURSE_COMPILE, language="python")
    presets_section(PAGE, lang, CLASSIFIER_PRESETS, scope=PAGE)


def _cross_entropy_section(lang: str) -> None:
    """1. Why cross-entropy."""
    st.header(t("clf.ce.header", lang))
    controls.explain(t("clf.ce.text", lang))
    cross_entropy_explainer(lang)
    controls.explain(t("clf.ce.after", lang))


def _data_section(lang: str) -> tuple[UploadedData | None, dict[str, Any], SplitData]:
    """2. The data: a bundled data set or an uploaded table, and its class balance.

    Returns:
        ``(uploaded, data, split)``: the uploaded table or None, what a run's
        ``meta["data"]`` records, and the scaled train/validation split.
    """
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
    return uploaded, data, split


def _model_section(
    lang: str,
    split: SplitData,
    uploaded: UploadedData | None,
    data: dict[str, Any],
    default_model: ModelSpec,
    default_train: TrainConfig,
) -> tuple[ModelSpec | None, TrainConfig | None]:
    """3. Model and training: the panel, the model's summary and its code.

    Returns:
        The panel's ``(model, train)``; either is None when the settings are invalid.
    """
    st.header(t("clf.model.header", lang))
    controls.explain(t("clf.model.text", lang))
    model, train = training_panel(
        lang,
        n_inputs=split.x_train.shape[1],
        model_defaults=default_model,
        train_defaults=default_train,
        losses=("binary_crossentropy",),
        scope=PAGE,
    )
    if model is not None and train is not None:
        summary_col, code_col = st.columns(2)
        summary_col.dataframe(summary_table(model, lang), hide_index=True, width="stretch", key="classification_summary")
        summary_col.caption(t("panel.summary.total", lang, params=f"{model.param_count():,}"))
        with code_col:
            source = uploaded.export_source("classification") if uploaded else None
            code_section(model, train, data["dataset"], lang, source, data.get("features", ()))
    return model, train


def _training_section(
    lang: str,
    model: ModelSpec | None,
    train: TrainConfig | None,
    split: SplitData,
    uploaded: UploadedData | None,
    data: dict[str, Any],
    *,
    planned_epochs: int,
) -> None:
    """The pre-flight check, the Train button, and the live curves with the
    decision boundary."""
    valid = model is not None and train is not None
    bundled = None if uploaded else t(f"clf.ds.{data['dataset']}", lang)
    fits = before_train(PAGE, lang, model, train, split, uploaded=uploaded, bundled=bundled, scope=PAGE)
    job = partial(_job, lang, model, train, uploaded, data)
    train_buttons(PAGE, lang, job=job if valid and fits else None)
    curve_controls(lang)  # smoothing and log scale of the curves below (ui.curve_controls)
    live_view(
        PAGE,
        lang,
        planned_epochs=train.epochs if train else planned_epochs,
        loss_name="binary_crossentropy",
        curves=live_curves,
        extra=lambda frame: live_extra(frame, data, split, lang),
    )


def _label(lang: str, model: ModelSpec, uploaded: UploadedData | None, data: dict[str, Any]) -> str:
    """The run's name in the history: its data and its layers."""
    if uploaded:
        name = t("clf.upload.label", lang, name=uploaded.name, target=uploaded.target)
    else:
        name = t(f"clf.ds.{data['dataset']}", lang)
    return t("clf.label", lang, data=name, model=layers_label(model, lang))


def _job(
    lang: str, model: ModelSpec, train: TrainConfig, uploaded: UploadedData | None, data: dict[str, Any]
) -> tuple[dict, dict]:
    """The job payload (an uploaded table travels in it) and the run's meta;
    one model id names the saved model in both, so a paused run whose worker
    was freed, or a finished one, can train on (Resume, Train N more)."""
    model_id = new_model_id()
    payload = payload_for(model, train, uploaded.payload("classification") if uploaded else data) | {"model_id": model_id}
    label = _label(lang, model, uploaded, data)
    meta = {"model": to_dict(model), "train": to_dict(train), "data": data, "label": label, "model_id": model_id}
    return payload, meta


def _results_section(lang: str, data: dict[str, Any], split: SplitData) -> None:
    """4. Results: the latest run's validation predictions."""
    history = runs(PAGE)
    if history and history[-1].predictions:
        classification_results(history[-1], run_split(history[-1].meta["data"], data, split), lang)
