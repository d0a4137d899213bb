"""Training jobs: the streaming callback, divergence, seeds, early stopping, Stop."""

from __future__ import annotations

import math
import time
from dataclasses import asdict

import pytest

from dlcore.runtime.executor import DONE
from dlcore.runtime.tasks import Task
from dlcore.spec import ModelSpec, TrainConfig

TRAIN = Task.TRAIN


def payload(model: ModelSpec, train: TrainConfig) -> dict:
    return {"model": asdict(model), "train": asdict(train), "data": {"dataset": "wine"}}


SMALL = ModelSpec(n_inputs=11, units=(16,))

def test_course_run_streams_every_epoch_and_reports_quality_points(run_task) -> None:
    result = run_task(TRAIN, payload(ModelSpec(n_inputs=11), TrainConfig(epochs=3)))
    epochs = [data for kind, data in result["_events"] if kind == "epoch"]
    assert [e["epoch"] for e in epochs] == [1, 2, 3]
    assert all(set(e["logs"]) == {"loss", "val_loss"} for e in epochs)
    assert result["param_count"] == 531_969
    assert result["stop_reason"] == "completed" and result["epochs_run"] == 3
    assert len(result["valid_predictions"]) == 480
    # Without restore, the final model is the last epoch's: evaluate() agrees with the last val_loss.
    assert result["final"]["val_loss"] == pytest.approx(epochs[-1]["logs"]["val_loss"], rel=1e-4)


def test_same_seed_same_curve_other_seed_other_curve(run_task) -> None:
    def curve(seed: int) -> list[float]:
        result = run_task(TRAIN, payload(SMALL, TrainConfig(epochs=3, seed=seed, batch_size=64)))
        return [data["logs"]["val_loss"] for kind, data in result["_events"] if kind == "epoch"]

    first, again, other = curve(7), curve(7), curve(8)
    assert first == again
    assert first != other


def test_too_high_learning_rate_is_reported_as_divergence(run_task) -> None:
    result = run_task(
        TRAIN, payload(SMALL, TrainConfig(optimizer="sgd", learning_rate=10.0, loss="mse", epochs=50, batch_size=32))
    )
    assert result["stop_reason"] == "diverged"
    assert result["diverged_epoch"] == result["epochs_run"] < 50
    last = [data["logs"] for kind, data in result["_events"] if kind == "epoch"][-1]
    assert not all(math.isfinite(v) for v in last.values())


def test_early_stopping_marks_best_and_stop_and_restores_best(run_task) -> None:
    # min_delta 1.0 means no epoch ever counts as an improvement after the first:
    # EarlyStopping stops after `patience` more epochs, best epoch stays 1.
    config = TrainConfig(epochs=30, early_stopping=True, min_delta=1.0, patience=2, restore_best=True, batch_size=64)
    result = run_task(TRAIN, payload(SMALL, config))
    val = [data["logs"]["val_loss"] for kind, data in result["_events"] if kind == "epoch"]
    assert result["stop_reason"] == "early_stopping"
    assert result["stopped_epoch"] == result["epochs_run"] == 3
    # The restored model is epoch 1's (Keras's best by its monitor), and the
    # reported metrics are those of the restored model.
    assert result["final"]["val_loss"] == pytest.approx(val[0], rel=1e-4)


def test_stop_keeps_the_partial_history(task_pool) -> None:
    job_id = task_pool.submit(TRAIN, payload(SMALL, TrainConfig(epochs=1000, batch_size=32)))
    while sum(kind == "epoch" for kind, _ in task_pool.snapshot(job_id).events) < 2:
        time.sleep(0.02)
    task_pool.cancel(job_id)
    while not (snapshot := task_pool.snapshot(job_id)).finished:
        time.sleep(0.02)
    assert snapshot.state == DONE
    assert snapshot.result["stop_reason"] == "cancelled"
    assert 2 <= snapshot.result["epochs_run"] < 1000
    assert snapshot.result["epochs_run"] == sum(kind == "epoch" for kind, _ in snapshot.events)
