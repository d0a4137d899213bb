"""Just above the Train button: the data the next run uses, its estimated
time, or why it may not start.

Pages call ``before_train`` right before ``ui.live.train_buttons`` and pass
``job=None`` there when it returns False (Train is then disabled). The
estimate and the budget are ``dlcore.budget``'s.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dlcore.budget import ETA_SHOWN_ABOVE_SECONDS, BudgetCheck, check_budget
from dlcore.data import SplitData
from dlcore.markup import md
from dlcore.spec import ModelSpec, TrainConfig
from dlcore.text import t
from ui.panel import DEFAULT_SCOPE, apply_settings
from ui.upload_view import UploadedData, fallback_reason, use_sample


def duration(seconds: float, lang: str) -> str:
    """``45 s``, ``12 min`` or ``2 h 05 min`` (rounded up to the unit shown)."""
    whole = int(-(-seconds // 1))
    if whole < 90:
        return t("time.seconds", lang, seconds=whole)
    minutes = -(-whole // 60)
    if minutes < 90:
        return t("time.minutes", lang, minutes=minutes)
    return t("time.hours", lang, hours=minutes // 60, minutes=minutes % 60)


def data_note(page: str, lang: str, uploaded: UploadedData | None, bundled: str | None, rows: int) -> None:
    """Which data the next run trains on: the user's file, or the bundled
    data, said as a warning when the user chose a file that cannot be used.

    Args:
        page: Page slug.
        lang: Text language.
        uploaded: The user's prepared table, if any.
        bundled: The bundled data's name in ``lang``; None on a page without
            a choice of data (no note then).
        rows: The bundled data's rows.
    """
    if uploaded is not None:
        st.markdown(
            t("next.data.upload", lang, name=md(uploaded.name), target=md(uploaded.target), rows=len(uploaded.table))
        )
        return
    if bundled is None:
        return
    reason = fallback_reason(page, uploaded)
    if reason is None:
        st.markdown(t("next.data.bundled", lang, data=bundled, rows=rows))
    else:
        st.warning(t(f"next.data.{reason}", lang, data=bundled, rows=rows))


def budget_gate(
    page: str,
    lang: str,
    model: ModelSpec,
    train: TrainConfig,
    split: SplitData,
    *,
    uploaded: UploadedData | None = None,
    scope: str = DEFAULT_SCOPE,
) -> bool:
    """Shows a long run's estimated time, or refuses a run over the budget
    with its estimate and one-click offers that make it fit.

    Args:
        page: Page slug (widget keys).
        lang: Text language.
        model: The model the next run builds.
        train: Its training settings.
        split: The data it trains on.
        uploaded: The user's table (which may be sampled), if any.
        scope: The training panel's scope (the epochs offer sets its value).

    Returns:
        Whether the run fits the budget.
    """
    check = check_budget(
        model, train, len(split.y_train), len(split.y_valid), sample_from=uploaded.total_rows if uploaded else None
    )
    if check.fits:
        if check.cost.seconds >= ETA_SHOWN_ABOVE_SECONDS:
            st.markdown(t("budget.eta", lang, eta=duration(check.cost.seconds, lang)))
        return True
    _refusal(page, lang, check, train, uploaded, scope)
    return False


def _refusal(
    page: str, lang: str, check: BudgetCheck, train: TrainConfig, uploaded: UploadedData | None, scope: str
) -> None:
    cost = check.cost
    st.warning(
        t("budget.over", lang, estimate=duration(cost.seconds, lang), budget=duration(check.budget, lang),
          rows=cost.rows, params=cost.params, epochs=cost.epochs, batch=cost.batch_size)
    )  # fmt: skip
    sample_col, epochs_col = st.columns(2)
    if check.rows_that_fit is not None and uploaded is not None:
        sample_col.button(
            t("budget.sample", lang, rows=check.rows_that_fit, total=uploaded.total_rows),
            key=f"{page}_budget_sample",
            on_click=use_sample,
            args=(page, check.rows_that_fit),
        )
    if check.epochs_that_fit is not None:
        epochs_col.button(
            t("budget.epochs", lang, epochs=check.epochs_that_fit, planned=train.epochs),
            key=f"{page}_budget_epochs",
            on_click=apply_settings,
            args=(None, replace(train, epochs=check.epochs_that_fit)),
            kwargs={"scope": scope},
        )


def before_train(
    page: str,
    lang: str,
    model: ModelSpec | None,
    train: TrainConfig | None,
    split: SplitData,
    *,
    uploaded: UploadedData | None = None,
    bundled: str | None = None,
    scope: str = DEFAULT_SCOPE,
) -> bool:
    """Everything the page shows just above Train (see the module docstring).

    Args:
        page: Page slug.
        lang: Text language.
        model: The next run's model (None while the settings are invalid).
        train: Its training settings (None while invalid).
        split: The data it trains on.
        uploaded: The user's table, if any.
        bundled: The name of the bundled data the next run would use
            without an upload; None on a page without a choice of data.
        scope: The training panel's scope.

    Returns:
        Whether Train may start the run (always True while the settings are
        invalid: ``train_buttons`` gets no job then anyway).
    """
    data_note(page, lang, uploaded, bundled, len(split.y_train) + len(split.y_valid))
    if model is None or train is None:
        return True
    return budget_gate(page, lang, model, train, split, uploaded=uploaded, scope=scope)
