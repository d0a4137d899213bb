"""A student's side of a class: joining with ``?class=CODE`` under a display
name, the banner on every lesson page, and which runs are posted.

(Being built: see issue 12.)
"""

from __future__ import annotations

from dlcore.store.classes import PostRequest


def class_banner(slug: str | None, lang: str) -> None:
    """On a page opened with ``?class=CODE``: the join form once, then the banner."""


def post_request(page: str, run_id: str) -> PostRequest | None:
    """The post to make for a finished run of ``page``, or None (not in a class,
    or a page whose runs are not posted)."""
    return None
