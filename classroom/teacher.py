"""The teacher's side of the class board: who looks at it (``access``), the
create button, the join link and its QR code, the teacher's tools, and the
class sweep (its editor and a link and QR code per cell).

Every teacher action checks the teacher key first (``check_teacher`` inside
the store's calls); a refusal is a message, never a traceback. Text from the
link or the teacher (a class code, a host) reaches Markdown through ``md()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dlcore.board.links import app_url
from dlcore.board.rows import POSTED_PAGES
from dlcore.board.sweep import (
    SWEEP_CONTROLS,
    SWEEP_PAGES,
    Sweep,
    SweepError,
    cell_label,
    make_sweep,
    sweep_from_dict,
)
from dlcore.markup import md, md_values
from dlcore.share import is_local, lan_address, qr_svg, share_url, with_host
from dlcore.store.classes import (
    ClassError,
    ClassInfo,
    check_teacher,
    create_class,
    get_class,
    normalize_code,
    remove_posts,
    update_class,
)
from dlcore.store.db import Database
from dlcore.text import t
from ui.share_view import HOST_KEY
from ui.store import database_lost

_TEACHER = "_board_teacher"  # {"code": ..., "key": ...}: the classes this browser teaches
_MESSAGE = "_board_message"  # a teacher action's refusal, shown at the next run
CELL_QR_WIDTH = 150


@dataclass(frozen=True)
class Access:
    """Who looks at a board.

    Attributes:
        code: The class.
        key: The teacher key, when this browser holds the right one.
        info: The class's settings.
    """

    code: str
    key: str | None
    info: ClassInfo

    @property
    def teacher(self) -> bool:
        """Whether teacher actions are offered."""
        return self.key is not None


def access(db: Database, lang: str) -> Access | None:
    """The class the link (or the session) names, and whether this browser is its teacher.

    The teacher's browser keeps ``?class=CODE&teacher=KEY`` in its link (so a
    reload or a bookmark keeps the board) and in the session (so a page
    switch, which drops the link's query, does too). A wrong key or an
    unknown code is said plainly; without a key the board is read-only.

    Returns:
        The access, or None when there is no class to show.
    """
    saved = st.session_state.get(_TEACHER) or {}
    raw = st.query_params.get("class")
    if raw is None and saved:
        st.query_params["class"], st.query_params["teacher"] = saved["code"], saved["key"]
        raw = saved["code"]
    if raw is None:
        return None
    code = normalize_code(raw)
    if code is None:
        st.error(t("class.error.bad_code", lang, code=md(raw)))
        return None
    key = st.query_params.get("teacher") or (saved.get("key") if saved.get("code") == code else None)
    info = get_class(db, code)
    if info is None:
        st.error(t("class.error.unknown_class", lang))
        return None
    if key is None:
        st.info(t("board.read_only", lang))
        return Access(code, None, info)
    try:
        info = check_teacher(db, code, key)
    except ClassError as error:
        st.error(t(f"class.error.{error.code}", lang))
        return Access(code, None, info)
    st.session_state[_TEACHER] = {"code": code, "key": key}
    return Access(code, key, info)


def create_section(db: Database, lang: str) -> None:
    """What the board is, and the button that creates a class."""
    st.markdown(t("board.intro", lang))
    if st.button(t("board.create", lang), key="class_create", type="primary", icon=":material/add:"):
        code, key = create_class(db)
        st.session_state[_TEACHER] = {"code": code, "key": key}
        st.query_params["class"], st.query_params["teacher"] = code, key
        st.rerun()


def students_host(lang: str) -> str | None:
    """When the app runs on this computer (``localhost``): the address students
    can reach instead (prefilled with this computer's network address,
    editable), else None (the page's own address works for everyone)."""
    page_url = st.context.url
    if page_url is None or not is_local(page_url):
        return None
    if "class_host" not in st.session_state:
        st.session_state["class_host"] = st.session_state.get(HOST_KEY) or lan_address() or ""
    st.caption(t("share.local_note", lang))
    host = st.text_input(t("share.host", lang), key="class_host", help=t("share.host_help", lang))
    if host.strip() and with_host(page_url, host) is None:
        st.warning(t("share.bad_host", lang, host=md(host)))
        return None
    return host.strip() or None


def for_students(url: str, host: str | None) -> str:
    """``url`` on the students' address (see ``students_host``)."""
    return (with_host(url, host) or url) if host else url


def join_section(code: str, lang: str) -> str | None:
    """The class code, the join link and its large QR code (for the projector).

    Returns:
        The students' address when the app runs on this computer (``students_host``).
    """
    page_url = st.context.url
    text_col, qr_col = st.columns([3, 2], gap="large")
    with text_col:
        st.markdown(t("board.code", lang, code=code))
        if page_url is None:  # the browser has not told the server its address yet
            st.caption(t("share.no_address", lang))
            return None
        host = students_host(lang)
        start = st.selectbox(
            t("board.start_page", lang),
            ["", *POSTED_PAGES],
            key="class_join_page",
            format_func=lambda slug: t(f"lesson.{slug}.title", lang) if slug else t("nav.home", lang),
        )
        url = for_students(share_url(app_url(page_url, start), {"class": code}), host)
        st.markdown(t("board.join_how", lang))
        st.code(url, language=None, wrap_lines=True)
        st.caption(t("board.teacher_key_note", lang))
    qr_col.image(qr_svg(url), width="stretch", caption=t("board.scan", lang))
    return host


def _act(action: Callable[[], Any]) -> None:
    """Runs a teacher action from a widget callback; a refusal, or a database
    that does not answer, is kept for the page to show (a callback runs
    before the script, outside the page's try/except)."""
    try:
        action()
    except ClassError as error:
        st.session_state[_MESSAGE] = f"class.error.{error.code}"
    except SQLAlchemyError:
        database_lost()  # pages leave it alone for a few seconds
        st.session_state[_MESSAGE] = "class.unreachable"


def teacher_tools(db: Database, who: Access, lang: str) -> None:
    """Hide names, close the class, clear the board."""
    message = st.session_state.pop(_MESSAGE, None)
    if message:
        st.error(t(message, lang))
    state = st.session_state
    hide_key, closed_key = f"class_hide_names_{who.code}", f"class_closed_{who.code}"
    # From the store on every full run: another class opened in this session,
    # or a change made in another tab, shows. A change made here has reached
    # the store in its callback before ``who.info`` was read; one the store
    # refused springs back, next to its message.
    state[hide_key], state[closed_key] = who.info.hide_names, who.info.closed
    with st.expander(t("board.tools", lang), expanded=True, icon=":material/admin_panel_settings:"):
        c1, c2, c3 = st.columns(3, vertical_alignment="center")
        c1.toggle(
            t("board.hide_names", lang),
            key=hide_key,
            on_change=lambda: _act(lambda: update_class(db, who.code, who.key or "", hide_names=bool(state[hide_key]))),
            help=t("board.hide_names_help", lang),
        )
        c2.toggle(
            t("board.closed", lang),
            key=closed_key,
            on_change=lambda: _act(lambda: update_class(db, who.code, who.key or "", closed=bool(state[closed_key]))),
            help=t("board.closed_help", lang),
        )
        if not state.get("class_clear_asked"):
            c3.button(t("board.clear", lang), key="class_clear", on_click=lambda: state.update(class_clear_asked=True))
        else:
            _clear_confirm(db, who, lang)
        # The key stays in the address (F5 and a bookmark keep the teacher's
        # powers); the board is what gets projected, so say how to hide it.
        st.caption(t("board.teacher_key_bookmark", lang))


def _clear_confirm(db: Database, who: Access, lang: str) -> None:
    """The teacher confirms clearing the board (yes, or no)."""
    state = st.session_state
    st.warning(t("board.clear_confirm", lang))
    yes, no = st.columns(2)

    def clear() -> None:
        state["class_clear_asked"] = False
        _act(lambda: remove_posts(db, who.code, who.key or ""))

    yes.button(t("board.clear_yes", lang), key="class_clear_yes", type="primary", on_click=clear)
    no.button(t("board.clear_no", lang), key="class_clear_no", on_click=lambda: state.update(class_clear_asked=False))


def sweep_section(db: Database, who: Access, host: str | None, lang: str) -> None:
    """The teacher's class sweep: choose it, and hand out its cells (a link and QR each)."""
    sweep = sweep_from_dict(who.info.sweep)
    with st.expander(t("board.sweep.title", lang), expanded=sweep is not None, icon=":material/grid_on:"):
        st.caption(t("board.sweep.intro", lang))
        _sweep_editor(db, who, sweep, lang)
        if sweep is not None and st.context.url is not None:
            _sweep_links(sweep, who.code, host, lang)


def _control_name(name: str, lang: str) -> str:
    return t(f"board.control.{name}", lang) if name != "none" else t("board.sweep.no_second", lang)


def _sweep_editor(db: Database, who: Access, sweep: Sweep | None, lang: str) -> None:
    c1, c2, c3 = st.columns([2, 2, 3])
    page = c1.selectbox(
        t("board.sweep.page", lang),
        list(SWEEP_PAGES),
        key="class_sweep_page",
        format_func=lambda s: t(f"lesson.{s}.title", lang),
    )
    controls = list(SWEEP_CONTROLS)
    x = c2.selectbox(
        t("board.sweep.first", lang), controls, key="class_sweep_x", format_func=lambda n: _control_name(n, lang)
    )
    x_values = c3.text_input(t("board.sweep.values", lang), "16, 64, 256, 1024", key="class_sweep_x_values")
    c1, c2, c3 = st.columns([2, 2, 3])
    y = c2.selectbox(
        t("board.sweep.second", lang),
        ["none", *controls],
        index=1 + controls.index("dropout"),
        key="class_sweep_y",
        format_func=lambda n: _control_name(n, lang),
    )
    y_values = c3.text_input(t("board.sweep.values", lang), "0, 0.3", key="class_sweep_y_values", disabled=y == "none")
    save, clear = st.columns(2)
    if save.button(t("board.sweep.save", lang), key="class_sweep_save", type="primary"):
        axes = [(x, x_values)] + ([(y, y_values)] if y != "none" else [])
        try:
            new = make_sweep(page, axes)
            update_class(db, who.code, who.key or "", sweep=new.to_dict())
        except SweepError as error:
            st.error(t(error.key, lang, **md_values(error.values)))
            return
        except ClassError as error:
            st.error(t(f"class.error.{error.code}", lang))
            return
        st.rerun()
    if sweep is not None and clear.button(t("board.sweep.clear", lang), key="class_sweep_clear"):
        _act(lambda: update_class(db, who.code, who.key or "", sweep=None))
        st.rerun()


def _sweep_links(sweep: Sweep, code: str, host: str | None, lang: str) -> None:
    """The "next free cell" link, then a link and a small QR code per cell."""
    page = app_url(st.context.url or "", sweep.page)
    st.markdown(t("board.sweep.current", lang, page=t(f"lesson.{sweep.page}.title", lang), cells=sweep.size))
    next_url = for_students(share_url(page, {"class": code, "cell": "next"}), host)
    link_col, qr_col = st.columns([3, 1])
    link_col.markdown(t("board.sweep.next", lang))
    link_col.code(next_url, language=None, wrap_lines=True)
    qr_col.image(qr_svg(next_url), width=CELL_QR_WIDTH * 3 // 2)
    columns = st.columns(min(4, sweep.size))
    for cell in range(sweep.size):
        url = for_students(share_url(page, {"class": code, "cell": str(cell)}), host)
        with columns[cell % len(columns)].container(border=True):
            st.markdown(t("board.sweep.cell", lang, cell=cell + 1, settings=md(cell_label(sweep, cell, lang))))
            st.image(qr_svg(url), width=CELL_QR_WIDTH)
            st.code(url, language=None, wrap_lines=True)
