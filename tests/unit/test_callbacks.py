"""The training job's Keras callbacks, fed fake logs with a dummy model.

Modelled on Keras's own callback tests (``keras/src/callbacks/early_stopping_test.py``):
each callback gets a small model and its hooks are called directly, as
``model.fit`` would call them. The tests run in one child process (spawned), so
Keras is imported there and never in the test process (tests/conftest.py
fails the session if it is).
"""

from __future__ import annotations

import functools
import multiprocessing
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import pytest

_child: Any = None  # one child process runs every test of this module (Keras imports once)


@pytest.fixture(scope="module", autouse=True)
def child_process() -> Iterator[None]:
    """Starts the process the tests run in, and ends it after the module."""
    global _child
    _child = multiprocessing.get_context("spawn").Pool(1)  # a fresh interpreter: no fork of a threaded process
    yield
    _child.terminate()
    _child.join()


def _run_in_child(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    """In the child: runs the test ``name``; returns its failure's traceback, or None."""
    try:
        globals()[name].__wrapped__(*args, **kwargs)
    except BaseException:
        return traceback.format_exc()
    return None


def in_a_child_process(test: Callable[..., None]) -> Callable[..., None]:
    """Runs ``test`` in the module's child process; its failure fails the test here."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        failure = _child.apply(_run_in_child, (test.__name__, args, kwargs))
        if failure is not None:
            pytest.fail(failure, pytrace=False)

    return run


def dummy_model() -> Any:
    import keras

    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.stop_training = False  # model.fit sets this before the first hook
    return model


def attached(callback: Any, model: Any) -> Any:
    callback.set_model(model)
    callback.on_train_begin()
    return callback


@in_a_child_process
def test_epoch_stream_sends_each_epochs_logs_counting_from_one() -> None:
    from dlcore.runtime.callbacks import EpochStream

    model = dummy_model()
    sent = []
    stream = attached(EpochStream(lambda kind, data: sent.append((kind, data))), model)
    stream.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.25})
    stream.on_epoch_end(1, None)  # Keras may pass logs=None
    (kind0, first), (kind1, second) = sent
    assert kind0 == kind1 == "epoch"
    assert first["epoch"] == 1 and first["logs"] == {"loss": 0.5, "val_loss": 0.25}
    assert second["epoch"] == 2 and second["logs"] == {}
    assert 0 <= first["seconds"] <= second["seconds"]
    assert stream.epochs_done == 2
    assert model.stop_training is False


@in_a_child_process
def test_epoch_stream_adds_the_probe_reports() -> None:
    import keras

    from dlcore.runtime.callbacks import EpochStream

    model = dummy_model()
    sent = []
    probe_calls = []

    def probe(probed: keras.Model, epoch: int) -> dict | None:
        probe_calls.append((probed, epoch))
        return {"gradients": [1.0]} if epoch == 1 else None

    stream = attached(EpochStream(lambda kind, data: sent.append(data), [probe]), model)
    stream.on_epoch_end(0, {"loss": 1.0})
    stream.on_epoch_end(1, {"loss": 0.5})
    assert probe_calls == [(model, 1), (model, 2)]
    assert sent[0]["gradients"] == [1.0] and "gradients" not in sent[1]


@in_a_child_process
def test_stop_on_divergence_only_on_a_non_finite_value() -> None:
    from dlcore.runtime.callbacks import StopOnDivergence

    model = dummy_model()
    divergence = attached(StopOnDivergence(), model)
    divergence.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.25})
    divergence.on_epoch_end(1, None)
    assert divergence.diverged_epoch is None and model.stop_training is False
    divergence.on_epoch_end(2, {"loss": float("nan"), "val_loss": 1.0})
    assert divergence.diverged_epoch == 3 and model.stop_training is True


@in_a_child_process
@pytest.mark.parametrize("value", [float("inf"), float("-inf")])
def test_stop_on_divergence_counts_infinity_as_divergence(value) -> None:
    from dlcore.runtime.callbacks import StopOnDivergence

    model = dummy_model()
    divergence = attached(StopOnDivergence(), model)
    divergence.on_epoch_end(4, {"loss": 1.0, "val_loss": value})
    assert divergence.diverged_epoch == 5 and model.stop_training is True


@in_a_child_process
def test_stop_on_cancel_after_the_current_batch() -> None:
    from dlcore.runtime.callbacks import StopOnCancel

    model = dummy_model()
    stop = {"flag": False}
    cancel = attached(StopOnCancel(lambda: stop["flag"]), model)
    cancel.on_train_batch_end(0, {})
    cancel.on_epoch_end(0, {})
    assert cancel.cancelled is False and model.stop_training is False
    stop["flag"] = True
    cancel.on_train_batch_end(1, {})
    assert [model.stop_training, cancel.cancelled] == [True, True]


@in_a_child_process
def test_stop_on_cancel_also_at_the_end_of_an_epoch() -> None:
    from dlcore.runtime.callbacks import StopOnCancel

    model = dummy_model()
    cancel = attached(StopOnCancel(lambda: True), model)
    cancel.on_epoch_end(0, None)
    assert [model.stop_training, cancel.cancelled] == [True, True]


@in_a_child_process
def test_job_callbacks_stream_the_diverged_epoch_and_reset_on_train_begin() -> None:
    from dlcore.runtime.callbacks import EpochStream, JobCallbacks, StopOnCancel, StopOnDivergence

    model = dummy_model()
    sent, stop = [], {"flag": False}
    job = JobCallbacks.create(lambda kind, data: sent.append((kind, data)), lambda: stop["flag"])
    callbacks = job.as_list()
    assert [type(c) for c in callbacks] == [EpochStream, StopOnDivergence, StopOnCancel]
    for callback in callbacks:
        attached(callback, model)
    for callback in callbacks:
        callback.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.25})
    assert job.stop_reason() == "completed" and model.stop_training is False
    for callback in callbacks:
        callback.on_epoch_end(1, {"loss": float("nan"), "val_loss": 1.0})
    assert [data["epoch"] for _, data in sent] == [1, 2]  # the diverged epoch is streamed too
    assert job.divergence.diverged_epoch == 2 and model.stop_training is True
    assert job.stop_reason() == "diverged"

    for callback in callbacks:
        callback.on_train_begin()  # state resets for the next fit
    assert [job.stream.epochs_done, job.divergence.diverged_epoch, job.cancel.cancelled] == [0, None, False]
    model.stop_training = False
    stop["flag"] = True
    for callback in callbacks:
        callback.on_train_batch_end(0, {})
    assert [model.stop_training, job.cancel.cancelled] == [True, True]
    assert job.stop_reason() == "cancelled"


@in_a_child_process
def test_job_stop_reason_reports_early_stopping_after_divergence_and_cancel() -> None:
    import keras

    from dlcore.runtime.callbacks import JobCallbacks

    job = JobCallbacks.create(lambda kind, data: None, lambda: False)
    early = keras.callbacks.EarlyStopping()
    assert job.stop_reason(early) == "completed"
    early.stopped_epoch = 3
    assert job.stop_reason(early) == "early_stopping"
    job.cancel.cancelled = True
    assert job.stop_reason(early) == "cancelled"
    job.divergence.diverged_epoch = 4
    assert job.stop_reason(early) == "diverged"
