"""Fixtures of the browser tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.helpers import require_browser, streamlit_server


@pytest.fixture(scope="session")
def shared_server() -> Iterator[str]:
    """One app server, with its warm workers, for the browser tests that need
    no server of their own (no cold start, no special settings); each test
    leaves no job running behind it."""
    require_browser()
    with streamlit_server() as url:
        yield url
