"""Shows a learning-curve diagnosis (``dlcore.diagnosis``) with its numbers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dlcore.diagnosis import Diagnosis
from dlcore.text import t

_LEVELS = {
    "too_short": "info",
    "overfitting": "warning",
    "unstable": "error",
    "underfitting": "warning",
    "good_fit": "success",
}


def verdict_label(diagnosis: Diagnosis, lang: str) -> str:
    """A short verdict for tables: "over-fitting from epoch 12", "good fit"…"""
    return t(f"dx.verdict.{diagnosis.verdict}", lang, epoch=diagnosis.epoch)


def diagnosis_text(diagnosis: Diagnosis, lang: str) -> str:
    """The verdict in a sentence, with the numbers it was read from."""
    n = diagnosis.numbers
    if diagnosis.verdict == "too_short":
        return t("dx.too_short", lang, epochs=n.get("epochs", 0))
    k = int(n["smoothing"])
    values = {
        "epoch": diagnosis.epoch,
        "best": n["best_val"],
        "best_epoch": int(n["best_epoch"]),
        "final": n["final_val"],
        "turn": n["turn_val"],
        "train_turn": n["train_at_turn"],
        "train_final": n["final_train"],
        "train_rise": n["train_change"],
        "rise": n["rise"],
        "gap": n["gap"],
        "drop": n["recent_drop"],
        "smoothed": t("dx.smoothed", lang, k=k) if k > 1 else "",
        "averaged": t("dx.averaged", lang, k=k) if k > 1 else "",
    }
    if diagnosis.verdict == "underfitting":
        if "baseline" in n and n["baseline_ratio"] >= 0.9:
            return t("dx.underfitting_high", lang, ratio=n["baseline_ratio"], baseline=n["baseline"], **values)
        return t("dx.underfitting_falling", lang, **values)
    if diagnosis.verdict == "good_fit":
        versus = t("dx.versus", lang, ratio=n["baseline_ratio"], baseline=n["baseline"]) if "baseline" in n else ""
        gap = n["gap"]
        gap_text = t("dx.gap_below", lang, gap=gap) if gap >= 0 else t("dx.gap_above", lang, gap=-gap)
        return t("dx.good_fit", lang, versus=versus, gap_text=gap_text, **values)
    return t(f"dx.{diagnosis.verdict}", lang, **values)


def show_diagnosis(diagnosis: Diagnosis, lang: str, *, running: bool = False, key: str) -> None:
    """The verdict as a coloured message and its numbers in an expander.

    Args:
        diagnosis: The diagnosis.
        lang: Text language.
        running: The run is still going (the verdict is provisional).
        key: Element key stem (the numbers table is ``{key}_numbers``).
    """
    text = diagnosis_text(diagnosis, lang)
    level = "info" if running else _LEVELS[diagnosis.verdict]
    getattr(st, level)((t("dx.so_far", lang) if running else "") + text)
    if diagnosis.verdict == "too_short" or running:
        return
    with st.expander(t("dx.numbers", lang)):
        rows = [
            {t("dx.col.measure", lang): t(f"dx.n.{name}", lang), t("dx.col.value", lang): f"{value:.4g}"}
            for name, value in diagnosis.numbers.items()
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key=f"{key}_numbers")
        st.caption(t("dx.rules", lang))
