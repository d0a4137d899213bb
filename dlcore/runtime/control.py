"""What a running job reads from its page besides its payload: cancel, pause, resume, step.

A task is called as ``function(payload, emit, should_stop)``. Both executors
pass a ``JobControl`` as ``should_stop``: calling it says whether the job was
cancelled, as before (so tasks that only know cancellation work unchanged),
and ``commands()`` hands over the pause / resume / step commands that came
since the last read. Each executor feeds it from its own channel:

* the local pool: the worker's control pipe, one byte per command
  (``COMMAND_BYTES``), written by ``WorkerPool.control`` / ``cancel``;
* Dask: the job's ``distributed.Event`` (cancel) and ``distributed.Queue``
  (the other commands), read by waiter threads in ``dask_worker.run_job``.

``PauseGate`` is the hold logic a task runs between its steps (the Keras
callback ``dlcore.runtime.callbacks.PauseOnRequest`` wraps it; the contract
tests' fake task uses it directly). It has no Keras and no executor in it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from dlcore.limits import env_float
from dlcore.runtime.executor import CANCEL, PAUSE, RESUME, STEP

# One byte per command on the local pool's control pipe.
COMMAND_BYTES: dict[str, bytes] = {CANCEL: b"x", PAUSE: b"p", RESUME: b"r", STEP: b"s"}
BYTE_COMMANDS: dict[bytes, str] = {code: command for command, code in COMMAND_BYTES.items()}

HOLD_POLL_SECONDS = 0.1  # how often a held job looks at its control channel
DEFAULT_PAUSE_SECONDS = 120.0


def pause_seconds() -> float:
    """How long a paused job holds its worker before it saves and ends (``DLP_PAUSE_SECONDS``)."""
    return env_float("DLP_PAUSE_SECONDS", DEFAULT_PAUSE_SECONDS)


class JobControl:
    """A job's control channel as its task sees it.

    Args:
        read: Returns the commands that arrived since the last call, oldest
            first, without blocking (``"cancel"``, ``"pause"``, ``"resume"``,
            ``"step"``).

    Attributes:
        cancelled: Whether a cancel arrived (it stays set).
    """

    def __init__(self, read: Callable[[], list[str]]) -> None:
        self._read = read
        self._pending: list[str] = []
        self.cancelled = False

    def __call__(self) -> bool:
        """Whether the job was cancelled (``should_stop``); keeps other commands for ``commands``."""
        self._drain()
        return self.cancelled

    def commands(self) -> list[str]:
        """The pause / resume / step commands since the last call, oldest first."""
        self._drain()
        taken, self._pending = self._pending, []
        return taken

    def _drain(self) -> None:
        for command in self._read():
            if command == CANCEL:
                self.cancelled = True
            else:
                self._pending.append(command)


# What ``PauseGate.hold`` returns.
GO, STOP, TIMED_OUT = "go", "stop", "timed_out"


class PauseGate:
    """Holds a job between two steps (epochs) while its page has paused it.

    Pause asks to hold after the current step; Resume ends the hold; Step
    ends it for exactly one more step, after which the job holds again; a
    cancel ends it and the job stops; after ``hold_seconds`` the job stops
    with ``TIMED_OUT`` (the caller saves its state and frees the worker).

    Args:
        control: The job's control (``should_stop``); a plain callable has no
            commands, so the gate never holds.
        emit: The job's message sink: ``("paused", {"epoch": k})`` when a
            hold begins, ``("resumed", {"epoch": k, "step": bool})`` when it ends.
        hold_seconds: Longest hold (default ``pause_seconds()``).
        start_paused: Hold after the first step (a Step on a run whose worker
            was freed: its continuation runs one epoch, then holds).
        sleep: Waits between looks at the channel (tests pass a fake).

    Attributes:
        pausing: Whether the job holds after its next step.
        held_seconds: Time spent holding in total.
    """

    def __init__(
        self,
        control: Callable[[], bool],
        emit: Callable[[str, dict[str, Any]], None],
        hold_seconds: float | None = None,
        *,
        start_paused: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.control = control
        self.emit = emit
        self.hold_seconds = pause_seconds() if hold_seconds is None else hold_seconds
        self.start_paused = start_paused
        self.sleep = sleep
        self.pausing = start_paused
        self.held_seconds = 0.0

    def reset(self) -> None:
        """Back to the state at construction (a new training)."""
        self.pausing = self.start_paused
        self.held_seconds = 0.0

    def _commands(self) -> list[str]:
        commands = getattr(self.control, "commands", None)
        return commands() if commands is not None else []

    def hold(self, step: int, *, last: bool = False) -> str:
        """Called after step ``step`` (1-based): holds while paused.

        Args:
            step: The step (epoch) just finished.
            last: Whether it was the job's last step (no hold: the job ends).

        Returns:
            ``GO`` (carry on), ``STOP`` (cancelled while held) or ``TIMED_OUT``.
        """
        for command in self._commands():
            if command == PAUSE:
                self.pausing = True
            elif command == RESUME:
                self.pausing = False
        if not self.pausing or last or self.control():
            return GO
        self.emit("paused", {"epoch": step})
        started = time.monotonic()
        try:
            while True:
                if self.control():
                    return STOP
                for command in self._commands():
                    if command in (RESUME, STEP):
                        self.pausing = command == STEP
                        self.emit("resumed", {"epoch": step, "step": command == STEP})
                        return GO
                if time.monotonic() - started >= self.hold_seconds:
                    return TIMED_OUT
                self.sleep(HOLD_POLL_SECONDS)
        finally:
            self.held_seconds += time.monotonic() - started
