"""Which of a student's runs go to their class board: the session's class
(joined under ``ui.class_membership``) and the post a filed run makes.

Kept apart from the banner and the join form so that ``ui.session_jobs``,
which files runs, can ask for the post without importing the lesson-page UI.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dlcore.board.rows import POSTED_PAGES
from dlcore.store.classes import PostRequest
from ui.store import current_workspace

_CLASS = "_class"  # the session's ClassState
# The page the board lives on: it reads ?class= as the teacher's own class.
BOARD_SLUG = "class"


@dataclass
class ClassState:
    """The session's class.

    Attributes:
        code: The class code from the link.
        number: The student's number once joined (None before).
        name: The display name they gave.
        cell: ``(page, cell)`` of the sweep cell they were given, if any.
    """

    code: str
    number: int | None = None
    name: str = ""
    cell: tuple[str, int] | None = None


def class_state() -> ClassState | None:
    """The session's class, if it opened a class link."""
    return st.session_state.get(_CLASS)


def post_request(page: str, run_id: str) -> PostRequest | None:
    """The post to make for a finished run of ``page``, or None (not in a class,
    or a page whose runs are not posted)."""
    state = class_state()
    if state is None or state.number is None or page not in POSTED_PAGES:
        return None
    cell = state.cell[1] if state.cell is not None and state.cell[0] == page else None
    return PostRequest(state.code, current_workspace(), run_id, page, cell)
