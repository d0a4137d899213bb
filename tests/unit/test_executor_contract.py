"""One contract, two executors: the local worker pool and Dask.

Every test but the first runs against ``WorkerPool`` (the session's worker
process, ``task_pool``) and against ``DaskExecutor`` on a real
``distributed.LocalCluster`` (a scheduler and two worker processes over TCP
on 127.0.0.1, warmed by the ``dlcore.runtime.dask_worker`` preload). What a page relies on must hold for
both: epochs stream while the job runs, Stop keeps the partial history, an
unwatched job is cancelled, a dead worker fails its job clearly, the queue is
first come first served with its positions, unknown tasks are refused,
Pause holds a job, Step runs exactly one more step, Resume runs it to the
end, a held job stops on Stop or ends by itself after its hold, and a
seeded training gives the same curve on either.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import pytest

from dlcore.runtime.dask_executor import DaskExecutor
from dlcore.runtime.executor import CANCELLED, DONE, FAILED, PENDING, RUNNING
from dlcore.runtime.pool import WorkerPool
from dlcore.runtime.tasks import Task
from dlcore.spec import ModelSpec, TrainConfig
from tests.dask_cluster import local_cluster, wait_finished, wait_for

TICKS = "test.ticks"


@pytest.fixture(scope="module")
def local(task_pool: WorkerPool) -> WorkerPool:
    """The session's one-worker pool (tests/conftest.py), with the course's and the fake tasks."""
    return task_pool


@pytest.fixture(scope="module")
def dask(task_pool: WorkerPool) -> Iterator[DaskExecutor]:
    """Two Dask worker processes, with TensorFlow threads as the local worker's (same arithmetic)."""
    with local_cluster(2, keras=True, tf_threads=task_pool.threads) as cluster:
        executor = DaskExecutor(cluster.scheduler_address, idle_timeout=600, cancel_grace=3)
        yield executor
        executor.shutdown()


@pytest.fixture(params=["local", "dask"])
def executor(request: pytest.FixtureRequest) -> Any:
    executor = request.getfixturevalue(request.param)
    deadline = time.monotonic() + 180  # every worker warm (one may be replacing a dead one)
    while executor.stats()["ready"] < slots(executor):
        assert time.monotonic() < deadline, executor.stats()
        time.sleep(0.1)
    return executor


def slots(executor: Any) -> int:
    """Jobs the executor runs at once (one per local worker, one per Dask worker thread)."""
    return executor.size if isinstance(executor, WorkerPool) else 2


def ticks(snapshot: Any) -> list[int]:
    return [data["i"] for kind, data in snapshot.events if kind == "tick"]


def test_same_seed_gives_the_same_curve_on_dask_as_on_the_local_pool(local: WorkerPool, dask: DaskExecutor) -> None:
    payload = {
        "model": asdict(ModelSpec(n_inputs=11, units=(16,))),
        "train": asdict(TrainConfig(epochs=3, seed=7, batch_size=64)),
        "data": {"dataset": "wine"},
    }
    assert local.wait_ready(180) and dask.wait_ready(180)
    curves = []
    for executor in (local, dask):
        snapshot = wait_finished(executor, executor.submit(Task.TRAIN, payload), timeout=180)
        assert snapshot.state == DONE, snapshot.error
        curves.append(
            [(data["logs"]["loss"], data["logs"]["val_loss"]) for kind, data in snapshot.events if kind == "epoch"]
        )
    assert len(curves[0]) == 3
    assert curves[0] == curves[1]
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules  # neither client imported Keras


def test_every_message_streams_back_while_the_job_runs(executor: Any) -> None:
    job_id = executor.submit(TICKS, {"n": 8, "delay": 0.15, "tag": "s"})
    during = wait_for(executor, job_id, lambda s: len(s.events) >= 2 or s.finished)
    assert during.state == RUNNING and len(during.events) < 8, "messages arrived only at the end"
    snapshot = wait_finished(executor, job_id)
    assert snapshot.state == DONE and snapshot.error is None
    assert ticks(snapshot) == list(range(8))
    assert snapshot.result is not None and snapshot.result["ticks"] == 8 and snapshot.result["tag"] == "s"
    assert snapshot.submitted_at <= snapshot.started_at <= snapshot.finished_at


