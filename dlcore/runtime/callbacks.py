"""Keras callbacks of a training job, one job each.

Modelled on Keras's own ``TerminateOnNaN``: each callback resets its state in
``on_train_begin`` and reads ``logs = logs or {}`` (Keras may pass None).

* ``EpochStream`` sends each epoch's logs (and probe reports) through ``emit``.
* ``StopOnDivergence`` stops training once a logged value is not a finite
  number (the optimizer diverged) and records that epoch.
* ``StopOnCancel`` stops training after the current batch once the job was
  cancelled.
* ``PauseOnRequest`` holds the training at the end of an epoch while the
  page has paused it (Pause / Resume / Step, ``dlcore.runtime.control``).

``JobCallbacks`` bundles them in that order, which is the order Keras calls
them in at the end of an epoch: the diverged epoch is still streamed, and a
run holds only after its epoch was streamed and checked (EarlyStopping, when
used, goes before the pause: see ``JobCallbacks.as_list``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import keras

from dlcore.runtime.control import STOP, TIMED_OUT, PauseGate
from dlcore.runtime.probes import Probe
from dlcore.runtime.tasks import Emit, ShouldStop


class EpochStream(keras.callbacks.Callback):
    """Sends each epoch's logs through ``emit``.

    Args:
        emit: Called as ``emit("epoch", {"epoch": n, "logs": {...},
            "seconds": t, **probe reports})`` after each epoch (``n`` counts
            from 1, ``t`` is the time since training began).
        probes: Measurements whose reports join the epoch message.
        held: Seconds the run has spent paused so far (left out of ``t``,
            so a paused run's pace and ETA stay those of its training).

    Attributes:
        epochs_done: Epochs finished in the current ``fit``.
    """

    def __init__(self, emit: Emit, probes: Sequence[Probe] = (), held: Callable[[], float] | None = None) -> None:
        super().__init__()
        self.emit = emit
        self.probes = tuple(probes)
        self.held = held
        self.epochs_done = 0
        self._started = 0.0

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.epochs_done = 0
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        self.epochs_done = epoch + 1
        message: dict[str, Any] = {
            "epoch": epoch + 1,
            "logs": {name: float(value) for name, value in logs.items()},
            "seconds": time.perf_counter() - self._started - (self.held() if self.held else 0.0),
        }
        for probe in self.probes:
            message.update(probe(self.model, epoch + 1) or {})
        self.emit("epoch", message)


class StopOnDivergence(keras.callbacks.Callback):
    """Stops training once an epoch logs a value that is NaN or ±inf.

    Attributes:
        diverged_epoch: The 1-based epoch whose logs were not finite, or None.
    """

    def __init__(self) -> None:
        super().__init__()
        self.diverged_epoch: int | None = None

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.diverged_epoch = None

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        if not all(math.isfinite(float(value)) for value in logs.values()):
            self.diverged_epoch = epoch + 1
            self.model.stop_training = True


class StopOnCancel(keras.callbacks.Callback):
    """Stops training after the current batch once the job was cancelled.

    Args:
        should_stop: Returns True once the job was cancelled; checked after
            every batch (every traced call of the training step) and epoch.

    Attributes:
        cancelled: Whether this callback stopped the current ``fit``.
    """

    def __init__(self, should_stop: ShouldStop) -> None:
        super().__init__()
        self.should_stop = should_stop
        self.cancelled = False

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.cancelled = False

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._stop_if_cancelled()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._stop_if_cancelled()

    def _stop_if_cancelled(self) -> None:
        if self.should_stop():
            self.cancelled = True
            self.model.stop_training = True


class PauseOnRequest(keras.callbacks.Callback):
    """Holds training at the end of an epoch while the job is paused.

    After Pause, the epoch's end emits ``("paused", {"epoch": k})`` and
    blocks, looking at the job's control channel every 0.1 s: Resume goes
    on, Step runs exactly one more epoch and holds again, Cancel stops the
    run, and a hold longer than ``gate.hold_seconds`` (``DLP_PAUSE_SECONDS``)
    stops it with ``timed_out`` set (the job then saves its model and frees
    the worker). The last planned epoch never holds.

    Args:
        gate: The hold logic (``dlcore.runtime.control.PauseGate``).

    Attributes:
        timed_out: Whether the current ``fit`` ended because a hold ran out.
        cancelled: Whether it was cancelled while held.
    """

    def __init__(self, gate: PauseGate) -> None:
        super().__init__()
        self.gate = gate
        self.timed_out = False
        self.cancelled = False

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.gate.reset()
        self.timed_out = self.cancelled = False

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        if self.model.stop_training:  # diverged, cancelled or stopped early: nothing to hold
            return
        outcome = self.gate.hold(epoch + 1, last=epoch + 1 >= int(self.params.get("epochs") or 0))
        if outcome == STOP:
            self.cancelled = True
        elif outcome == TIMED_OUT:
            self.timed_out = True
        self.model.stop_training = outcome in (STOP, TIMED_OUT)


@dataclass(frozen=True)
class JobCallbacks:
    """The callbacks every job's ``fit`` runs: stream, divergence, cancel, pause.

    Attributes:
        stream: Streams the epochs.
        divergence: Stops on a non-finite value.
        cancel: Stops on cancellation.
        pause: Holds while paused (None: the job cannot be paused).
    """

    stream: EpochStream
    divergence: StopOnDivergence
    cancel: StopOnCancel
    pause: PauseOnRequest | None = None

    @classmethod
    def create(
        cls, emit: Emit, should_stop: ShouldStop, probes: Sequence[Probe] = (), *, pause: PauseGate | None = None
    ) -> JobCallbacks:
        """Fresh callbacks for one job (see the classes for the arguments)."""
        holder = PauseOnRequest(pause) if pause is not None else None
        held = (lambda: pause.held_seconds) if pause is not None else None
        return cls(EpochStream(emit, probes, held), StopOnDivergence(), StopOnCancel(should_stop), holder)

    def as_list(self, early_stopping: keras.callbacks.Callback | None = None) -> list[keras.callbacks.Callback]:
        """The callbacks in the order ``fit`` must call them; the run's
        EarlyStopping (if any) before the pause, so a run never holds at the
        epoch it stops at."""
        extra = [early_stopping] if early_stopping is not None else []
        return [self.stream, self.divergence, self.cancel, *extra, *([self.pause] if self.pause else [])]

    def stop_reason(self, early_stopping: keras.callbacks.EarlyStopping | None = None) -> str:
        """Why the last ``fit`` ended.

        Args:
            early_stopping: The run's early-stopping callback, if any.

        Returns:
            ``"diverged"``, ``"cancelled"``, ``"paused"`` (a hold ran out),
            ``"early_stopping"`` or ``"completed"``, the first that applies
            in this order.
        """
        if self.divergence.diverged_epoch is not None:
            return "diverged"
        if self.cancel.cancelled or (self.pause is not None and self.pause.cancelled):
            return "cancelled"
        if self.pause is not None and self.pause.timed_out:
            return "paused"
        if early_stopping is not None and early_stopping.stopped_epoch > 0:
            return "early_stopping"
        return "completed"
