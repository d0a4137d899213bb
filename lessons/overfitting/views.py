"""Pieces of the overfitting page: experiment cards, their overlays, gradient flow."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from dlcore.data import wine_split
from dlcore.diagnosis import Diagnosis, constant_baseline, diagnose
from dlcore.experiments import Experiment, in_group
from dlcore.figures.curves import runs_figure
from dlcore.keras_code import keras_code
from dlcore.model_label import layers_label
from dlcore.runtime.model_store import new_model_id
from dlcore.runtime.runs import RunRecord, probe_series
from dlcore.runtime.session_work import QueuedRun
from dlcore.runtime.tasks import Task
from dlcore.spec import ModelSpec, TrainConfig, to_dict
from dlcore.text import t
from lessons.overfitting.figures import GradientSeries, gradient_flow_figure
from ui.charts import show
from ui.diagnosis_view import show_diagnosis, verdict_label
from ui.experiment_queue import enqueue, queued
from ui.live import LiveFrame
from ui.panel import apply_settings
from ui.session_jobs import active_job, runs

PAGE = "overfitting"
WINE_DATA = {"dataset": "wine"}
GRADIENT_PROBE = {"gradients": {"every": 0}}  # every 0: about 50 samples per run


def model_label(model: ModelSpec, train: TrainConfig, lang: str) -> str:
    """A short name for a configuration: "3×Dense(512, ReLU) + dropout 0.3 · ES"."""
    label = layers_label(model, lang)
    if model.dropout:
        label += " " + t("overfit.label.dropout", lang, rate=model.dropout)
    if model.batchnorm != "none":
        label += " " + t(f"overfit.label.bn_{model.batchnorm}", lang)
    if model.l1 or model.l2:
        label += " " + t("overfit.label.penalty", lang)
    if train.early_stopping:
        label += " · " + t("overfit.label.es", lang)
    return label


def run_item(model: ModelSpec, train: TrainConfig, label: str, experiment: str | None) -> QueuedRun:
    """A queue item (task, payload, meta) for one wine run with the gradient
    probe; its model is kept, so a paused run whose worker was freed resumes
    and any run can train more epochs."""
    model_id = new_model_id()
    return QueuedRun(
        task=Task.TRAIN,
        payload={
            "model": to_dict(model),
            "train": to_dict(train),
            "data": WINE_DATA,
            "probes": GRADIENT_PROBE,
            "model_id": model_id,
        },
        meta={
            "model": to_dict(model),
            "train": to_dict(train),
            "label": label,
            "experiment": experiment,
            "model_id": model_id,
        },
    )


def experiment_item(experiment: Experiment, lang: str) -> QueuedRun:
    """The queue item of a preset experiment."""
    return run_item(experiment.model, experiment.train, t(f"overfit.exp.{experiment.key}.name", lang), experiment.key)


def run_experiments(experiments: list[Experiment], lang: str) -> None:
    """Queues experiments (skipping those already waiting or running)."""
    busy = {item.meta.get("experiment") for item in queued(PAGE)}
    entry = active_job(PAGE)
    if entry is not None:
        busy.add(entry.meta.get("experiment"))
    enqueue(PAGE, [experiment_item(e, lang) for e in experiments if e.key not in busy])


def latest_runs_by_experiment() -> dict[str, RunRecord]:
    """The newest finished run of each experiment key in this session."""
    found: dict[str, RunRecord] = {}
    for record in runs(PAGE):
        key = record.meta.get("experiment")
        if key:
            found[key] = record
    return found


def wine_baseline(loss: str) -> float:
    """Validation loss of the best constant prediction on the course's wine split."""
    split = wine_split()
    return constant_baseline(loss, split.y_train, split.y_valid)


def diagnose_history(history: dict[str, list[float]], loss: str) -> Diagnosis:
    """The diagnosis of a wine run's curves, against the constant prediction."""
    return diagnose(history.get("loss", []), history.get("val_loss", []), baseline=wine_baseline(loss))


def _status(experiment: Experiment, record: RunRecord | None, lang: str) -> str:
    entry = active_job(PAGE)
    if entry is not None and entry.meta.get("experiment") == experiment.key:
        return t("overfit.status.running", lang)
    if any(item.meta.get("experiment") == experiment.key for item in queued(PAGE)):
        return t("overfit.status.queued", lang)
    if record is None:
        return t("overfit.status.not_run", lang)
    best = record.best()
    if best is None:
        return t("overfit.status.failed", lang)
    diagnosis = diagnose_history(record.history, record.meta["train"]["loss"])
    return t(
        "overfit.status.done",
        lang,
        best=best[0],
        epoch=best[1],
        epochs=record.epochs_run,
        verdict=verdict_label(diagnosis, lang),
    )


