"""Overfitting & underfitting: learning curves, capacity, early stopping,
dropout, batch normalization and gradient flow, on the course's wine data."""

import streamlit as st

from dlcore.data import WINE_FEATURES, wine_split
from dlcore.diagnosis import diagnose
from dlcore.experiments import EXPERIMENTS, EXPERIMENTS_BY_KEY, GROUPS, in_group
from dlcore.runtime.runs import RunRecord
from dlcore.text import t
from lessons.overfitting.figures import SKETCH_BASELINE, SKETCH_KINDS, sketch_curves, sketch_figure
from lessons.overfitting.views import (
    experiment_card,
    gradient_comparison,
    group_overlay,
    latest_runs_by_experiment,
    live_extra,
    model_label,
    run_experiments,
    run_item,
)
from ui import controls
from ui.charts import show
from ui.curve_controls import curve_controls, run_coloured_curves
from ui.diagnosis_view import diagnosis_text
from ui.experiment_queue import advance, clear_queue, queued
from ui.export_view import export_section
from ui.frame import page_end, page_frame
from ui.live import live_view, train_buttons
from ui.next_run import before_train
from ui.panel import summary_table, training_panel
from ui.run_history import run_history
from ui.session_jobs import active_job

PAGE = "overfitting"
BASELINE = EXPERIMENTS_BY_KEY["baseline"]


def render() -> None:
    """Lay out the page, top to bottom (served by ``pages/7_overfitting.py``)."""
    lang = page_frame(PAGE)
    advance(PAGE)  # file a finished run and start the next queued experiment
    st.title(f"🎯 {t('lesson.overfitting.title', lang)}")
    controls.explain(t("overfit.intro", lang))
    _learning_curves_section(lang)
    _experiments_section(lang)
    _own_model_section(lang)
    run_history(PAGE, lang)
    page_end(lang)


def _learning_curves_section(lang: str) -> None:
    """1. Reading learning curves: sketched curves, each with its diagnosis."""
    st.header(t("overfit.curves.title", lang))
    controls.explain(t("overfit.curves.text", lang))
    show(sketch_figure(lang=lang), key="overfit_sketch")
    for column, kind in zip(st.columns(3), SKETCH_KINDS, strict=True):
        column.caption(diagnosis_text(diagnose(*sketch_curves(kind), baseline=SKETCH_BASELINE), lang))
    controls.explain(t("overfit.curves.remedies", lang))


def _experiments_section(lang: str) -> None:
    """2. One-click experiments: the queue controls, the live curves, and one
    tab per group of experiments."""
    st.header(t("overfit.exp.title", lang))
    controls.explain(t("overfit.exp.text", lang))
    _queue_controls(lang)
    curve_controls(lang)  # smoothing and log scale of the curves below (ui.curve_controls)
    live_view(
        PAGE,
        lang,
        planned_epochs=BASELINE.train.epochs,
        loss_name=BASELINE.train.loss,
        curves=run_coloured_curves(PAGE),
        extra=lambda frame: live_extra(frame, lang),
        on_stop=lambda: clear_queue(PAGE),
    )
    latest = latest_runs_by_experiment()
    for tab, group in zip(st.tabs([t(f"overfit.group.{g}", lang) for g in GROUPS]), GROUPS, strict=True):
        with tab:
            _group_tab(group, latest, lang)


def _queue_controls(lang: str) -> None:
    """Run all, clear the queue, and what the queue is doing."""
    entry = active_job(PAGE)
    waiting = queued(PAGE)
    c1, c2, c3 = st.columns([1, 1, 3])
    c1.button(
        t("overfit.run_all", lang),
        key="overfit_run_all",
        type="primary",
        on_click=run_experiments,
        args=(list(EXPERIMENTS), lang),
        width="stretch",
    )
    c2.button(
        t("overfit.clear_queue", lang),
        key="overfit_clear_queue",
        on_click=clear_queue,
        args=(PAGE,),
        disabled=not waiting,
        width="stretch",
    )
    if entry is not None:
        c3.info(t("overfit.queue.running", lang, name=entry.meta.get("label", ""), waiting=len(waiting)))
    elif not waiting:
        c3.caption(t("overfit.queue.idle", lang))


def _group_tab(group: str, latest: dict[str, RunRecord], lang: str) -> None:
    """One group's tab: its text, a run button, a card per experiment, and
    the group's curves overlaid."""
    controls.explain(t(f"overfit.group.{group}.text", lang))
    st.button(
        t("overfit.run_group", lang, count=len(in_group(group))),
        key=f"overfit_run_group_{group}",
        on_click=run_experiments,
        args=(in_group(group), lang),
    )
    for experiment in in_group(group):
        experiment_card(experiment, latest.get(experiment.key), lang)
    if group == "gradients":
        controls.explain(t("overfit.grad.text", lang))
        gradient_comparison(tuple(e.key for e in in_group(group)), lang)
    st.subheader(t("overfit.overlay.title", lang))
    group_overlay(group, lang)


def _own_model_section(lang: str) -> None:
    """3. Your own model: the panel, its summary and code, and the Train button."""
    st.header(t("overfit.own.title", lang))
    controls.explain(t("overfit.own.text", lang))
    model, train = training_panel(
        lang,
        n_inputs=len(WINE_FEATURES),
        model_defaults=BASELINE.model,
        train_defaults=BASELINE.train,
        scope=PAGE,
    )
    if model is not None and train is not None:
        summary_col, code_col = st.columns(2)
        summary_col.dataframe(summary_table(model, lang), hide_index=True, width="stretch", key="overfit_summary")
        summary_col.caption(t("panel.summary.total", lang, params=f"{model.param_count():,}"))
        with code_col:
            export_section(model, train, lang, page=PAGE)
        item = run_item(model, train, model_label(model, train, lang), None)
        fits = before_train(PAGE, lang, model, train, wine_split(), scope=PAGE)
        train_buttons(PAGE, lang, job=(lambda: (item.payload, item.meta)) if fits else None)
    else:
        train_buttons(PAGE, lang, job=None)
