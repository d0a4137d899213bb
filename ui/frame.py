"""The frame every page draws: page config, sidebar (language, projector and
presenter modes, navigation, job status), and the page's end."""

from __future__ import annotations

import streamlit as st

from dlcore.lessons import LESSONS
from dlcore.text import DEFAULT_LANGUAGE, LANGUAGES, t
from ui import controls
from ui.class_membership import class_banner
from ui.compute import get_compute_pool
from ui.experiment_queue import advance_all
from ui.pool import get_pool
from ui.session_jobs import active_job, harvest_all, session_work
from ui.share_view import share_section
from ui.store import open_workspace, store_notice

STATUS_POLL_SECONDS = 2.0

# Projector mode: Streamlit sizes its text in rem, so a larger root size
# scales the whole page (body 20 px); captions (secondary text) are hidden.
PROJECTOR_CSS = """
<style>
html { font-size: 20px; }
[data-testid="stCaptionContainer"] { display: none; }
[data-testid="stMainBlockContainer"] { padding-left: 1.5rem !important; padding-right: 1.5rem !important; }
[data-testid="stSidebar"] { font-size: 18px; }
</style>
"""


def page_frame(slug: str | None) -> str:
    """Sets up a page and draws the sidebar.

    Args:
        slug: The lesson's slug, or None for the home page.

    Returns:
        The session's language code.
    """
    controls.begin_run()
    with st.sidebar:
        lang = controls.selectbox(
            t("frame.language"),
            list(LANGUAGES),
            index=list(LANGUAGES).index(DEFAULT_LANGUAGE),
            key="lang",
            format_func=LANGUAGES.get,
        )
    title = t("app.title", lang) if slug is None else t(f"lesson.{slug}.title", lang)
    st.set_page_config(page_title=f"{title} · DL Playground", page_icon="🧠", layout="wide")
    # The first visit to any page starts the worker processes, so TensorFlow is
    # already imported there by the time somebody presses Train.
    get_pool()
    get_compute_pool()
    open_workspace(lang)
    with st.sidebar:
        controls.toggle(t("frame.projector", lang), key="projector", help=t("frame.projector_help", lang))
        controls.toggle(t("frame.presenter", lang), key="presenter", help=t("frame.presenter_help", lang))
        st.page_link("app.py", label=t("nav.home", lang), icon="🗺️")
        st.caption(t("nav.lessons", lang))
        for lesson in LESSONS:
            if lesson.available:
                st.page_link(lesson.script, label=t(f"lesson.{lesson.slug}.title", lang), icon=lesson.icon)
        st.page_link("pages/9_class.py", label=t("lesson.class.title", lang), icon="📋")
        # The page's own job is polled by its live view; a job of another
        # page needs the sidebar's poller to stay alive and be filed.
        if any(page != slug for page in session_work().active_pages()):
            _job_status(lang)
    if st.session_state.get("projector"):
        st.html(PROJECTOR_CSS)
    store_notice(lang)
    class_banner(slug, lang)
    return lang


def page_end(lang: str) -> None:
    """Finishes a page: in presenter mode offers the page's controls (and its
    explanations) to hide, reports link parameters nobody took, then draws
    the "Share this setup" section from the final query string."""
    hidden_before = controls.hidden_keys()
    if st.session_state.get("presenter"):
        options = [*dict.fromkeys(controls.page_controls()), "explanations"]
        options = [key for key in options if key not in controls.GLOBAL_PARAMS]
        with st.sidebar:
            controls.multiselect(
                t("frame.hide", lang),
                options,
                key="hide",
                format_func=lambda key: t("frame.explanations", lang) if key == "explanations" else key,
            )
    controls.end_run()
    if controls.hidden_keys() != hidden_before:
        st.rerun()
    share_section(lang)


def _job_status(lang: str) -> None:
    """Polls the session's running jobs from any page, so a run started on one
    page keeps its heartbeat (and is filed when done) while the user reads
    another."""

    @st.fragment(run_every=STATUS_POLL_SECONDS)
    def status() -> None:
        running = harvest_all()
        advance_all()  # queued experiments start while the user reads another page
        for page, snapshot in running:
            title = t(f"lesson.{page}.title", lang)
            if snapshot.queue_position is not None:
                st.caption(t("status.waiting", lang, position=snapshot.queue_position))
            else:
                epochs = sum(kind == "epoch" for kind, _ in snapshot.events)
                job = active_job(page)
                total = job.meta.get("train", {}).get("epochs", "?") if job is not None else "?"
                st.caption(t("status.running", lang, page=title, epoch=epochs, epochs=total))

    with st.sidebar:
        status()
