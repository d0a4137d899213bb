"""Shared fixtures: AppTest on a page, reached through the real entry point."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
AppTestTimeout = 120  # seconds; the first run may wait for the trainers to warm up


def open_page(script: str | None = None, **state: object) -> AppTest:
    """Runs the app, then switches to ``script`` (e.g. ``"pages/6_wine.py"``).

    Args:
        script: Page script path relative to the app root, or None for home.
        **state: Session-state values to set before the page runs.

    Returns:
        The AppTest after the page's first run.
    """
    at = AppTest.from_file(APP, default_timeout=AppTestTimeout)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if script is not None:
        at.switch_page(script)
        at.run()
    return at


def run_until(at: AppTest, done: Callable[[AppTest], bool], timeout: float = 120.0, interval: float = 0.5) -> None:
    """Reruns ``at`` until ``done(at)`` holds (like the page's polling fragment would)."""
    deadline = time.monotonic() + timeout
    while not done(at):
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached before the timeout")
        time.sleep(interval)
        at.run()


@pytest.fixture
def page() -> Callable[..., AppTest]:
    return open_page
