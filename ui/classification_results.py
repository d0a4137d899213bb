"""After a classification run: threshold, confusion matrix, ROC curve, baseline."""

from __future__ import annotations

import numpy as np
import streamlit as st

from dlcore.classification import auc, confusion, majority_accuracy, roc_curve
from dlcore.classification_charts import confusion_figure, roc_figure
from dlcore.data import SplitData
from dlcore.runs import RunRecord
from dlcore.text import t
from ui import controls
from ui.charts import show


def _pct(value: float) -> str:
    return "–" if np.isnan(value) else f"{value:.1%}"


def classification_results(record: RunRecord, split: SplitData | None, lang: str) -> None:
    """The latest run's validation predictions read at a chosen threshold.

    Widgets and charts: slider ``threshold``; charts ``classification_confusion``
    and ``classification_roc``.

    Args:
        record: The latest run (its ``predictions`` are validation probabilities).
        split: The split the run was trained on (``run_split``); None when it
            is not at hand (an uploaded table since replaced).
        lang: Text language.
    """
    if split is None:
        st.caption(t("clf.results.other_data", lang, number=record.number))
        return
    y, p = split.y_valid, np.asarray(record.predictions, dtype=float)
    if len(p) != len(y):
        return
    st.subheader(t("clf.results.title", lang, number=record.number))
    controls.explain(t("clf.results.text", lang))
    threshold = controls.slider(
        t("clf.threshold", lang), 0.0, 1.0, 0.5, step=0.01, key="threshold", help=t("clf.threshold_help", lang)
    )
    counts = confusion(y, p, threshold)
    majority, majority_acc = majority_accuracy(split.y_train, y)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        t("clf.accuracy", lang),
        _pct(counts.accuracy),
        delta=t("clf.vs_majority", lang, points=(counts.accuracy - majority_acc) * 100),
        delta_color="normal" if counts.accuracy > majority_acc else "inverse",
    )
    c2.metric(
        t("clf.majority", lang),
        _pct(majority_acc),
        help=t("clf.majority_help", lang, cls=t(f"clf.class{majority}", lang)),
    )
    c3.metric(t("clf.precision", lang), _pct(counts.precision), help=t("clf.precision_help", lang))
    c4.metric(t("clf.recall", lang), _pct(counts.recall), help=t("clf.recall_help", lang))
    st.caption(
        t(
            "clf.read_accuracy",
            lang,
            acc=counts.accuracy,
            majority=majority_acc,
            cls=t(f"clf.class{majority}", lang),
            errors=counts.fp + counts.fn,
            fp=counts.fp,
            fn=counts.fn,
        )
    )
    cm_col, roc_col = st.columns(2)
    show(confusion_figure(counts, lang=lang), key="classification_confusion", where=cm_col)
    try:
        fpr, tpr, _ = roc_curve(y, p)
    except ValueError:
        roc_col.warning(t("clf.roc.one_class", lang))
        return
    area = auc(fpr, tpr)
    show(
        roc_figure(fpr, tpr, area, lang=lang, point=(counts.false_positive_rate, counts.recall), threshold=threshold),
        key="classification_roc",
        where=roc_col,
    )
    keras_auc = (record.result or {}).get("final", {}).get("val_auc")
    roc_col.caption(
        t("clf.roc.caption", lang, auc=area)
        + (" " + t("clf.roc.keras", lang, auc=keras_auc) if keras_auc is not None else "")
    )