def experiment_card(experiment: Experiment, record: RunRecord | None, lang: str) -> None:
    """One experiment: what it changes, its status, Run / Load buttons, its code.

    Widget keys: ``overfit_run_<key>`` and ``overfit_load_<key>``.
    """
    with st.container(border=True):
        text_col, button_col = st.columns([4, 1])
        text_col.markdown(
            f"**{t(f'overfit.exp.{experiment.key}.name', lang)}** · {t(f'overfit.exp.{experiment.key}.what', lang)}"
        )
        text_col.caption(_status(experiment, record, lang))
        button_col.button(
            t("overfit.run_one", lang),
            key=f"overfit_run_{experiment.key}",
            on_click=run_experiments,
            args=([experiment], lang),
            width="stretch",
        )
        button_col.button(
            t("overfit.load", lang),
            key=f"overfit_load_{experiment.key}",
            on_click=_load,
            args=(experiment, lang),
            width="stretch",
            help=t("overfit.load_help", lang),
        )
        with text_col.expander(t("overfit.code", lang)):
            st.code(keras_code(experiment.model, experiment.train), language="python")


def _load(experiment: Experiment, lang: str) -> None:
    apply_settings(experiment.model, experiment.train, scope=PAGE)
    st.toast(t("overfit.loaded", lang, name=t(f"overfit.exp.{experiment.key}.name", lang)))


def group_overlay(group: str, lang: str) -> None:
    """The validation curves of a group's finished experiments, overlaid (★ =
    each minimum), and a table of their diagnoses. Chart key
    ``overfit_overlay_<group>``."""
    latest = latest_runs_by_experiment()
    done = [(e, latest[e.key]) for e in in_group(group) if e.key in latest]
    if not done:
        st.caption(t("overfit.overlay.empty", lang))
        return
    curves = [(t(f"overfit.exp.{e.key}.name", lang), r.history.get("val_loss", [])) for e, r in done]
    fig = runs_figure(curves, lang=lang)
    finite = [np.asarray([v for v in values if np.isfinite(v)]) for _, values in curves]
    finite = [v for v in finite if v.size]
    if finite:
        # Zoom on the minima: the first epochs' high losses would squash them.
        low = min(float(v.min()) for v in finite)
        high = max(float(np.median(v)) for v in finite) * 1.5
        fig.update_yaxes(range=[low * 0.95, max(high, low * 1.3)])
    show(fig, key=f"overfit_overlay_{group}")
    rows = []
    for experiment, record in done:
        best = record.best()
        diagnosis = diagnose_history(record.history, record.meta["train"]["loss"])
        rows.append(
            {
                t("overfit.col.experiment", lang): t(f"overfit.exp.{experiment.key}.name", lang),
                t("overfit.col.epochs", lang): record.epochs_run,
                t("overfit.col.best", lang): round(best[0], 4) if best else None,
                t("overfit.col.best_epoch", lang): best[1] if best else None,
                t("overfit.col.points", lang): round(best[0] * wine_split().target_range, 3) if best else None,
                t("overfit.col.verdict", lang): verdict_label(diagnosis, lang),
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key=f"overfit_table_{group}")


def dense_layer_names(model: dict[str, Any], lang: str) -> list[str]:
    """Names of a model's Dense layers as the gradient probe reports them
    (hidden layers input side first, then the output)."""
    names = [f"{t('overfit.grad.layer', lang)} {i}" for i in range(1, len(model["units"]) + 1)]
    return [*names, t("overfit.grad.output", lang)]


def gradient_series(
    label: str, model: dict[str, Any], samples: list[tuple[int, list[float]]], lang: str
) -> GradientSeries | None:
    """A run's first and latest gradient samples for ``gradient_flow_figure``."""
    if not samples:
        return None
    first, last = samples[0], samples[-1]
    return GradientSeries(
        label, dense_layer_names(model, lang), (int(first[0]), list(first[1])), (int(last[0]), list(last[1]))
    )


def live_extra(frame: LiveFrame, lang: str) -> None:
    """Below the live curves: the run's diagnosis and its gradient flow
    (chart key ``overfit_live_grad``)."""
    if frame.meta is None:
        return
    if frame.history.get("val_loss"):
        diagnosis = diagnose_history(frame.history, frame.loss_name)
        show_diagnosis(diagnosis, lang, running=frame.running, key="overfit_live_dx")
    samples = (
        probe_series(frame.events, "gradients")
        if frame.running
        else (frame.record.extras.get("gradients", []) if frame.record else [])
    )
    series = gradient_series(frame.meta.get("label", ""), frame.meta["model"], [tuple(s) for s in samples], lang)
    if series is not None:
        show(gradient_flow_figure([series], lang=lang), key="overfit_live_grad")


def gradient_comparison(keys: tuple[str, ...], lang: str) -> None:
    """Gradient flow of the latest runs of the given experiments, side by side
    on one log axis (chart key ``overfit_grad_chart``)."""
    latest = latest_runs_by_experiment()
    series = [
        gradient_series(
            t(f"overfit.exp.{key}.name", lang),
            latest[key].meta["model"],
            [tuple(s) for s in latest[key].extras.get("gradients", [])],
            lang,
        )
        for key in keys
        if key in latest
    ]
    series = [s for s in series if s is not None]
    if not series:
        st.caption(t("overfit.grad.empty", lang))
        return
    show(gradient_flow_figure(series, lang=lang), key="overfit_grad_chart")
    for s in series:
        last = s.last[1]
        if last and last[0] > 0:
            st.caption(
                t(
                    "overfit.grad.ratio",
                    lang,
                    name=s.label,
                    epoch=s.last[0],
                    first=last[0],
                    output=last[-1],
                    ratio=last[-1] / last[0],
                )
            )
