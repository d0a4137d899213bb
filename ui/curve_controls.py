"""TensorBoard's curve controls, in one place: the smoothing slider (key
``smoothing``) and the log-scale switch (key ``log_scale``).

A page draws them with ``curve_controls`` above its live chart; the live
chart (``ui.live``) and the run-history overlay (``ui.run_history``) read them
with ``curve_options``. They are kept per user in the session (and in the page
link, like every control), and apply only on pages that draw them: a page
without the slider never shows a smoothed curve the student cannot turn off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import plotly.graph_objects as go
import streamlit as st

from dlcore.curve_stats import SMOOTHING_MAX
from dlcore.figures.curves import CurveOptions, run_colour
from dlcore.text import t
from ui import controls
from ui.session_jobs import active_job, session_work

if TYPE_CHECKING:  # ui.live draws with this module's options
    from ui.live import LiveFrame

# TensorBoard starts at 0.6, made for thousands of noisy steps. The course's
# runs are 10 to a few hundred epochs whose raw values are the numbers Keras
# prints and the lessons talk about (the best epoch, where validation turns
# up), and smoothing delays that turn; so the raw curve is the default and
# smoothing a choice.
SMOOTHING_DEFAULT = 0.0
SMOOTHING_KEY, LOG_SCALE_KEY = "smoothing", "log_scale"


def curve_controls(lang: str) -> CurveOptions:
    """The smoothing slider and the log-scale switch, side by side.

    Args:
        lang: Text language.

    Returns:
        The chosen options.
    """
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    smoothing = controls.slider(
        t("curves.smoothing", lang),
        0.0,
        SMOOTHING_MAX,
        SMOOTHING_DEFAULT,
        step=0.01,
        key=SMOOTHING_KEY,
        help=t("curves.smoothing_help", lang),
        where=left,
    )
    log_scale = controls.toggle(
        t("curves.log_scale", lang), value=False, key=LOG_SCALE_KEY, help=t("curves.log_scale_help", lang), where=right
    )
    return CurveOptions(float(smoothing), bool(log_scale))


def curve_options() -> CurveOptions:
    """The options of this page's curve controls; none (raw, linear) on a
    page that did not draw them in its last full run (a fragment's poll sees
    the keys its page drew)."""
    drawn = controls.page_controls()
    if SMOOTHING_KEY not in drawn:
        return CurveOptions()
    state = st.session_state
    return CurveOptions(float(state.get(SMOOTHING_KEY, SMOOTHING_DEFAULT)), bool(state.get(LOG_SCALE_KEY, False)))


def frame_run_number(page: str, frame: LiveFrame) -> int:
    """The number of the run a live frame shows: the running job's (given
    at its start), the latest run's, or the next one before any run."""
    if frame.record is not None:
        return frame.record.number
    job = active_job(page) if frame.running else None
    if job is not None and job.number:
        return job.number
    return session_work().page(page).next_number()


def run_coloured_curves(page: str) -> Callable[[LiveFrame, str], go.Figure]:
    """A ``live_view`` chart: the loss curves in the run's colour
    (``run_colour``, as in the run-history overlay and the distributions),
    the run before it dotted in its own colour."""

    from ui.live import default_curves  # ui.live draws with this module's options

    def curves(frame: LiveFrame, lang: str) -> go.Figure:
        return default_curves(frame, lang, colour=run_colour(frame_run_number(page, frame)))

    return curves
