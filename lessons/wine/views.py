"""The wine page's views: metric cards and the predicted-vs-actual chart of the
latest run, its downloads, and "predict one wine" with its model."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import streamlit as st

from dlcore.data import SplitData
from dlcore.figures.curves import prediction_figure
from dlcore.markup import md
from dlcore.runtime.model_store import max_age_seconds, read_model, saved_model
from dlcore.runtime.runs import RunRecord
from dlcore.runtime.tasks import Task
from dlcore.text import error_text, t
from ui import controls
from ui.charts import show
from ui.compute import ComputeError, compute
from ui.session_jobs import runs


def wine_results(page: str, lang: str, split: SplitData, data: dict, unit: str | None = None) -> None:
    """Shows the latest run's validation MAE in scaled units and quality points.

    Args:
        page: Page slug whose runs to read.
        lang: Text language.
        split: The data split of the current data choice (for unscaling).
        data: The current data choice, as kept in a run's ``meta["data"]``;
            a latest run on other data is not shown against this split.
        unit: The target's name for an uploaded table (None: wine quality).
    """
    history = runs(page)
    if not history or history[-1].result is None:
        return
    latest = history[-1]
    if latest.meta.get("data", {"dataset": "wine"}) != data:
        return
    metric = "val_loss" if latest.meta["train"]["loss"] == "mae" else "val_mae"
    best = latest.best(metric)
    if best is None:
        return
    best_mae, best_epoch = best
    span = split.target_range
    st.subheader(t("wine.results", lang, number=latest.number))
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("wine.best_val", lang), f"{best_mae:.4f}", help=t("wine.best_val_help", lang))
    c2.metric(t("wine.best_val_points", lang) if unit is None else t("wine.best_val_units", lang, unit=md(unit)), f"{best_mae * span:.3f}")
    c3.metric(t("wine.best_epoch", lang), f"{best_epoch} / {latest.epochs_run}")
    c4.metric(t("wine.train_time", lang), f"{latest.result['seconds']:.1f} s")
    if unit is None:
        st.caption(t("wine.points_caption", lang, points=best_mae * span))
    else:
        st.caption(t("wine.units_caption", lang, points=best_mae * span, unit=md(unit)))
    final_mae = latest.result.get("final", {}).get("val_loss" if metric == "val_loss" else "val_mae")
    if final_mae is not None and unit is None:
        st.caption(t("wine.final_note", lang, mae=final_mae, points=final_mae * span))
    if latest.predictions:
        actual = split.unscale_target(split.y_valid)
        predicted = split.unscale_target(np.asarray(latest.predictions))
        show(
            prediction_figure(list(actual), list(predicted), lang=lang, unit=unit or t("wine.quality_unit", lang)),
            key=f"{page}_pred_chart",
        )


def downloads(page: str, lang: str, run: RunRecord) -> None:
    """Download buttons for a run's model (``.keras``) and history (CSV); a
    note instead of the model's button when the store has pruned it."""
    c1, c2 = st.columns(2)
    model_id = run.meta.get("model_id")
    if model_id and run.result is not None and saved_model(model_id) is None:
        c1.info(t("predict.model_pruned", lang, hours=max_age_seconds() / 3600))
    elif model_id and run.result is not None:
        c1.download_button(
            t("predict.download_model", lang),
            functools.partial(read_model, model_id),  # read only when clicked
            file_name=f"dl_playground_{page}_run{run.number}.keras",
            mime="application/octet-stream",
            key=f"{page}_download_model",
        )
    history = pd.DataFrame(run.history)
    history.insert(0, "epoch", range(1, len(history) + 1))
    c2.download_button(
        t("runs.download_csv", lang),
        history.to_csv(index=False),
        file_name=f"dl_playground_{page}_run{run.number}_history.csv",
        mime="text/csv",
        key=f"{page}_download_history",
    )


def predict_one_wine(lang: str, run: RunRecord, raw: pd.DataFrame, split: SplitData) -> None:
    """Sliders for the 11 measurements (ranges from the data, starting at a real
    validation wine) and the quality the run's model predicts for them.

    Args:
        lang: Text language.
        run: The latest run (its ``meta["model_id"]`` names the saved model).
        raw: The unscaled wine table.
        split: The split the model was trained on (for scaling).
    """
    model_id = run.meta.get("model_id")
    if not model_id or run.result is None or saved_model(model_id) is None:
        return  # a pruned model: ``downloads`` above says so
    st.subheader(t("predict.title", lang))
    controls.explain(t("predict.intro", lang))
    features = list(split.feature_names)
    wines = [int(i) for i in split.valid_index]

    def load_wine() -> None:
        row = raw.loc[st.session_state["predict_wine"], features]
        for i, name in enumerate(features):
            st.session_state[f"predict_x{i}"] = float(row[name])

    st.selectbox(
        t("predict.wine", lang),
        wines,
        key="predict_wine",
        on_change=load_wine,
        format_func=lambda i: t("predict.wine_option", lang, row=i, quality=int(raw.loc[i, "quality"])),
    )
    chosen = raw.loc[st.session_state["predict_wine"]]
    columns = st.columns(3)
    values = []
    for i, name in enumerate(features):
        low, high = float(raw[name].min()), float(raw[name].max())
        step = float(10 ** np.floor(np.log10((high - low) / 200)))
        values.append(
            controls.slider(
                name,
                low,
                high,
                float(chosen[name]),
                step=step,
                key=f"predict_x{i}",
                where=columns[i % 3],
                format=f"%.{max(0, -int(np.floor(np.log10(step))))}f",
            )
        )
    scaled = ((np.asarray(values) - split.minimum[features].to_numpy()) / split.span[features].to_numpy()).tolist()
    try:
        result = compute(Task.PREDICT, {"model_id": model_id, "rows": [scaled]})
    except ComputeError as exc:
        st.warning(error_text(exc.error, lang) if exc.error.get("key") else t("predict.unavailable", lang))
        return
    predicted = float(split.unscale_target(result["predictions"][0]))
    is_real = all(np.isclose(v, float(chosen[n])) for v, n in zip(values, features, strict=True))
    c1, c2 = st.columns(2)
    c1.metric(t("predict.predicted", lang), f"{predicted:.2f}")
    if is_real:
        true = int(chosen["quality"])
        c2.metric(t("predict.true", lang), str(true), delta=f"{predicted - true:+.2f}", delta_color="off")
    else:
        c2.caption(t("predict.modified", lang))
