"""The run history under a lesson's live chart: the session's runs as a
table, an overlay of chosen runs' validation curves, and deleting one run
or all of the page's runs (from the session and the store)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dlcore.figures.curves import apply_curve_options, runs_figure
from dlcore.runtime.runs import RUN_CAP, RunRecord
from dlcore.runtime.session_work import is_interrupted
from dlcore.store.runs import workspace_cap
from dlcore.text import t
from ui.curve_controls import curve_options
from ui.session_jobs import runs, session_work
from ui.store import current_workspace, delete_stored


def run_status(record: RunRecord) -> str:
    """How a run ended, one word: ``completed``, ``early_stopping``,
    ``cancelled``, ``diverged``, ``failed`` or ``interrupted``."""
    return "interrupted" if is_interrupted(record) else record.stop_reason


def run_history(page: str, lang: str) -> None:
    """The session's runs: a table, an overlay of chosen runs' validation
    curves, and buttons to delete one run or all of the page's runs (from
    the session and the store)."""
    history = runs(page)
    st.subheader(t("runs.title", lang))
    _show_delete_message(lang)
    if not history:
        st.caption(t("runs.empty", lang))
        return
    table = pd.DataFrame(
        [
            {
                t("runs.run", lang): r.number,
                t("runs.model", lang): r.meta.get("label", ""),
                t("runs.optimizer", lang): f"{t('optimizer.' + r.meta['train']['optimizer'], lang)} "
                f"η={r.meta['train']['learning_rate']:g}",
                t("runs.epochs", lang): r.epochs_run,
                t("runs.best_val", lang): round(r.best()[0], 4) if r.best() else None,
                t("runs.outcome", lang): t(f"store.status.{run_status(r)}", lang),
            }
            for r in reversed(history)
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")
    numbers = [r.number for r in history]
    chosen = st.multiselect(
        t("runs.compare", lang),
        numbers,
        default=numbers[-3:],
        key=f"{page}_compare_runs",
        format_func=lambda n: f"{t('runs.run', lang)} {n}",
    )
    picked = [r for r in history if r.number in chosen]
    if picked:
        st.plotly_chart(
            apply_curve_options(  # the page's smoothing and log scale (ui.curve_controls)
                runs_figure(
                    [
                        (f"{t('runs.run', lang)} {r.number}: {r.meta.get('label', '')}", r.history.get("val_loss", []))
                        for r in picked
                    ],
                    lang=lang,
                    numbers=[r.number for r in picked],
                ),
                curve_options(),
            ),
            key=f"{page}_runs_chart",
            width="stretch",
        )
    _delete_controls(page, numbers, lang)
    st.caption(t("store.kept", lang, shown=RUN_CAP, cap=workspace_cap()))


_DELETE_MESSAGE = "_runs_delete_message"  # (level, key, values) of the last deletion
_CONFIRM_ALL = "_runs_delete_all_confirm"  # the page whose "delete all" waits for a yes


def _delete_controls(page: str, numbers: list[int], lang: str) -> None:
    """Delete one chosen run (``runs_delete``), or all of the page's runs
    (``runs_delete_all``, then ``runs_delete_all_yes`` / ``runs_delete_all_no``)."""
    c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
    number = c1.selectbox(
        t("store.delete_pick", lang),
        list(reversed(numbers)),
        key="runs_delete_pick",
        format_func=lambda n: f"{t('runs.run', lang)} {n}",
    )
    c2.button(t("store.delete", lang), key="runs_delete", on_click=_delete_one, args=(page, number))
    c3.button(t("store.delete_all", lang), key="runs_delete_all", on_click=_ask_delete_all, args=(page,))
    if st.session_state.get(_CONFIRM_ALL) == page:
        st.warning(t("store.delete_all_ask", lang, count=len(numbers)))
        y, n, _ = st.columns([1, 1, 2])
        y.button(
            t("store.delete_all_yes", lang),
            key="runs_delete_all_yes",
            type="primary",
            on_click=_delete_all,
            args=(page,),
        )
        n.button(t("store.delete_all_no", lang), key="runs_delete_all_no", on_click=_ask_delete_all, args=(None,))


def _ask_delete_all(page: str | None) -> None:
    st.session_state[_CONFIRM_ALL] = page


def _delete_one(page: str, number: int | None) -> None:
    """Deletes run ``number`` of the page from the store, then from the session."""
    work = session_work().page(page)
    doomed = [r for r in work.runs if r.number == number]
    if not doomed:
        return
    if delete_stored(current_workspace(), [r.run_id for r in doomed]) is None:
        st.session_state[_DELETE_MESSAGE] = ("error", "store.delete_failed", {})
        return
    work.runs = [r for r in work.runs if r.number != number]
    st.session_state[_DELETE_MESSAGE] = ("success", "store.deleted_one", {"number": number})


def _delete_all(page: str) -> None:
    """Deletes every run of the page (also those older than the session shows)."""
    st.session_state[_CONFIRM_ALL] = None
    work = session_work().page(page)
    deleted = delete_stored(current_workspace(), None, page)
    if deleted is None:
        st.session_state[_DELETE_MESSAGE] = ("error", "store.delete_failed", {})
        return
    count, work.runs = max(deleted, len(work.runs)), []
    st.session_state[_DELETE_MESSAGE] = ("success", "store.deleted_all", {"count": count})


def _show_delete_message(lang: str) -> None:
    message = st.session_state.pop(_DELETE_MESSAGE, None)
    if message is not None:
        level, key, values = message
        getattr(st, level)(t(key, lang, **values))
