"""Pause, Resume, Step and "Train N more epochs" under the live chart.

While a run trains: Pause (key ``pause``); while it is paused: Resume (key
``resume``) and Step (key ``step``), sent to its job (``control_job``). A run
whose job ended paused (it held longer than ``DLP_PAUSE_SECONDS`` and freed
its worker, its model saved) keeps the same two buttons, which continue it
as a new job of the same run (``continue_run``). After a run that ended: a
number (key ``more_epochs``) and "Train more epochs" (key ``train_more``)
continue its model, the new epochs appended to the same curves.

The buttons act in ``on_click`` callbacks; the live view's fragment then
sees the job start (or hold) and redraws the page at the right pace.
"""

from __future__ import annotations

import streamlit as st

from dlcore.runtime.executor import PAUSE, RESUME, STEP, JobSnapshot
from dlcore.runtime.runs import RunRecord
from dlcore.runtime.session_work import is_interrupted
from dlcore.spec import MAX_EPOCHS
from dlcore.text import t
from ui.session_jobs import continuation_payload, continue_run, control_job

_PAUSE_ASKED = "_pause_asked"  # the job whose Pause was pressed and is not yet held
DEFAULT_MORE_EPOCHS = 10


def paused_epoch(snapshot: JobSnapshot) -> int:
    """The epoch after which the job holds (0 if it never paused)."""
    for kind, data in reversed(snapshot.events):
        if kind == "paused":
            return int(data["epoch"])
    return 0


def paused_status(snapshot: JobSnapshot, total_epochs: int, lang: str) -> None:
    """"Paused after epoch k of n" while the job holds."""
    if snapshot.paused:
        st.info(t("pause.status", lang, epoch=paused_epoch(snapshot), epochs=total_epochs))


def running_controls(page: str, snapshot: JobSnapshot, lang: str) -> None:
    """Pause while the job trains; Resume and Step while it holds."""
    if snapshot.cancel_requested or snapshot.queue_position is not None:
        return
    if snapshot.paused:
        st.session_state.pop(_PAUSE_ASKED, None)
        resume, step = st.columns(2)
        resume.button(t("pause.resume", lang), key="resume", type="primary", on_click=control_job, args=(page, RESUME))
        step.button(t("pause.step", lang), key="step", on_click=control_job, args=(page, STEP))
        st.caption(t("pause.help", lang))
    elif st.session_state.get(_PAUSE_ASKED) == snapshot.job_id:
        st.caption(t("pause.pausing", lang))
    else:
        st.button(t("pause.pause", lang), key="pause", on_click=_pause, args=(page, snapshot.job_id))


def _pause(page: str, job_id: str) -> None:
    control_job(page, PAUSE)
    st.session_state[_PAUSE_ASKED] = job_id


def after_run_controls(page: str, task: str, record: RunRecord, planned_epochs: int, lang: str) -> None:
    """Resume / Step for a run that ended paused; "Train more epochs" for one that ended.

    Args:
        page: The page slug.
        task: The page's training task.
        record: The page's latest run.
        planned_epochs: Epochs of the current settings (unused for a paused
            run, which keeps its own plan).
        lang: Text language.
    """
    if record.result is None or is_interrupted(record) or record.stop_reason == "diverged":
        return
    if continuation_payload(page, record) is None:
        if record.meta.get("model_id") and record.stop_reason == "paused":
            st.caption(t("pause.model_gone", lang))
        return
    planned = int(record.meta["train"]["epochs"])
    if record.stop_reason == "paused" and record.epochs_run < planned:
        resume, step = st.columns(2)
        resume.button(
            t("pause.resume", lang),
            key="resume",
            type="primary",
            on_click=_continue,
            args=(page, task, record, planned, False),
        )
        step.button(t("pause.step", lang), key="step", on_click=_continue, args=(page, task, record, planned, True))
        st.caption(t("pause.help", lang))
        return
    room = MAX_EPOCHS - record.epochs_run
    if room < 1:
        return
    number, button = st.columns([1, 2], vertical_alignment="bottom")
    number.number_input(
        t("pause.more_epochs", lang), 1, room, min(DEFAULT_MORE_EPOCHS, room), key="more_epochs"
    )
    button.button(
        t("pause.train_more", lang),
        key="train_more",
        help=t("pause.train_more_help", lang),
        on_click=_train_more,
        args=(page, task, record),
    )


def _continue(page: str, task: str, record: RunRecord, epochs: int, step: bool) -> None:
    continue_run(page, task, record, epochs=epochs, start_paused=step)


def _train_more(page: str, task: str, record: RunRecord) -> None:
    more = int(st.session_state.get("more_epochs", DEFAULT_MORE_EPOCHS))
    continue_run(page, task, record, epochs=record.epochs_run + more)
