"""Metric cards and the predicted-vs-actual chart of the latest wine run."""

from __future__ import annotations

import numpy as np
import streamlit as st

from dlcore.charts import prediction_figure
from dlcore.data import SplitData
from dlcore.markup import md
from dlcore.text import t
from ui.charts import show
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
