"""The session's side of the store: the browser's workspace, its runs kept
in the database, and the notice when the database cannot be reached.

(Being built: see issue 12.)
"""

from __future__ import annotations


def open_workspace(lang: str) -> None:
    """Makes sure the session has its workspace (the ``ws`` query parameter)
    and, at the session's first run, restores the workspace's runs."""


def store_notice(lang: str) -> None:
    """Says so when runs are not being saved (the database cannot be reached)."""
