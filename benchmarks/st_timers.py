"""The ``run_every`` timers of the headless Streamlit client (``benchmarks.st_session``).

The browser runs a JavaScript ``setInterval`` per announced fragment whose
callback sends ``rerun_script`` with ``fragment_id`` and ``is_auto_rerun=True``
unconditionally; :class:`AutoRerunTimers` does the same with one asyncio task
per fragment: a fixed-rate timer that always sends. A tick the event loop was
too busy to fire on time is fired late once, not repeated (``setInterval``
does not catch up either).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import websockets


class AutoRerunTimers:
    """One fixed-rate rerun timer per ``run_every`` fragment of a session.

    Args:
        name: The session's label, for the tasks' names.
        send: Sends an auto rerun of the fragment with the given id.
        is_closed: Whether the session has ended (the timers then stop).
    """

    def __init__(self, name: str, send: Callable[[str], Awaitable[None]], is_closed: Callable[[], bool]) -> None:
        self.name, self._send, self._is_closed = name, send, is_closed
        self.intervals: dict[str, float] = {}  # fragment id -> seconds, as announced
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def start(self, fragment_id: str, interval: float) -> None:
        """Follows an ``auto_rerun`` message: (re)starts the fragment's timer,
        unless one already runs at that interval."""
        if not fragment_id or interval <= 0:
            return
        if self.intervals.get(fragment_id) == interval and fragment_id in self._tasks:
            return
        self.stop(fragment_id)
        self.intervals[fragment_id] = interval
        self._tasks[fragment_id] = asyncio.get_running_loop().create_task(
            self._tick(fragment_id, interval), name=f"st-auto-{self.name}-{fragment_id[:8]}"
        )

    def stop(self, fragment_id: str) -> None:
        """Ends the fragment's timer and forgets its interval."""
        self.intervals.pop(fragment_id, None)
        task = self._tasks.pop(fragment_id, None)
        if task is not None:
            task.cancel()

    def stop_all(self) -> None:
        """Ends every timer (a full run: the frontend's ``cleanupAutoReruns``)."""
        for fragment_id in list(self._tasks):
            self.stop(fragment_id)

    def cancel_all(self) -> None:
        """Cancels every timer's task (the tab is gone); the intervals stay as announced."""
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()

    async def _tick(self, fragment_id: str, interval: float) -> None:
        loop = asyncio.get_running_loop()
        due = loop.time() + interval
        while not self._is_closed():
            await asyncio.sleep(max(0.0, due - loop.time()))
            if self._is_closed():
                return
            try:
                await self._send(fragment_id)
            except websockets.ConnectionClosed:
                return
            due += interval
            if due < loop.time():  # late: fire once, then keep the cadence from now
                due = loop.time() + interval
