"""The frame every page draws first: page config, sidebar navigation, job status."""

from __future__ import annotations

import streamlit as st

from dlcore.lessons import LESSONS
from dlcore.text import DEFAULT_LANGUAGE, t
from ui.compute import get_compute_pool
from ui.pool import get_pool
from ui.session_jobs import harvest_all

STATUS_POLL_SECONDS = 2.0


def page_frame(slug: str | None) -> str:
    """Sets up a page and draws the sidebar.

    Args:
        slug: The lesson's slug, or None for the home page.

    Returns:
        The session's language code.
    """
    lang = st.session_state.get("lang", DEFAULT_LANGUAGE)
    title = t("app.title", lang) if slug is None else t(f"lesson.{slug}.title", lang)
    st.set_page_config(page_title=f"{title} · DL Playground", page_icon="🧠", layout="wide")
    # The first visit to any page starts the worker processes, so TensorFlow is
    # already imported there by the time somebody presses Train.
    get_pool()
    get_compute_pool()
    with st.sidebar:
        st.page_link("app.py", label=t("nav.home", lang), icon="🗺️")
        st.caption(t("nav.lessons", lang))
        for lesson in LESSONS:
            if lesson.available:
                st.page_link(lesson.script, label=t(f"lesson.{lesson.slug}.title", lang), icon=lesson.icon)
        if st.session_state.get("jobs"):
            _job_status(lang)
    return lang


def _job_status(lang: str) -> None:
    """Polls the session's running jobs from any page, so a run started on one
    page keeps its heartbeat (and is filed when done) while the user reads
    another."""

    @st.fragment(run_every=STATUS_POLL_SECONDS)
    def status() -> None:
        for page, snapshot in harvest_all():
            title = t(f"lesson.{page}.title", lang)
            if snapshot.queue_position is not None:
                st.caption(t("status.waiting", lang, position=snapshot.queue_position))
            else:
                epochs = sum(kind == "epoch" for kind, _ in snapshot.events)
                total = st.session_state["jobs"].get(page, {}).get("meta", {}).get("train", {}).get("epochs", "?")
                st.caption(t("status.running", lang, page=title, epoch=epochs, epochs=total))

    with st.sidebar:
        status()
