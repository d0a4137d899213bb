"""Pause, Step, Resume and continuing a run.

The callback is fed fake logs with a dummy model and a scripted control
(as tests/unit/test_callbacks.py does); training itself runs in a child
process (Keras never enters the test process) or in the session's worker.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import asdict
from typing import Any

import pytest

from dlcore.runtime.control import GO, STOP, TIMED_OUT, JobControl, PauseGate
from dlcore.runtime.executor import DONE, RUNNING
from dlcore.runtime.tasks import Task
from dlcore.spec import ModelSpec, TrainConfig
from tests.dask_cluster import wait_finished, wait_for

_child: Any = None


@pytest.fixture(scope="module", autouse=True)
def child_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One spawned child runs the Keras tests, with its own models folder."""
    global _child
    os.environ.setdefault("DLP_DATA_DIR", str(tmp_path_factory.mktemp("pause_data")))
    _child = multiprocessing.get_context("spawn").Pool(1)
    yield
    _child.terminate()
    _child.join()


def _run_in_child(name: str, args: tuple[Any, ...]) -> str | None:
    try:
        globals()[name].__wrapped__(*args)
    except BaseException:
        return traceback.format_exc()
    return None


def in_a_child_process(test: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(test)
    def run(*args: Any) -> None:
        failure = _child.apply(_run_in_child, (test.__name__, args))
        if failure is not None:
            pytest.fail(failure, pytrace=False)

    return run


class Script:
    """A control channel whose commands arrive at given looks (one list per look)."""

    def __init__(self, looks: list[list[str]]) -> None:
        self.looks = list(looks)

    def read(self) -> list[str]:
        return self.looks.pop(0) if self.looks else []


def gate(looks: list[list[str]], hold: float = 60.0, **kwargs: Any) -> tuple[PauseGate, list[Any]]:
    events: list[Any] = []
    control = JobControl(Script(looks).read)
    return PauseGate(control, lambda kind, data: events.append((kind, data)), hold, sleep=lambda _: None, **kwargs), events


# ------------------------------------------------------------------ the gate
def test_the_gate_runs_on_without_a_pause_and_holds_after_one() -> None:
    running, events = gate([[], []])
    assert running.hold(1) == GO and events == []
    paused, events = gate([["pause"], [], [], ["resume"]])
    assert paused.hold(3) == GO
    assert events == [("paused", {"epoch": 3}), ("resumed", {"epoch": 3, "step": False})]
    assert not paused.pausing


def test_step_goes_on_for_one_epoch_then_holds_again() -> None:
    stepping, events = gate([["pause"], [], ["step"], [], [], ["resume"]])
    assert stepping.hold(2) == GO and stepping.pausing  # step: one more epoch, then hold
    assert stepping.hold(3) == GO
    assert [kind for kind, _ in events] == ["paused", "resumed", "paused", "resumed"]
    assert events[1][1]["step"] and events[2][1] == {"epoch": 3}


def test_cancel_while_held_stops_and_a_long_hold_times_out() -> None:
    cancelled, _ = gate([["pause"], [], ["cancel"]])
    assert cancelled.hold(1) == STOP
    timed, _ = gate([["pause"]], hold=0.0)
    assert timed.hold(1) == TIMED_OUT
    last, events = gate([["pause"]])
    assert last.hold(5, last=True) == GO and events == []  # the last epoch never holds
    start, events = gate([], hold=0.0, start_paused=True)
    assert start.hold(1) == TIMED_OUT and events == [("paused", {"epoch": 1})]


def test_a_plain_should_stop_never_holds() -> None:
    plain = PauseGate(lambda: False, lambda kind, data: None, 0.0)
    assert plain.hold(1) == GO


# -------------------------------------------------------------- the callback
@in_a_child_process
def test_the_callback_holds_steps_and_stops_with_fake_logs() -> None:
    import keras

    from dlcore.runtime.callbacks import JobCallbacks

    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.stop_training = False
    events: list[Any] = []
    looks = Script([["pause"], [], ["step"], [], []])
    control = JobControl(looks.read)
    job = JobCallbacks.create(
        lambda kind, data: events.append((kind, data)), control, pause=PauseGate(control, lambda k, d: events.append((k, d)), 0.2)
    )
    for callback in job.as_list():
        callback.set_model(model)
        callback.set_params({"epochs": 10, "steps": 1, "verbose": 0})
        callback.on_train_begin()
    for epoch in range(3):
        for callback in job.as_list():
            callback.on_epoch_end(epoch, {"loss": 1.0})
        if model.stop_training:
            break
    kinds = [kind for kind, _ in events]
    assert kinds == ["epoch", "paused", "resumed", "epoch", "paused"], kinds
    assert model.stop_training and job.pause.timed_out and job.stop_reason() == "paused"
    job.pause.on_train_begin(None)  # one job per callback: state resets
    assert not job.pause.timed_out and not job.pause.gate.pausing


# ------------------------------------------------------------- continuation
def _payload(epochs: int, model_id: str, **more: Any) -> dict[str, Any]:
    return {
        "model": asdict(ModelSpec(n_inputs=11, units=(8,))),
        "train": asdict(TrainConfig(epochs=epochs, seed=3, batch_size=64, optimizer="adam", learning_rate=0.01)),
        "data": {"dataset": "wine"},
        "model_id": model_id,
        **more,
    }


@in_a_child_process
def test_continuing_equals_one_longer_fit_weight_for_weight() -> None:
    import keras
    import numpy as np

    from dlcore.runtime.model_store import new_model_id, saved_model
    from dlcore.runtime.training import run_training

    def quiet(kind: str, data: dict[str, Any]) -> None:
        pass

    whole, part = new_model_id(), new_model_id()
    run_training(_payload(6, whole), quiet, lambda: False)
    first = run_training(_payload(3, part), quiet, lambda: False)
    assert first["epochs_run"] == 3
    epochs: list[int] = []
    rest = run_training(
        _payload(6, part, continue_from=part, initial_epoch=3),
        lambda kind, data: epochs.append(data["epoch"]) if kind == "epoch" else None,
        lambda: False,
    )
    assert epochs == [4, 5, 6] and rest["epochs_run"] == 6 and rest["stop_reason"] == "completed"
    a = keras.saving.load_model(saved_model(whole))
    b = keras.saving.load_model(saved_model(part))
    for x, y in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_allclose(x, y, rtol=1e-5)
    assert int(a.optimizer.iterations) == int(b.optimizer.iterations)  # Adam's step count carried on
    for x, y in zip(a.optimizer.variables, b.optimizer.variables, strict=True):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=1e-5, atol=1e-8)


