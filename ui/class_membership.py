"""A student's side of a class: joining with ``?class=CODE`` under a display
name, the banner on every lesson page, and which runs are posted.

The class code travels in the link (``?class=CODE``); the session keeps it,
and puts it back into the link after a page switch (``st.page_link`` drops
the query string), so every lesson the student opens stays in the class. A
link with ``cell=N`` (or ``cell=next``, which the store hands out
round-robin) fills the panel with that sweep cell's settings. Display names
are the student's own text: shown through ``md()`` only.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dlcore.board.rows import POSTED_PAGES
from dlcore.board.sweep import cell_label, cell_params, sweep_from_dict
from dlcore.markup import md
from dlcore.store.classes import (
    NAME_MAX,
    ClassError,
    assign_cell,
    get_class,
    join_class,
    membership,
    my_posts,
    normalize_code,
    withdraw_post,
)
from dlcore.store.db import Database
from dlcore.text import t
from ui import controls
from ui.class_posts import _CLASS, BOARD_SLUG, ClassState, class_state
from ui.session_jobs import runs
from ui.store import database_lost, get_database, get_recorder, workspace_id


def class_banner(slug: str | None, lang: str) -> None:
    """On a page opened with ``?class=CODE``: the join form once, then the banner."""
    if slug == BOARD_SLUG:
        return
    state = _read_link(lang)
    if state is None:
        return
    db = get_database()
    if db is None:  # not reachable yet (asked again every few seconds)
        st.warning(t("class.unreachable", lang))
        return
    try:
        if state.number is None:
            _join_form(db, state, lang)
            return
        _take_cell(db, state, slug, lang)
        _banner(db, state, lang)
        _unposted_note(slug, lang)
    except SQLAlchemyError:
        database_lost()  # pages leave it alone for a few seconds
        st.warning(t("class.unreachable", lang))


def _read_link(lang: str) -> ClassState | None:
    """The class the link names (kept in the session, and put back into the link)."""
    state = class_state()
    raw = st.query_params.get("class")
    if raw is not None:
        code = normalize_code(raw)
        if code is None:
            st.error(t("class.error.bad_code", lang, code=md(raw)))
            del st.query_params["class"]
            return state
        if state is None or state.code != code:
            state = ClassState(code)
            st.session_state[_CLASS] = state
    elif state is not None:
        st.query_params["class"] = state.code
    return state


def _join_form(db: Database, state: ClassState, lang: str) -> None:
    """Asks once for a display name; an unknown class says so and offers to leave."""
    info = get_class(db, state.code)
    if info is None:
        st.error(t("class.error.unknown_class", lang))
        st.button(t("class.leave", lang), key="class_leave", on_click=_leave)
        return
    known = membership(db, state.code, workspace_id())
    if known is not None:  # this workspace joined before (another tab, a reload)
        state.number, state.name = known.number, known.display_name
        return
    with st.container(border=True):
        st.markdown(t("class.join.title", lang, code=state.code))
        st.caption(t("class.join.intro", lang, most=NAME_MAX))
        name_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
        name_col.text_input(
            t("class.join.name", lang), key="display_name", placeholder=t("class.join.placeholder", lang)
        )
        if button_col.button(t("class.join.button", lang), key="class_join", type="primary", width="stretch"):
            try:
                member = join_class(db, state.code, workspace_id(), st.session_state.get("display_name") or "")
            except ClassError as error:
                st.error(t(f"class.error.{error.code}", lang, most=NAME_MAX))
                return
            state.number, state.name = member.number, member.display_name
            st.rerun()


def _take_cell(db: Database, state: ClassState, slug: str | None, lang: str) -> None:
    """A link's sweep cell (``cell=N`` or ``cell=next``): remembered, and its settings put into the panel."""
    raw = st.query_params.get("cell")
    if raw is None:
        return
    del st.query_params["cell"]  # taken once: a reload must not hand out another cell
    info = get_class(db, state.code)
    sweep = sweep_from_dict(info.sweep) if info is not None else None
    if sweep is None or slug != sweep.page:
        st.warning(t("class.cell.none", lang))
        return
    if raw == "next":
        cell = assign_cell(db, state.code, sweep.size)
    elif raw.isascii() and raw.isdigit() and int(raw) < sweep.size:  # "²".isdigit(), but int("²") raises
        cell = int(raw)
    else:
        st.warning(t("class.cell.bad", lang, cell=md(raw)))
        return
    state.cell = (sweep.page, cell)
    controls.queue_link_values(cell_params(sweep, cell))
    st.session_state["_class_cell_note"] = cell_label(sweep, cell, lang)


def _banner(db: Database, state: ClassState, lang: str) -> None:
    """In class CODE as NAME · N runs posted; withdraw a post, or leave."""
    posted = my_posts(db, state.code, workspace_id())
    info = get_class(db, state.code)
    with st.container(border=True):
        text_col, leave_col = st.columns([5, 1], vertical_alignment="center")
        text_col.markdown(t("class.banner", lang, code=state.code, name=md(state.name), count=len(posted)))
        leave_col.button(t("class.leave", lang), key="class_leave", on_click=_leave, width="stretch")
        if info is None:
            st.error(t("class.error.unknown_class", lang))
        elif info.closed:
            st.info(t("class.closed_note", lang))
        note = st.session_state.get("_class_cell_note")
        if state.cell is not None and note:
            st.caption(t("class.cell.given", lang, cell=state.cell[1] + 1, settings=md(note)))
        if posted:
            _withdraw(db, state, posted, lang)


def _unposted_note(slug: str | None, lang: str) -> None:
    """Why the page's latest run is not on the board, when the board refused it
    (the class closed, the post limit reached): the post is made in the
    background, so the page learns its outcome from the recorder."""
    history = runs(slug) if slug in POSTED_PAGES else []
    outcome = get_recorder().post_outcome(history[-1].run_id) if history and history[-1].run_id else None
    if outcome not in (None, "posted"):
        st.warning(t("class.unposted", lang, number=history[-1].number, reason=t(f"class.error.{outcome}", lang)))


def _withdraw(db: Database, state: ClassState, posted: set[str], lang: str) -> None:
    """A list of the student's posted runs and a button that withdraws one."""
    labels = {
        record.run_id: t(
            "class.withdraw.run",
            lang,
            page=t(f"lesson.{page}.title", lang),
            number=record.number,
            label=record.meta.get("label", ""),
        )
        for page in POSTED_PAGES
        for record in runs(page)
        if record.run_id in posted
    }
    options = sorted(posted, key=lambda run_id: labels.get(run_id, run_id))
    with st.expander(t("class.withdraw.title", lang)):
        chosen = st.selectbox(
            t("class.withdraw.which", lang),
            options,
            key="class_withdraw_run",
            format_func=lambda run_id: labels.get(run_id) or t("class.withdraw.other", lang, run=run_id[:8]),
        )
        if st.button(t("class.withdraw.button", lang), key="class_withdraw") and chosen:
            withdraw_post(db, state.code, workspace_id(), chosen)
            st.toast(t("class.withdraw.done", lang), icon="↩️")
            st.rerun()


def _leave() -> None:
    st.session_state.pop(_CLASS, None)
    st.session_state.pop("_class_cell_note", None)
    if "class" in st.query_params:
        del st.query_params["class"]
