"""The one worker pool of the server process, shared by all sessions."""

from __future__ import annotations

import gc

import streamlit as st

from dlcore.lessons import TASK_MODULES
from dlcore.runtime.pool import WorkerPool


@st.cache_resource(show_spinner=False)
def get_pool() -> WorkerPool:
    """Starts the worker pool on first use; every session shares it.

    The pool is thread-safe (one lock, immutable snapshots), which is what
    ``st.cache_resource`` requires of a shared object.

    Returns:
        The pool.
    """
    pool = WorkerPool(task_modules=TASK_MODULES)
    # Once per server process, after the first page imported the libraries:
    # their objects (~140,000) live as long as the process, so moving them out
    # of the collector's generations makes every later full collection cheap.
    gc.freeze()
    return pool
