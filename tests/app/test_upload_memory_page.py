"""Uploaded tables take memory only while their session shows them."""

from __future__ import annotations

import gc
import weakref

import pandas as pd
from streamlit.runtime.caching.cache_data_api import get_data_cache_stats_provider

from tests.conftest import open_page
from tests.hostile import rendered_text

PAGE = "pages/6_wine.py"
ROWS = 5_000


def cached_bytes() -> int:
    """Bytes held by every ``st.cache_data`` function of this process (all sessions)."""
    return sum(stat.byte_length for stats in get_data_cache_stats_provider().get_stats().values() for stat in stats)


def distinct_csv(i: int) -> bytes:
    """A valid upload, different for every ``i`` (about 100 KB)."""
    return "x,y\n".encode() + "".join(f"{i}.{r:04d},{(r * 7 + i) % 97}\n" for r in range(ROWS)).encode()


def frames_in(state) -> list[pd.DataFrame]:
    """Every parsed table the session state holds (one level into dicts and tuples)."""
    found = []
    for key in state:
        stack = [state[key]]
        while stack:
            value = stack.pop()
            if isinstance(value, pd.DataFrame):
                found.append(value)
            elif isinstance(value, dict):
                stack.extend(value.values())
            elif isinstance(value, tuple):
                stack.extend(value)
            elif hasattr(value, "frame") and isinstance(value.frame, pd.DataFrame):
                found.append(value.frame)
    return found


def test_twelve_uploads_keep_one_table_in_the_session_and_nothing_shared() -> None:
    at = open_page(PAGE)
    at.radio(key="wine_source").set_value("upload").run()
    before = cached_bytes()
    for i in range(12):
        at.file_uploader(key="wine_upload").set_value((f"upload-{i}.csv", distinct_csv(i), "text/csv")).run()
        assert not at.exception
        assert any(f"upload-{i}.csv: 5,000 rows" in rendered_text(s.value) for s in at.success)
        # The caches shared by every session did not grow with the uploads...
        assert cached_bytes() - before < 10_000
        # ...and the session keeps only the file on screen.
        assert len(frames_in(at.session_state)) <= 1
    (frame,) = frames_in(at.session_state)
    assert frame["x"].iloc[0] == 11.0
    kept = weakref.ref(frame)
    del frame

    at.radio(key="wine_source").set_value("bundled").run()  # back to the course's data
    assert frames_in(at.session_state) == []
    gc.collect()
    assert kept() is None, "nothing outside the session held the table"


def test_a_closed_session_leaves_nothing_behind() -> None:
    at = open_page(PAGE)
    at.radio(key="wine_source").set_value("upload").run()
    at.file_uploader(key="wine_upload").set_value(("last.csv", distinct_csv(99), "text/csv")).run()
    kept = weakref.ref(frames_in(at.session_state)[0])
    del at  # the session and its state are gone
    gc.collect()
    assert kept() is None
