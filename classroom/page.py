"""The class board (``/class``): a teacher creates a class, shows its join
link and QR code on the projector, and watches the class's runs come in."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from classroom import board_view, teacher
from dlcore.text import t
from ui.frame import page_end, page_frame
from ui.store import database_lost, get_database

PAGE = "class"


def render() -> None:
    """Lay out the page, top to bottom (served by ``pages/9_class.py``)."""
    lang = page_frame(PAGE)
    st.title(f"📋 {t('lesson.class.title', lang)}")
    try:
        _board(lang)
    except SQLAlchemyError:
        database_lost()  # pages leave it alone for a few seconds
        st.error(t("class.unreachable", lang))
    page_end(lang)


def _board(lang: str) -> None:
    """The create button, or the class: its join link, the teacher's tools and the live board."""
    db = get_database()
    if db is None:  # not reachable yet (asked again every few seconds)
        st.error(t("class.unreachable", lang))
        return
    who = teacher.access(db, lang)
    if who is None:
        teacher.create_section(db, lang)
        return
    if who.teacher:
        host = teacher.join_section(who.code, lang)
        teacher.teacher_tools(db, who, lang)
        teacher.sweep_section(db, who, host, lang)
    board_view.live_board(db, who, lang)
