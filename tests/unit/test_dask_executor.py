"""Dask beyond the shared contract: a worker process killed mid-run, the
scheduler stopped mid-run, an unreachable scheduler, the fallback to the
local pool and the home page's notice. The clusters here run Keras-free
workers (``tests.fake_tasks`` only), so each starts in about a second."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dlcore.runtime.dask_executor import DaskExecutor, SchedulerUnreachable
from dlcore.runtime.dask_fallback import FallbackExecutor
from dlcore.runtime.executor import DONE, FAILED, RUNNING
from dlcore.runtime.pool import WorkerPool
from dlcore.text import error_text
from tests.dask_cluster import CliCluster, free_port, local_cluster, wait_finished, wait_for

TICKS = "test.ticks"
LONG = {"n": 400, "delay": 0.05}


class Borrowed:
    """The session's local pool lent to a FallbackExecutor, which must not shut it down."""

    def __init__(self, pool: WorkerPool) -> None:
        self.pool = pool

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pool, name)

    def shutdown(self) -> None:
        pass


def quick(address: str) -> DaskExecutor:
    return DaskExecutor(address, idle_timeout=600, connect_timeout=2)


@pytest.fixture
def cluster() -> Iterator[Any]:
    with local_cluster(2, keras=False) as cluster:
        yield cluster


def test_a_killed_worker_process_fails_its_job_clearly_and_the_cluster_serves_on(cluster: Any) -> None:
    executor = quick(cluster.scheduler_address)
    try:
        assert executor.wait_ready(30)
        jobs = [executor.submit(TICKS, LONG) for _ in range(2)]
        for job_id in jobs:
            wait_for(executor, job_id, lambda s: s.state == RUNNING and len(s.events) >= 2)
        pids = cluster.get_client().run(os.getpid)  # worker address -> process id
        victim = sorted(pids)[0]
        os.kill(pids[victim], signal.SIGKILL)
        lost = [wait_for(executor, job_id, lambda s: s.finished or s.events[-1][1]["i"] > 30) for job_id in jobs]
        failed = [s for s in lost if s.state == FAILED]
        assert len(failed) == 1, lost  # the job on the killed worker, and only that one
        assert failed[0].error == {"key": "job.worker_lost", "values": {"worker": victim}}
        assert victim in error_text(failed[0].error).replace("\\", "")
        assert len(failed[0].events) >= 2  # what it streamed is kept
        survivor = next(s for s in lost if s.state != FAILED)
        executor.cancel(survivor.job_id)
        assert wait_finished(executor, survivor.job_id).state == DONE
        assert executor.stats()["restarts"] == 1
        # The nanny starts a new worker; the cluster takes jobs again.
        assert wait_finished(executor, executor.submit(TICKS, {"n": 2}), timeout=60).state == DONE
    finally:
        executor.shutdown()


def test_a_stopped_scheduler_fails_its_jobs_and_new_jobs_train_locally(task_pool: WorkerPool) -> None:
    with CliCluster(1) as cluster:
        fallback = FallbackExecutor(cluster.address, lambda: Borrowed(task_pool), connect=quick, retry_seconds=600)
        try:
            assert fallback.wait_ready(60)
            assert fallback.notice() is None and fallback.on_cluster()
            job_id = fallback.submit(TICKS, LONG)
            wait_for(fallback, job_id, lambda s: len(s.events) >= 2)
            cluster.stop_scheduler()  # the scheduler's machine goes away mid-run
            snapshot = wait_finished(fallback, job_id, timeout=20)  # never a hang
            assert snapshot.state == FAILED
            assert snapshot.error == {"key": "job.scheduler_lost", "values": {"address": cluster.address}}
            assert len(snapshot.events) >= 2
            assert fallback.notice() == "lost"
            local_job = fallback.submit(TICKS, {"n": 2, "tag": "here"})
            done = wait_finished(fallback, local_job, timeout=120)
            assert done.state == DONE and done.result["pid"] in task_pool.worker_pids()
            assert fallback.snapshot(job_id).state == FAILED  # the lost job stays readable
        finally:
            fallback.shutdown()


def test_an_unreachable_scheduler_falls_back_at_once_and_is_joined_once_it_answers(task_pool: WorkerPool) -> None:
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    with pytest.raises(SchedulerUnreachable):
        quick(address)
    fallback = FallbackExecutor(address, lambda: Borrowed(task_pool), connect=quick, retry_seconds=0.5)
    try:
        assert fallback.notice() == "unreachable" and not fallback.on_cluster()
        here = wait_finished(fallback, fallback.submit(TICKS, {"n": 1}), timeout=120)
        assert here.state == DONE and here.result["pid"] in task_pool.worker_pids()
        with local_cluster(1, keras=False, scheduler_port=port) as cluster:
            deadline = time.monotonic() + 30
            while not fallback.on_cluster():
                assert time.monotonic() < deadline, "the scheduler was not joined"
                time.sleep(0.2)
            assert fallback.notice() is None
            there = wait_finished(fallback, fallback.submit(TICKS, {"n": 1}), timeout=30)
            assert there.state == DONE and there.result["pid"] in cluster.get_client().run(os.getpid).values()
    finally:
        fallback.shutdown()


def test_a_bad_scheduler_address_is_a_notice_not_a_traceback(task_pool: WorkerPool) -> None:
    fallback = FallbackExecutor("not-an-address", lambda: Borrowed(task_pool), connect=quick, retry_seconds=600)
    assert fallback.notice() == "unreachable"
    assert wait_finished(fallback, fallback.submit(TICKS, {"n": 1}), timeout=120).state == DONE


class StubExecutor(FallbackExecutor):
    """A FallbackExecutor's face for the notice, without a cluster."""

    def __init__(self, notice: str | None) -> None:
        self.address = "tcp://lab-server:8786"
        self._notice = notice

    def notice(self) -> str | None:
        return self._notice

    def stats(self) -> dict[str, int]:
        return {"workers": 3, "ready": 3, "busy": 1, "pending": 4}


def notice_script() -> None:
    from ui.pool import executor_notice

    executor_notice("zh-TW" if __import__("os").environ.get("DLP_TEST_LANG") == "zh-TW" else "en")


@pytest.mark.parametrize(
    ("notice", "lang", "expected"),
    [
        ("lost", "en", "connection to the Dask scheduler at tcp://lab-server:8786 was lost"),
        ("unreachable", "zh-TW", "tcp://lab-server:8786 的 Dask 排程器沒有回應"),
    ],
)
def test_the_home_page_notice_says_where_runs_go(
    monkeypatch: pytest.MonkeyPatch, notice: str, lang: str, expected: str
) -> None:
    import ui.pool

    monkeypatch.setattr(ui.pool, "get_pool", lambda: StubExecutor(notice))
    monkeypatch.setenv("DLP_TEST_LANG", lang)
    at = AppTest.from_function(notice_script).run()
    assert not at.exception
    assert expected in at.warning[0].value.replace("\\", "")


def test_the_notice_on_the_cluster_counts_its_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.pool

    monkeypatch.setattr(ui.pool, "get_pool", lambda: StubExecutor(None))
    monkeypatch.setenv("DLP_TEST_LANG", "en")
    at = AppTest.from_function(notice_script).run()
    assert not at.exception and not at.warning
    assert "3 workers, 1 busy, 4 waiting" in at.caption[0].value


def test_without_a_scheduler_the_local_pool_is_the_executor() -> None:
    from ui.pool import build_executor

    local = object()
    assert build_executor(None, lambda: local) is local
    assert build_executor("  ", lambda: local) is local
