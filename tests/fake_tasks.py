"""Tiny Keras-free tasks for checking the worker pool (registered as ``test.*``).

They exercise the job protocol without the cost of TensorFlow work: streaming,
cancellation, failure and a worker dying mid-job.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from dlcore.runtime.tasks import worker_task


@worker_task("test.ticks")
def ticks(payload: dict[str, Any], emit: Callable[[str, dict[str, Any]], None], should_stop: Callable[[], bool]) -> dict[str, Any]:
    """Emits ``n`` ``"tick"`` messages ``delay`` seconds apart; stops early
    when cancelled.

    Args:
        payload: ``{"n": int, "delay": float, "tag": any}``.
        emit: Message sink.
        should_stop: Cancellation flag.

    Returns:
        ``{"ticks": count emitted, "tag": tag, "cancelled": bool, "pid": worker pid}``.
    """
    count = 0
    for i in range(int(payload.get("n", 3))):
        if should_stop():
            return {"ticks": count, "tag": payload.get("tag"), "cancelled": True, "pid": os.getpid()}
        time.sleep(float(payload.get("delay", 0.0)))
        emit("tick", {"i": i, "tag": payload.get("tag")})
        count += 1
    return {"ticks": count, "tag": payload.get("tag"), "cancelled": False, "pid": os.getpid()}


@worker_task("test.fail")
def fail(payload: dict[str, Any], emit: Callable[[str, dict[str, Any]], None], should_stop: Callable[[], bool]) -> dict[str, Any]:
    """Raises ``ValueError(payload["message"])`` (an error inside a job)."""
    raise ValueError(payload.get("message", "failure requested"))


@worker_task("test.die")
def die(payload: dict[str, Any], emit: Callable[[str, dict[str, Any]], None], should_stop: Callable[[], bool]) -> dict[str, Any]:
    """Ends the worker process abruptly after one message (a crashed worker)."""
    emit("tick", {"i": 0})
    time.sleep(float(payload.get("delay", 0.1)))
    os._exit(int(payload.get("code", 3)))


@worker_task("test.ignore_cancel")
def ignore_cancel(payload: dict[str, Any], emit: Callable[[str, dict[str, Any]], None], should_stop: Callable[[], bool]) -> dict[str, Any]:
    """Sleeps ``seconds`` without looking at the cancel flag (a stuck job)."""
    time.sleep(float(payload.get("seconds", 30.0)))
    return {"slept": payload.get("seconds", 30.0)}


@worker_task("test.pausable")
def pausable(payload: dict[str, Any], emit: Callable[[str, dict[str, Any]], None], should_stop: Callable[[], bool]) -> dict[str, Any]:
    """``test.ticks`` that obeys Pause / Resume / Step between its ticks
    (``dlcore.runtime.control.PauseGate``, as the training callback does).

    Args:
        payload: ``{"n": int, "delay": float, "hold": seconds a pause may hold}``.
        emit: Message sink.
        should_stop: The job's control.

    Returns:
        ``{"ticks": count emitted, "outcome": "go" | "stop" | "timed_out"}``.
    """
    from dlcore.runtime.control import GO, PauseGate

    gate = PauseGate(should_stop, emit, float(payload.get("hold", 30.0)))
    n, outcome = int(payload.get("n", 3)), GO
    for i in range(n):
        if should_stop():
            return {"ticks": i, "outcome": "stop"}
        time.sleep(float(payload.get("delay", 0.0)))
        emit("tick", {"i": i})
        outcome = gate.hold(i + 1, last=i + 1 == n)
        if outcome != GO:
            return {"ticks": i + 1, "outcome": outcome}
    return {"ticks": n, "outcome": outcome}
