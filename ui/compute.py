"""Short Keras computations (curves, trajectories, small fits) in a worker.

Lesson pages need Keras for a fraction of a second at a time: an activation
curve and its derivative, an optimizer's trajectory, a one-neuron fit. Those
run as jobs in a separate one-worker pool, so they never queue behind long
trainings, and their results are cached per settings for every session.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import streamlit as st

from dlcore.jobs import DONE, WorkerPool


class ComputeError(RuntimeError):
    """A computation failed; ``error`` is the job's error payload.

    Args:
        error: ``{"key": ..., "values": ...}`` or ``{"message": ...}``.
    """

    def __init__(self, error: dict[str, Any] | None) -> None:
        super().__init__(str(error))
        self.error = error or {}


@st.cache_resource(show_spinner=False)
def get_compute_pool() -> WorkerPool:
    """The shared pool for short computations (``DLP_COMPUTE_WORKERS``, default 1).

    Its worker gives away less priority than the trainers (nice 5 against
    10): a student waits for its answer.
    """
    return WorkerPool(size=int(os.environ.get("DLP_COMPUTE_WORKERS", "1")), niceness=5)


@st.cache_data(show_spinner=False, max_entries=512)
def _compute(task: str, payload_json: str, timeout: float) -> dict[str, Any]:
    pool = get_compute_pool()
    job_id = pool.submit(task, json.loads(payload_json))
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


def compute(task: str, payload: dict[str, Any], *, timeout: float = 120.0) -> dict[str, Any]:
    """Runs a dlcore task in the compute pool and returns its result (cached).

    Args:
        task: ``"dlcore.module:function"``, called as
            ``function(payload, emit, should_stop)`` in a worker.
        payload: JSON-serialisable arguments (the cache key).
        timeout: Seconds before giving up (the job is cancelled).

    Returns:
        The task's return value.

    Raises:
        ComputeError: If the task failed, was cancelled or timed out.
    """
    return _compute(task, json.dumps(payload, sort_keys=True), timeout)