@in_a_child_process
def test_a_hold_that_runs_out_saves_the_model_and_the_run_continues_as_one() -> None:
    import keras
    import numpy as np

    from dlcore.runtime.model_store import new_model_id, saved_model
    from dlcore.runtime.training import run_training

    os.environ["DLP_PAUSE_SECONDS"] = "0.2"
    whole, held = new_model_id(), new_model_id()
    run_training(_payload(4, whole), lambda k, d: None, lambda: False)
    events: list[Any] = []
    paused = run_training(
        _payload(4, held, start_paused=True), lambda k, d: events.append(k), JobControl(lambda: [])
    )
    assert paused["stop_reason"] == "paused" and paused["epochs_run"] == 1
    assert events == ["epoch", "paused"] and saved_model(held) is not None
    run_training(_payload(4, held, continue_from=held, initial_epoch=1), lambda k, d: None, JobControl(lambda: []))
    for x, y in zip(keras.saving.load_model(saved_model(whole)).get_weights(), keras.saving.load_model(saved_model(held)).get_weights(), strict=True):
        np.testing.assert_allclose(x, y, rtol=1e-5)


# ------------------------------------------------------- a real job, paused
def test_pause_step_resume_in_a_real_job_gives_the_uninterrupted_weights(task_pool: Any) -> None:
    from dlcore.runtime.model_store import new_model_id

    straight = wait_finished(task_pool, task_pool.submit(Task.TRAIN, _payload(5, new_model_id())), timeout=120)
    job_id = task_pool.submit(Task.TRAIN, _payload(5, new_model_id(), start_paused=True))
    held = wait_for(task_pool, job_id, lambda s: s.paused or s.finished, timeout=120)
    assert held.paused and held.state == RUNNING
    assert sum(kind == "epoch" for kind, _ in held.events) == 1
    time.sleep(0.4)
    assert sum(kind == "epoch" for kind, _ in task_pool.snapshot(job_id).events) == 1  # held
    task_pool.control(job_id, "step")
    stepped = wait_for(task_pool, job_id, lambda s: sum(k == "paused" for k, _ in s.events) == 2, timeout=60)
    assert sum(kind == "epoch" for kind, _ in stepped.events) == 2  # exactly one more epoch
    task_pool.control(job_id, "resume")
    done = wait_finished(task_pool, job_id, timeout=60)
    assert done.state == straight.state == DONE
    assert [d["epoch"] for k, d in done.events if k == "epoch"] == [1, 2, 3, 4, 5]
    assert done.result["valid_predictions"] == straight.result["valid_predictions"]
    assert done.result["final"] == straight.result["final"]