def test_stop_ends_after_the_current_step_and_keeps_the_partial_history(executor: Any) -> None:
    job_id = executor.submit(TICKS, {"n": 400, "delay": 0.05})
    wait_for(executor, job_id, lambda s: len(s.events) >= 3)
    executor.cancel(job_id)
    snapshot = wait_finished(executor, job_id, timeout=10)
    assert snapshot.cancel_requested
    assert snapshot.state == DONE and snapshot.result is not None and snapshot.result["cancelled"]
    assert 3 <= len(snapshot.events) < 400
    assert ticks(snapshot) == list(range(snapshot.result["ticks"]))  # nothing lost, nothing after the stop


def test_jobs_queue_in_submission_order_with_their_positions(executor: Any) -> None:
    blockers = [executor.submit(TICKS, {"n": 400, "delay": 0.05}) for _ in range(slots(executor))]
    for blocker in blockers:
        wait_for(executor, blocker, lambda s: s.state == RUNNING)
    waiting = [executor.submit(TICKS, {"n": 1, "tag": tag}) for tag in "abc"]
    snapshots = [executor.snapshot(job_id) for job_id in waiting]
    assert [s.state for s in snapshots] == [PENDING] * 3
    assert [s.queue_position for s in snapshots] == [1, 2, 3]
    executor.cancel(waiting[1])  # leaves the queue at once; the others move up
    assert executor.snapshot(waiting[1]).state == CANCELLED
    assert executor.snapshot(waiting[1]).error == {"key": "job.cancelled"}
    assert executor.snapshot(waiting[2]).queue_position == 2
    executor.cancel(blockers[0])  # one worker frees up: the oldest waiting job goes first
    first = wait_finished(executor, waiting[0])
    assert executor.snapshot(waiting[2]).queue_position in (1, None)
    for blocker in blockers[1:]:
        executor.cancel(blocker)
    last = wait_finished(executor, waiting[2])
    assert first.state == last.state == DONE
    assert first.started_at <= last.started_at
    for blocker in blockers:
        wait_finished(executor, blocker)


def test_a_job_nobody_polls_is_cancelled_and_frees_its_worker(executor: Any) -> None:
    executor.idle_timeout = 1.0
    try:
        job_id = executor.submit(TICKS, {"n": 400, "delay": 0.05})
        time.sleep(3.0)  # nobody asks for it (the tab was closed)
        snapshot = wait_finished(executor, job_id, timeout=10)
    finally:
        executor.idle_timeout = 600
    assert snapshot.error == {"key": "job.cancelled_idle"}
    assert snapshot.state == DONE and snapshot.result["cancelled"] and snapshot.result["ticks"] < 400
    assert wait_finished(executor, executor.submit(TICKS, {"n": 1})).state == DONE


def test_unknown_tasks_are_refused(executor: Any) -> None:
    snapshot = wait_finished(executor, executor.submit("os.system", {"cmd": "true"}))
    assert snapshot.state == FAILED
    assert "not a registered task: 'os.system'" in snapshot.error["message"]


def test_an_error_in_a_job_is_reported_and_the_worker_serves_on(executor: Any) -> None:
    snapshot = wait_finished(executor, executor.submit("test.fail", {"message": "bad input"}))
    assert snapshot.state == FAILED and snapshot.error["message"] == "ValueError: bad input"
    assert wait_finished(executor, executor.submit(TICKS, {"n": 2})).state == DONE


