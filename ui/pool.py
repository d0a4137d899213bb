"""The one trainer executor of the server process, shared by all sessions.

Unset ``DLP_DASK_SCHEDULER``: the built-in worker pool on this machine.
Set (``tcp://host:8786``): trainings go to that Dask cluster
(``dlcore.runtime.dask_executor``), with the local pool as the fallback while
the scheduler cannot be reached. The lesson pages' short computations keep
their own local one-worker pool (``ui.compute``): on the cluster they would
wait behind trainings for a free worker thread, and they take milliseconds.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable

import streamlit as st

from dlcore.lessons import TASK_MODULES
from dlcore.markup import md
from dlcore.runtime.dask_fallback import FallbackExecutor
from dlcore.runtime.pool import WorkerPool
from dlcore.text import t

SCHEDULER_ENV = "DLP_DASK_SCHEDULER"


def build_executor(address: str | None, local: Callable[[], WorkerPool]) -> WorkerPool | FallbackExecutor:
    """The executor for a scheduler address (None or empty: the local pool).

    Args:
        address: ``DLP_DASK_SCHEDULER``'s value.
        local: Starts the local pool (the fallback, or the executor itself).

    Returns:
        A ``FallbackExecutor`` on the cluster, or the local pool.
    """
    address = (address or "").strip()
    return FallbackExecutor(address, local) if address else local()


@st.cache_resource(show_spinner=False)
def get_pool() -> WorkerPool | FallbackExecutor:
    """Starts the executor on first use; every session shares it.

    Both executors are thread-safe (one lock, immutable snapshots), which is
    what ``st.cache_resource`` requires of a shared object.

    Returns:
        The executor the pages submit trainings to.
    """
    pool = build_executor(os.environ.get(SCHEDULER_ENV), lambda: WorkerPool(task_modules=TASK_MODULES))
    # Once per server process, after the first page imported the libraries:
    # their objects (~140,000) live as long as the process, so moving them out
    # of the collector's generations makes every later full collection cheap.
    gc.freeze()
    return pool


def executor_notice(lang: str) -> None:
    """On the home page: where trainings run when a Dask cluster is set up,
    and a warning while its scheduler cannot be reached (runs train here then).
    Draws nothing without ``DLP_DASK_SCHEDULER``."""
    pool = get_pool()
    if not isinstance(pool, FallbackExecutor):
        return
    notice = pool.notice()
    address = md(pool.address)
    if notice is None:
        stats = pool.stats()
        st.caption(
            t(
                "cluster.on",
                lang,
                address=address,
                workers=stats["workers"],
                busy=stats["busy"],
                pending=stats["pending"],
            )
        )
    else:
        st.warning(t(f"cluster.{notice}", lang, address=address), icon="⚠️")
