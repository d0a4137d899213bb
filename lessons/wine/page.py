"""Red wine: the course's quality regressor, trained live."""

from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from dlcore.data import WINE_FEATURES, SplitData, load_dataset, wine_split
from dlcore.export import WINE
from dlcore.figures.architecture import architecture_figure
from dlcore.model_label import layers_label
from dlcore.presets import WINE_PRESETS
from dlcore.runtime.model_store import new_model_id
from dlcore.spec import ModelSpec, TrainConfig, to_dict
from dlcore.text import t
from lessons.wine.views import downloads, predict_one_wine, wine_results
from ui.charts import show
from ui.curve_controls import curve_controls, run_coloured_curves
from ui.distributions import distributions_view, with_weights_probe
from ui.export_view import export_section
from ui.frame import page_end, page_frame
from ui.live import live_view, train_buttons
from ui.next_run import before_train
from ui.panel import summary_table, training_panel
from ui.presets_view import presets_section
from ui.run_history import run_history
from ui.session_jobs import runs
from ui.upload_view import UploadedData, data_source

PAGE = "wine"
COURSE_MODEL = ModelSpec(n_inputs=len(WINE_FEATURES))  # 3 × Dense(512, relu) + Dense(1)
COURSE_TRAINING = TrainConfig()  # adam, mae, batch 256, 10 epochs


def render() -> None:
    """Lay out the page, top to bottom (served by ``pages/6_wine.py``)."""
    lang = page_frame(PAGE)
    _intro(lang)
    raw = load_dataset("wine")
    uploaded = data_source(PAGE, lang, "regression")
    split = uploaded.split if uploaded else wine_split()
    # What a run's meta["data"] records, to match runs with the current data.
    current_data = uploaded.describe() if uploaded else {"dataset": "wine"}
    if uploaded is None:
        _data_section(lang, raw, split)
    model, train = _model_section(lang, split)
    valid = model is not None and train is not None
    _training_section(lang, model, train, split, uploaded, current_data)
    _results_section(lang, raw, split, uploaded, current_data)
    if valid:
        export_section(model, train, lang, page=PAGE, source=uploaded.export_source("regression") if uploaded else WINE)
    run_history(PAGE, lang)
    page_end(lang)


def _intro(lang: str) -> None:
    """The title and what the lesson is about."""
    st.title(f"🍷 {t('lesson.wine.title', lang)}")
    st.markdown(t("wine.intro", lang))


def _data_section(lang: str, raw: pd.DataFrame, split: SplitData) -> None:
    """The bundled wine table: its size, first rows, columns and target scaling."""
    with st.expander(t("wine.data", lang), expanded=False):
        st.caption(
            t(
                "wine.data_caption",
                lang,
                rows=len(raw),
                cols=raw.shape[1],
                train=len(split.y_train),
                valid=len(split.y_valid),
                xtrain=split.x_train.shape,
                xvalid=split.x_valid.shape,
            )
        )
        st.dataframe(raw.head(10), width="stretch")
        st.markdown(f"**{t('wine.columns', lang)}**")
        st.dataframe(
            pd.DataFrame({"column": list(raw.columns), "": [t(f"data.column.{c}", lang) for c in raw.columns]}),
            hide_index=True,
            width="stretch",
        )
        span = split.target_range
        qmin = float(split.minimum["quality"])
        st.caption(t("wine.scaling", lang, span=span, qmin=qmin, qmax=qmin + span))


def _model_section(lang: str, split: SplitData) -> tuple[ModelSpec | None, TrainConfig | None]:
    """Presets, the model-and-training panel, and the chosen model's diagram
    and summary.

    Returns:
        The panel's ``(model, train)``; either is None when the settings are invalid.
    """
    st.subheader(t("wine.model", lang))
    presets_section(PAGE, lang, WINE_PRESETS)
    model, train = training_panel(
        lang, n_inputs=split.x_train.shape[1], model_defaults=COURSE_MODEL, train_defaults=COURSE_TRAINING
    )
    if model is not None:
        _model_overview(lang, model)
    return model, train


def _model_overview(lang: str, model: ModelSpec) -> None:
    """The architecture diagram beside the layer summary."""
    # Side by side on a wide screen; stacked in projector mode, where the
    # larger type needs the full width.
    arch_col, summary_col = (st.container(), st.container()) if st.session_state.get("projector") else st.columns([3, 2])
    show(architecture_figure(model, lang=lang), key="wine_arch", where=arch_col)
    summary_col.markdown(f"**{t('panel.summary', lang)}**")
    summary_col.dataframe(summary_table(model, lang), hide_index=True, width="stretch")
    summary_col.caption(t("panel.summary.total", lang, params=f"{model.param_count():,}"))


def _training_section(
    lang: str,
    model: ModelSpec | None,
    train: TrainConfig | None,
    split: SplitData,
    uploaded: UploadedData | None,
    current_data: dict[str, Any],
) -> None:
    """The pre-flight check, the Train button, the live learning curves (with
    TensorBoard's smoothing and log scale) and the weights' distributions."""
    valid = model is not None and train is not None
    fits = before_train(PAGE, lang, model, train, split, uploaded=uploaded, bundled=t("upload.source.bundled", lang))
    job = partial(_job, lang, model, train, uploaded, current_data)
    train_buttons(PAGE, lang, job=job if valid and fits else None)
    curve_controls(lang)
    live_view(
        PAGE,
        lang,
        planned_epochs=train.epochs if train else COURSE_TRAINING.epochs,
        loss_name=train.loss if train else COURSE_TRAINING.loss,
        curves=run_coloured_curves(PAGE),
        extra=lambda frame: distributions_view(PAGE, frame, lang),
    )


def _job(
    lang: str, model: ModelSpec, train: TrainConfig, uploaded: UploadedData | None, current_data: dict[str, Any]
) -> tuple[dict, dict]:
    """The job payload and the settings kept with the run; one model id
    names the saved model in both."""
    model_id = new_model_id()
    data = uploaded.payload("regression") if uploaded else {"dataset": "wine"}
    payload = with_weights_probe({"model": to_dict(model), "train": to_dict(train), "data": data, "model_id": model_id})
    label = f"{layers_label(model, lang)} · {uploaded.name}" if uploaded else layers_label(model, lang)
    meta = {"model": to_dict(model), "train": to_dict(train), "label": label, "model_id": model_id}
    meta["data"] = current_data
    return payload, meta


def _results_section(
    lang: str, raw: pd.DataFrame, split: SplitData, uploaded: UploadedData | None, current_data: dict[str, Any]
) -> None:
    """The latest run's results, its downloads and a one-wine prediction."""
    wine_results(PAGE, lang, split, current_data, unit=uploaded.target if uploaded else None)
    history = runs(PAGE)
    if history:
        downloads(PAGE, lang, history[-1])
        if uploaded is None and history[-1].meta.get("data", {"dataset": "wine"}) == current_data:
            predict_one_wine(lang, history[-1], raw, split)
