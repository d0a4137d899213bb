"""The worker pool: jobs run, stream, queue in order, cancel, time out,
survive failures and crashed workers, and never leak a worker."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator

import pytest

from dlcore.runtime.executor import CANCELLED, DONE, FAILED
from dlcore.runtime.pool import WorkerPool

TICKS = "test.ticks"
FAKE_TASKS = ("tests.fake_tasks",)


def wait_finished(pool: WorkerPool, job_id: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while True:
        snapshot = pool.snapshot(job_id)
        assert snapshot is not None
        if snapshot.finished:
            return snapshot
        assert time.monotonic() < deadline, f"job {job_id} did not finish: {snapshot}"
        time.sleep(0.02)


def wait_idle(pool: WorkerPool, timeout: float = 60.0) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        stats = pool.stats()
        if stats["busy"] == 0 and stats["pending"] == 0 and stats["ready"] == pool.size:
            return stats
        assert time.monotonic() < deadline, f"pool not idle: {stats}"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    pool = WorkerPool(size=2, idle_timeout=30, cancel_grace=3, task_modules=FAKE_TASKS)
    assert pool.wait_ready(180)
    yield pool
    pool.shutdown()


def test_job_streams_messages_in_order_and_returns_result(pool: WorkerPool) -> None:
    job_id = pool.submit(TICKS, {"n": 5, "delay": 0.01, "tag": "a"})
    snapshot = wait_finished(pool, job_id)
    assert snapshot.state == DONE
    assert [data["i"] for kind, data in snapshot.events] == [0, 1, 2, 3, 4]
    assert snapshot.result is not None and snapshot.result["ticks"] == 5
    assert snapshot.started_at is not None and snapshot.finished_at >= snapshot.started_at


def test_server_process_never_imports_keras(pool: WorkerPool) -> None:
    wait_finished(pool, pool.submit(TICKS, {"n": 1}))
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules
    assert os.getpid() not in pool.worker_pids()


def test_queue_is_fifo_with_correct_positions(pool: WorkerPool) -> None:
    wait_idle(pool)
    blockers = [pool.submit(TICKS, {"n": 4, "delay": 0.1, "tag": f"b{i}"}) for i in range(pool.size)]
    queued = [pool.submit(TICKS, {"n": 1, "tag": i}) for i in range(6)]
    positions = [pool.snapshot(job_id).queue_position for job_id in queued]
    assert positions == [1, 2, 3, 4, 5, 6]
    finished = [wait_finished(pool, job_id) for job_id in queued]
    starts = [s.started_at for s in finished]
    assert starts == sorted(starts), "jobs must start in submission order"
    assert [s.result["tag"] for s in finished] == list(range(6)), "each job gets its own result"
    for job_id in blockers:
        wait_finished(pool, job_id)
    stats = wait_idle(pool)
    assert stats["pending"] == 0 and stats["busy"] == 0


def test_cancel_pending_job_leaves_queue(pool: WorkerPool) -> None:
    wait_idle(pool)
    blockers = [pool.submit(TICKS, {"n": 3, "delay": 0.1}) for _ in range(pool.size)]
    waiting = pool.submit(TICKS, {"n": 1})
    pool.cancel(waiting)
    snapshot = pool.snapshot(waiting)
    assert snapshot.state == CANCELLED and snapshot.started_at is None
    for job_id in blockers:
        assert wait_finished(pool, job_id).state == DONE
    wait_idle(pool)


def test_cancel_running_job_keeps_partial_stream(pool: WorkerPool) -> None:
    job_id = pool.submit(TICKS, {"n": 200, "delay": 0.02})
    while len(pool.snapshot(job_id).events) < 3:
        time.sleep(0.01)
    pool.cancel(job_id)
    snapshot = wait_finished(pool, job_id)
    assert snapshot.state == DONE and snapshot.cancel_requested
    assert snapshot.result["cancelled"] is True
    assert 3 <= snapshot.result["ticks"] < 200
    assert len(snapshot.events) == snapshot.result["ticks"]
    wait_idle(pool)


def test_error_inside_job_is_reported_and_worker_reused(pool: WorkerPool) -> None:
    pids = set(pool.worker_pids())
    snapshot = wait_finished(pool, pool.submit("test.fail", {"message": "boom"}))
    assert snapshot.state == FAILED
    assert "boom" in snapshot.error["message"]
    assert wait_finished(pool, pool.submit(TICKS, {"n": 1})).state == DONE
    assert set(pool.worker_pids()) == pids, "a task error must not cost a worker"


@pytest.mark.parametrize("name", ["os:system", "tests.fake_tasks:ticks", "train"])
def test_only_registered_tasks_can_run(pool: WorkerPool, name: str) -> None:
    # A module path is not a name, and "train" is not among this pool's task modules.
    snapshot = wait_finished(pool, pool.submit(name, {"cmd": "true"}))
    assert snapshot.state == FAILED and "not a registered task" in snapshot.error["message"]


def test_crashed_worker_is_replaced_and_job_fails_clearly(pool: WorkerPool) -> None:
    restarts = pool.stats()["restarts"]
    snapshot = wait_finished(pool, pool.submit("test.die", {"code": 7}))
    assert snapshot.state == FAILED
    assert snapshot.error == {"key": "job.worker_crashed", "values": {"code": 7}}
    assert len(snapshot.events) == 1
    assert pool.stats()["restarts"] == restarts + 1
    assert pool.wait_ready(180)
    assert wait_finished(pool, pool.submit(TICKS, {"n": 1})).state == DONE


def test_stuck_job_is_killed_after_cancel_grace(pool: WorkerPool) -> None:
    wait_idle(pool)
    job_id = pool.submit("test.ignore_cancel", {"seconds": 60})
    while pool.snapshot(job_id).state != "running":
        time.sleep(0.01)
    pool.cancel(job_id)
    snapshot = wait_finished(pool, job_id, timeout=30)
    assert snapshot.state == CANCELLED
    assert pool.wait_ready(180)
    wait_idle(pool)


def test_job_nobody_polls_is_cancelled_and_frees_its_worker() -> None:
    pool = WorkerPool(size=1, idle_timeout=1.0, cancel_grace=3, task_modules=FAKE_TASKS)
    try:
        assert pool.wait_ready(180)
        job_id = pool.submit(TICKS, {"n": 1000, "delay": 0.02})
        time.sleep(2.5)  # no snapshot() calls: the page is gone
        snapshot = pool.snapshot(job_id)
        assert snapshot.finished and snapshot.cancel_requested
        assert snapshot.error == {"key": "job.cancelled_idle"}
        assert snapshot.result is None or snapshot.result["ticks"] < 1000
        assert pool.stats()["busy"] == 0
    finally:
        pool.shutdown()


def test_many_sessions_submitting_at_once_each_get_their_own_history(pool: WorkerPool) -> None:
    wait_idle(pool)
    jobs = {pool.submit(TICKS, {"n": 3, "delay": 0.005, "tag": f"s{i}"}): f"s{i}" for i in range(30)}
    order = list(jobs)
    finished = {job_id: wait_finished(pool, job_id, timeout=120) for job_id in order}
    for job_id, tag in jobs.items():
        snapshot = finished[job_id]
        assert snapshot.state == DONE
        assert [data["tag"] for _, data in snapshot.events] == [tag] * 3
    starts = [finished[job_id].started_at for job_id in order]
    assert starts == sorted(starts)
    stats = wait_idle(pool)
    assert stats["busy"] == 0 and stats["pending"] == 0


def test_shutdown_stops_every_worker() -> None:
    pool = WorkerPool(size=2, task_modules=FAKE_TASKS)
    assert pool.wait_ready(180)
    pids = pool.worker_pids()
    pool.shutdown()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_worker_past_the_memory_threshold_is_recycled_between_jobs() -> None:
    pool = WorkerPool(size=1, max_rss_mb=1.0, task_modules=FAKE_TASKS)  # every worker is "too big" after its job
    try:
        assert pool.wait_ready(180)
        first_pid = pool.worker_pids()[0]
        snapshot = wait_finished(pool, pool.submit(TICKS, {"n": 2}))
        assert snapshot.state == DONE and snapshot.result["ticks"] == 2  # the job itself completes
        deadline = time.monotonic() + 30
        while pool.stats()["restarts"] < 1:
            assert time.monotonic() < deadline, "the worker was not recycled"
            time.sleep(0.05)
        assert pool.wait_ready(180)
        assert pool.worker_pids()[0] != first_pid
        assert wait_finished(pool, pool.submit(TICKS, {"n": 1})).state == DONE
    finally:
        pool.shutdown()
