"""Train/Stop buttons, the live learning-curve view and the run history.

The live view is an ``st.fragment`` that polls the page's job while it runs
(paced: see ``live_view``) and redraws one chart under a stable key, so the
job (which lives in a worker process) survives any rerun of the page.
Pages may replace the chart (``curves``) and draw more inside the fragment
(``extra``: a gradient chart, a decision boundary), both from a ``LiveFrame``.

Under the chart, a running job has Stop and Pause (Resume and Step while
paused); a run that ended paused can be resumed or stepped, and a run that
ended can be trained for more epochs (``ui.pause_controls``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from dlcore.figures.curves import apply_curve_options, loss_figure, run_colour
from dlcore.figures.style import NORMAL
from dlcore.runtime.executor import JobSnapshot
from dlcore.runtime.runs import RunRecord, epoch_seconds, eta_seconds, history_from_events
from dlcore.runtime.session_work import is_interrupted
from dlcore.runtime.tasks import Task
from dlcore.text import error_text, t
from ui.charts import memoized
from ui.curve_controls import curve_options
from ui.pause_controls import after_run_controls, paused_status, running_controls
from ui.pool import get_pool
from ui.session_jobs import active_job, poll, runs, start_job

# Seconds between polls of the page's job (see ``live_view``).
WAIT_POLL_SECONDS = 1.5
START_POLL_SECONDS = 0.2
STREAM_POLL_SECONDS = 0.5


@dataclass(frozen=True)
class LiveFrame:
    """What the live view shows at one poll: the running job or the latest run.

    Attributes:
        history: Per-epoch metrics so far (``{"loss": [...], ...}``).
        total_epochs: Planned epochs (x range of the curves).
        running: Whether a job is running (or queued) right now.
        meta: Settings of that job or run (None before the first run).
        events: The running job's events (empty when idle).
        record: The latest finished run when idle, else None.
        previous: The run to draw dotted for comparison, if any.
        loss_name: Loss key of the job or run (the current settings' when idle).
        source: The job's id, or ``run-N`` for run N, or "" before any run.
    """

    history: dict[str, list[float]]
    total_epochs: int
    running: bool
    meta: dict[str, Any] | None = None
    events: tuple[tuple[str, dict[str, Any]], ...] = ()
    record: RunRecord | None = None
    previous: RunRecord | None = None
    loss_name: str = "mae"
    source: str = ""


def default_curves(frame: LiveFrame, lang: str, colour: str | None = None) -> go.Figure:
    """Training and validation loss (``dlcore.figures.curves.loss_figure``), the best
    epoch and EarlyStopping's stop marked once the run is over.

    Args:
        frame: What the live view shows.
        lang: Text language.
        colour: The run's colour (``run_colour``); the compared run then
            takes its own run colour. Default: the figure's own colours.
    """
    result = (frame.record.result or {}) if frame.record is not None else {}
    previous = frame.previous
    return loss_figure(
        frame.history,
        lang=lang,
        total_epochs=frame.total_epochs,
        loss_name=frame.loss_name,
        best_epoch=result.get("best_epoch"),
        stopped_epoch=result.get("stopped_epoch"),
        compare=previous.history if previous else None,
        compare_label=f"{t('runs.run', lang)} {previous.number}" if previous else None,
        colour=colour,
        compare_colour=run_colour(previous.number) if previous and colour else None,
    )


def train_buttons(
    page: str,
    lang: str,
    *,
    job: Callable[[], tuple[dict[str, Any], dict[str, Any]]] | None,
    task: Task = Task.TRAIN,
) -> None:
    """The Train button (key ``train``); disabled while a run is active or
    the settings are invalid (``job`` is None).

    Args:
        page: Page slug.
        lang: Text language.
        job: Builds ``(payload, meta)`` from the current settings: the job's
            arguments and the settings kept with the run.
        task: Task name for the pool.
    """

    # Started after the click's script run has read every widget (not in an
    # on_click callback, which runs before the script with the settings of the
    # run that drew the button): a student who changes the epochs and presses
    # Train at once trains what the panel shows.
    clicked = st.button(
        t("train.button", lang),
        key="train",
        type="primary",
        disabled=job is None or active_job(page) is not None,
        width="stretch",
    )
    if clicked and active_job(page) is None and job is not None:
        start_job(page, task, *job())
        st.rerun()  # the button disabled, the live view polling


def _fmt_eta(seconds: float | None, lang: str) -> str:
    if seconds is None:
        return t("train.eta_unknown", lang)
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}" if minutes else f"{secs} s"


def outcome_message(record: RunRecord, lang: str) -> tuple[str, str]:
    """``(level, text)`` describing how a run ended; level is an ``st`` call name."""
    result = record.result
    train = record.meta.get("train", {})
    if is_interrupted(record):  # its curves are kept: a warning, not a failure
        return "warning", error_text(record.error, lang)
    if result is None:
        return "error", error_text(record.error, lang)
    reason = result["stop_reason"]
    if reason == "diverged":
        return "error", t(
            "outcome.diverged",
            lang,
            epoch=result["diverged_epoch"],
            lr=train.get("learning_rate"),
            optimizer=t(f"optimizer.{train.get('optimizer', 'sgd')}", lang),
        )
    if reason == "early_stopping":
        return "success", t("outcome.early_stopping", lang, stopped=result["stopped_epoch"], best=result["best_epoch"])
    if reason == "cancelled":
        return "warning", t("outcome.cancelled", lang, epochs=record.epochs_run)
    if reason == "paused" and record.meta.get("model_id"):
        return "info", t("pause.status_freed", lang, epoch=record.epochs_run, epochs=train.get("epochs", "?"))
    if reason == "paused":  # a page that keeps no model: the hold ended the run as a Stop would
        return "warning", t("outcome.cancelled", lang, epochs=record.epochs_run)
    return "success", t("outcome.completed", lang, epochs=record.epochs_run, seconds=result["seconds"])


def _polling_interval(snapshot: JobSnapshot | None) -> float | None:
    """Seconds between polls of the page's job: none when idle, slow while
    it is queued, fast until its first epoch shows (the student just pressed
    Train), then the streaming pace."""
    if snapshot is None or snapshot.finished:
        return None
    if snapshot.queue_position is not None:
        return WAIT_POLL_SECONDS
    started = any(kind == "epoch" for kind, _ in snapshot.events)
    return STREAM_POLL_SECONDS if started else START_POLL_SECONDS


def _running_frame(entry: Any, snapshot: JobSnapshot, history: list[RunRecord]) -> LiveFrame:
    meta_train = entry.meta["train"]
    others = [r for r in history if r.number != entry.number]  # a continued run is not its own comparison
    return LiveFrame(
        # A continuation's epochs follow its run's first part: one unbroken curve.
        history=entry.record(snapshot).history if entry.base is not None else history_from_events(snapshot.events),
        total_epochs=int(meta_train["epochs"]),
        running=True,
        meta=entry.meta,
        events=snapshot.events,
        previous=others[-1] if others else None,
        loss_name=meta_train["loss"],
        source=snapshot.job_id,
    )


def _idle_frame(history: list[RunRecord], planned_epochs: int, loss_name: str) -> LiveFrame:
    latest = history[-1] if history else None
    if latest is None:
        return LiveFrame(history={}, total_epochs=planned_epochs, running=False, loss_name=loss_name)
    return LiveFrame(
        history=latest.history,
        total_epochs=int(latest.meta["train"]["epochs"]),
        running=False,
        meta=latest.meta,
        record=latest,
        previous=history[-2] if len(history) > 1 else None,
        loss_name=latest.meta["train"]["loss"],
        source=f"run-{latest.number}",
    )


def _progress(snapshot: JobSnapshot, total: int, lang: str, done_before: int = 0) -> None:
    """Queue position while waiting, then epoch k of n with its pace and ETA
    (``done_before``: epochs a continued run had before this job)."""
    if snapshot.queue_position is not None:
        ready = get_pool().stats()["ready"]
        st.info(t("train.waiting", lang, position=snapshot.queue_position) if ready else t("train.warming", lang))
    seconds = epoch_seconds(snapshot.events)
    done = done_before + len(seconds)
    st.progress(
        min(done / total, 1.0),
        text=t(
            "train.progress",
            lang,
            epoch=done,
            epochs=total,
            seconds=seconds[-1] if seconds else 0.0,
            eta=_fmt_eta(eta_seconds(seconds, total - done_before), lang),
        ),
    )


def live_view(
    page: str,
    lang: str,
    *,
    planned_epochs: int,
    loss_name: str,
    curves: Callable[[LiveFrame, str], go.Figure] = default_curves,
    extra: Callable[[LiveFrame], None] | None = None,
    on_stop: Callable[[], None] | None = None,
    task: Task = Task.TRAIN,
) -> None:
    """The learning-curve chart: live while the page's job runs, else the
    latest run (with the one before it dotted for comparison).

    Polling costs the server a script run per open tab, so it is paced
    (``_polling_interval``): a queued job is looked at every
    ``WAIT_POLL_SECONDS``, a started one every ``START_POLL_SECONDS`` until
    its first epoch shows, then every ``STREAM_POLL_SECONDS``. A fragment's
    pace is fixed when the page runs, so a change of pace reruns the page
    (three times per run). The chart is rebuilt only when an epoch arrived.

    Args:
        page: Page slug.
        lang: Text language.
        planned_epochs: Epochs of the current settings (x range when idle).
        loss_name: Loss key of the current settings (y label when idle).
        curves: Builds the chart from a frame (default: the loss curves).
        extra: Draws more from the same frame, below the chart, inside the
            polling fragment (so it is redrawn live).
        on_stop: Called when Stop is pressed, after the job was cancelled.
        task: The page's training task (a paused or ended run continues with it).
    """
    was_active = active_job(page) is not None  # as drawn above (the Train button)
    pace = _polling_interval(poll(page)) if was_active else None
    chart_key = f"{page}_live_chart"
    # Streamlit 1.67 derives a Plotly chart's identity from its figure, so a
    # chart whose data changed is mounted anew, and for one painted frame its
    # box is empty (upstream: streamlit#16052). Its height stays reserved, so
    # the page never jumps under the student's eyes.
    st.html(f"<style>.st-key-{chart_key} {{ min-height: {NORMAL.height}px; }}</style>")

    # The fragment is this closure (Streamlit names a fragment by its function's
    # qualified name); the pieces it draws are module-level functions.
    def body() -> None:
        """One poll: the status, the chart, the Stop button, then ``extra``.

        Running or idle, the chart is the second element of this fragment
        (status and Stop are containers, filled or left empty), so a run's
        end redraws the chart the browser already shows instead of mounting
        a new one.
        """
        entry = active_job(page)
        snapshot = poll(page) if entry is not None else None
        running = entry is not None and snapshot is not None and not snapshot.finished
        if running != was_active or _polling_interval(snapshot) != pace:
            st.rerun(scope="app")  # started, streaming or ended: redraw at the new pace
        frame = (
            _running_frame(entry, snapshot, runs(page))
            if running
            else _idle_frame(runs(page), planned_epochs, loss_name)
        )
        with st.container():
            _show_status(frame, snapshot if running else None, lang, entry)
        _draw_chart(frame, chart_key, curves, lang)
        with st.container():
            if running:
                _show_stop(entry.job_id, snapshot, lang, on_stop)
                running_controls(page, snapshot, lang)
            elif frame.record is not None:
                after_run_controls(page, task, frame.record, planned_epochs, lang)
        if extra is not None:
            extra(frame)

    st.fragment(run_every=pace)(body)()


def _show_status(frame: LiveFrame, snapshot: JobSnapshot | None, lang: str, entry: Any = None) -> None:
    """The running job's progress (and that it is paused), or how the latest
    run ended (nothing before the first run)."""
    if snapshot is not None:
        base = entry.base if entry is not None else None
        _progress(snapshot, frame.total_epochs, lang, base.epochs_run if base is not None else 0)
        paused_status(snapshot, frame.total_epochs, lang)
    elif frame.record is not None:
        level, text = outcome_message(frame.record, lang)
        getattr(st, level)(text)


def _draw_chart(frame: LiveFrame, chart_key: str, curves: Callable[[LiveFrame, str], go.Figure], lang: str) -> None:
    """The chart under its stable key, rebuilt only when the frame's
    signature changed (a new epoch, another run, another language)."""
    epochs = len(frame.history.get("loss", []))
    previous = frame.previous.number if frame.previous else None
    options = curve_options()  # the page's smoothing and log scale (ui.curve_controls)
    signature = (frame.source, epochs, frame.total_epochs, frame.loss_name, previous, lang, options)
    fig = memoized(chart_key, signature, lambda: apply_curve_options(curves(frame, lang), options))
    st.plotly_chart(fig, key=chart_key, width="stretch")


def _show_stop(job_id: str, snapshot: JobSnapshot, lang: str, on_stop: Callable[[], None] | None) -> None:
    """The Stop button (key ``stop``), or a note once Stop was pressed."""
    if snapshot.cancel_requested:
        st.caption(t("train.stopping", lang))
    else:
        st.button(t("train.stop", lang), key="stop", on_click=_stop, args=(job_id, on_stop))


def _stop(job_id: str, on_stop: Callable[[], None] | None) -> None:
    """Cancels the job, then calls the page's ``on_stop``."""
    get_pool().cancel(job_id)
    if on_stop is not None:
        on_stop()
