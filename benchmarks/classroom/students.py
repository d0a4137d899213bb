"""A student: one emulated tab, and when it showed what after Train was pressed."""

from __future__ import annotations

import time
from dataclasses import dataclass

from benchmarks.classroom.texts import PROGRESS, outcome_key
from benchmarks.st_protocol import Element
from benchmarks.st_session import StSession


@dataclass
class Student:
    """One emulated tab and what it showed when (monotonic seconds)."""

    session: StSession
    opened_at: float = 0.0
    rendered_at: float | None = None
    pressed_at: float | None = None
    first_progress_at: float | None = None
    first_epoch_at: float | None = None
    finished_at: float | None = None
    outcome: str | None = None
    outcome_text: str = ""
    max_epoch_seen: int = 0
    first_epoch_via: str | None = None  # "progress", or "outcome" when the run ended before a progress showed it

    def observe(self, session: StSession) -> None:
        """Called after every message: notes the first epoch and the outcome."""
        if self.pressed_at is None or self.finished_at is not None:
            return
        now = time.monotonic()
        for element in session.elements.values():
            if element.kind == "progress":
                self._see_progress(element, now)
            elif element.kind == "alert" and element.fields["format"] != "info":
                if self._see_outcome(element, now):
                    return

    def _see_progress(self, element: Element, now: float) -> None:
        """Notes a progress bar: its epoch (``Epoch k/N``, else 1 once it moved)."""
        if self.first_progress_at is None:
            self.first_progress_at = now
        match = PROGRESS.match(element.fields["text"])
        epoch = int(match.group("epoch")) if match else (1 if element.fields["value"] > 0 else 0)
        if epoch > self.max_epoch_seen:
            self.max_epoch_seen = epoch
        if epoch >= 1 and self.first_epoch_at is None:
            self.first_epoch_at, self.first_epoch_via = now, "progress"

    def _see_outcome(self, element: Element, now: float) -> bool:
        """Notes an alert that tells the run's end; returns whether it was one."""
        key = outcome_key(element.fields["body"])
        if key is None:
            return False
        self.finished_at = now
        if self.first_epoch_at is None:  # the finished curve is the first epoch shown
            self.first_epoch_at, self.first_epoch_via = now, "outcome"
        self.outcome = key
        self.outcome_text = element.fields["body"]
        return True