def test_a_worker_that_dies_mid_job_fails_it_clearly(executor: Any) -> None:
    job_id = executor.submit("test.die", {"delay": 0.3, "code": 3})
    snapshot = wait_finished(executor, job_id, timeout=30)  # never a hang
    assert snapshot.state == FAILED
    assert snapshot.error["key"] in ("job.worker_crashed", "job.worker_lost")
    assert ticks(snapshot) == [0]  # what it streamed before dying is kept


PAUSABLE = "test.pausable"


def test_pause_holds_step_runs_one_more_and_resume_runs_to_the_end(executor: Any) -> None:
    job_id = executor.submit(PAUSABLE, {"n": 40, "delay": 0.05, "hold": 30})
    wait_for(executor, job_id, lambda s: len(ticks(s)) >= 2)
    asked = time.monotonic()
    executor.control(job_id, "pause")
    held = wait_for(executor, job_id, lambda s: s.paused or s.finished)
    hold_latency = time.monotonic() - asked
    assert held.paused and held.state == RUNNING, held
    assert hold_latency < 2.0
    k = len(ticks(held))
    assert [data["epoch"] for kind, data in held.events if kind == "paused"] == [k]
    time.sleep(0.5)  # held: nothing more arrives
    assert len(ticks(executor.snapshot(job_id))) == k and executor.snapshot(job_id).paused
    executor.control(job_id, "step")  # exactly one more, then held again
    stepped = wait_for(executor, job_id, lambda s: sum(kind == "paused" for kind, _ in s.events) == 2)
    assert stepped.paused and len(ticks(stepped)) == k + 1
    time.sleep(0.3)
    assert len(ticks(executor.snapshot(job_id))) == k + 1
    executor.control(job_id, "resume")
    done = wait_finished(executor, job_id, timeout=20)
    assert done.state == DONE and not done.paused
    assert done.result == {"ticks": 40, "outcome": "go"}
    assert ticks(done) == list(range(40))  # one unbroken run


def test_a_held_job_can_be_stopped_and_ends_by_itself_after_its_hold(executor: Any) -> None:
    job_id = executor.submit(PAUSABLE, {"n": 400, "delay": 0.02, "hold": 30})
    wait_for(executor, job_id, lambda s: len(ticks(s)) >= 1)
    executor.control(job_id, "pause")
    wait_for(executor, job_id, lambda s: s.paused)
    executor.cancel(job_id)
    stopped = wait_finished(executor, job_id, timeout=10)
    assert stopped.state == DONE and stopped.result["outcome"] == "stop" and not stopped.paused
    timed = executor.submit(PAUSABLE, {"n": 400, "delay": 0.02, "hold": 0.5})
    wait_for(executor, timed, lambda s: len(ticks(s)) >= 1)
    executor.control(timed, "pause")
    ended = wait_finished(executor, timed, timeout=10)
    assert ended.state == DONE and ended.result["outcome"] == "timed_out"
    executor.control(timed, "resume")  # a finished job ignores commands
    with pytest.raises(ValueError):
        executor.control(timed, "explode")


def test_a_prediction_goes_to_the_dask_worker_that_saved_its_model(dask: DaskExecutor) -> None:
    from dlcore.runtime.model_store import new_model_id

    model_id = new_model_id()
    payload = {
        "model": asdict(ModelSpec(n_inputs=11, units=(8,))),
        "train": asdict(TrainConfig(epochs=1, seed=1, batch_size=256)),
        "data": {"dataset": "wine"},
        "model_id": model_id,
    }
    trained = wait_finished(dask, dask.submit(Task.TRAIN, payload), timeout=120)
    assert trained.state == DONE, trained.error
    home = dask._jobs[trained.job_id].worker  # each worker's disk holds the models it trained
    for _ in range(3):
        job_id = dask.submit(Task.PREDICT, {"model_id": model_id, "rows": [[0.0] * 11]})
        predicted = wait_finished(dask, job_id, timeout=60)
        assert predicted.state == DONE, predicted.error
        assert dask._jobs[job_id].worker == home
