"""Short Keras computations (curves, trajectories, small fits) in a worker.

Lesson pages need Keras for a fraction of a second at a time: an activation
curve and its derivative, an optimizer's trajectory, a one-neuron fit. Those
run as jobs in a separate one-worker pool, so they never queue behind long
trainings. Their results are cached per settings for every session, in
memory and on disk (``dlcore.runtime.result_cache``), so a restarted server shows a
page that was shown before without waiting for a worker to import TensorFlow.
A page that needs a new result while the worker is still starting is not
held up: it says so, and fills in by itself once the worker is ready.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import streamlit as st

from dlcore.lessons import TASK_MODULES
from dlcore.runtime.executor import DONE
from dlcore.runtime.pool import WorkerPool
from dlcore.runtime.result_cache import ResultCache
from dlcore.text import error_text, t

WARMING_WAIT_SECONDS = 2.0  # how long a session waits for a starting worker before saying so
WARMING_POLL_SECONDS = 1.0
_WAIT_UNTIL = "_compute_wait_until"  # session state: the session's waiting ends then


class ComputeError(RuntimeError):
    """A computation failed; ``error`` is the job's error payload.

    Args:
        error: ``{"key": ..., "values": ...}`` or ``{"message": ...}``.
    """

    def __init__(self, error: dict[str, Any] | None) -> None:
        super().__init__(str(error))
        self.error = error or {}


class ComputeWarming(ComputeError):
    """The compute worker is still importing TensorFlow (a server just started)."""

    def __init__(self) -> None:
        super().__init__({"key": "compute.warming"})


@st.cache_resource(show_spinner=False)
def get_compute_pool() -> WorkerPool:
    """The shared pool for short computations (``DLP_COMPUTE_WORKERS``, default 1).

    Its worker gives away less priority than the trainers (nice 5 against
    10): a student waits for its answer.
    """
    return WorkerPool(size=int(os.environ.get("DLP_COMPUTE_WORKERS", "1")), niceness=5, task_modules=TASK_MODULES)


@st.cache_resource(show_spinner=False)
def get_result_cache() -> ResultCache:
    """The results kept on disk (shared; each write is one atomic file rename)."""
    return ResultCache()


def _run(pool: WorkerPool, task: str, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
    job_id = pool.submit(task, payload)
    deadline = time.monotonic() + timeout
    while True:
        snapshot = pool.snapshot(job_id)
        if snapshot is None:
            raise ComputeError({"key": "job.cancelled"})
        if snapshot.finished:
            break
        if time.monotonic() > deadline:
            pool.cancel(job_id)
            raise ComputeError({"key": "compute.timeout", "values": {"seconds": timeout}})
        time.sleep(0.01)
    if snapshot.state != DONE or snapshot.result is None:
        raise ComputeError(snapshot.error)
    return snapshot.result


@st.cache_data(show_spinner=False, max_entries=512)
def _compute(task: str, payload_json: str, timeout: float, _wait_seconds: float) -> dict[str, Any]:
    kept = get_result_cache().get(task, payload_json)
    if kept is not None:
        return kept
    pool = get_compute_pool()
    if pool.stats()["ready"] == 0 and not pool.wait_ready(_wait_seconds):
        raise ComputeWarming()
    result = _run(pool, task, json.loads(payload_json), timeout)
    get_result_cache().put(task, payload_json, result)
    return result


def compute(task: str, payload: dict[str, Any], *, timeout: float = 120.0) -> dict[str, Any]:
    """Runs a dlcore task in the compute pool and returns its result (cached).

    Args:
        task: A registered task (``dlcore.runtime.tasks.Task``), called as
            ``function(payload, emit, should_stop)`` in a worker.
        payload: JSON-serialisable arguments (the cache key).
        timeout: Seconds before giving up (the job is cancelled).

    Returns:
        The task's return value.

    Raises:
        ComputeWarming: If the worker is still starting (the page should call
            ``show_compute_error``, which reruns it once the worker is ready).
        ComputeError: If the task failed, was cancelled or timed out.
    """
    # A session waits for a starting worker WARMING_WAIT_SECONDS in all, not
    # that long for each of its page's computations.
    wait_until = st.session_state.setdefault(_WAIT_UNTIL, time.monotonic() + WARMING_WAIT_SECONDS)
    wait = max(0.0, wait_until - time.monotonic())
    return _compute(task, json.dumps(payload, sort_keys=True), timeout, wait)


def show_compute_error(exc: ComputeError, lang: str) -> None:
    """Shows why a computation has no result: a failure as an error, a
    starting worker as a note, with a poller that redraws the page as soon
    as the worker is ready."""
    if not isinstance(exc, ComputeWarming):
        st.error(error_text(exc.error, lang))
        return
    st.info(t("compute.warming", lang))

    @st.fragment(run_every=WARMING_POLL_SECONDS)
    def rerun_when_ready() -> None:
        if get_compute_pool().stats()["ready"]:
            st.rerun(scope="app")

    rerun_when_ready()
