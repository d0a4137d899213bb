"""The session's side of the store: the browser's workspace, its runs kept
in the database, and the notice when the database cannot be reached.

(Being built: see issue 12. ``get_database`` and ``workspace_id`` here are
an interim version for the class board; the store's owner replaces them.)
"""

from __future__ import annotations

import streamlit as st

from dlcore.store.db import Database, database_url
from dlcore.store.runs import is_workspace_id, new_workspace_id

_WORKSPACE = "_store_workspace"


@st.cache_resource(show_spinner=False)
def _database(url: str) -> Database:
    db = Database(url)
    db.upgrade()
    return db


def get_database() -> Database:
    """The process's database (one per URL), migrated once."""
    return _database(database_url())


def workspace_id() -> str:
    """The session's workspace id: the ``ws`` query parameter if valid, else
    the session's, else a new one; always written back to the link."""
    state = st.session_state
    given = st.query_params.get("ws", "")
    if given and is_workspace_id(given):
        state[_WORKSPACE] = given
    elif _WORKSPACE not in state:
        state[_WORKSPACE] = new_workspace_id()
    if st.query_params.get("ws") != state[_WORKSPACE]:
        st.query_params["ws"] = state[_WORKSPACE]
    return state[_WORKSPACE]


def open_workspace(lang: str) -> None:
    """Makes sure the session has its workspace (the ``ws`` query parameter)
    and, at the session's first run, restores the workspace's runs."""


def store_notice(lang: str) -> None:
    """Says so when runs are not being saved (the database cannot be reached)."""
