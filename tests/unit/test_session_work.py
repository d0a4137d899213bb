"""The session's typed work: jobs filed once into numbered runs, queues, order."""

from __future__ import annotations

from dlcore.runtime.executor import DONE, JobSnapshot
from dlcore.runtime.session_work import ActiveJob, QueuedRun, SessionWork


def finished(job_id: str) -> JobSnapshot:
    events = (("epoch", {"logs": {"loss": 0.5, "val_loss": 0.6}, "seconds": 0.1}),)
    return JobSnapshot(job_id, DONE, None, events, {"stop_reason": "completed"}, None, False, 0.0, 0.0, 1.0)


def test_filing_numbers_runs_per_page_and_frees_the_page() -> None:
    work = SessionWork()
    for job_id in ("a", "b"):
        work.start("wine", ActiveJob(job_id, {"label": job_id}))
        work.page("wine").file(finished(job_id))
    work.start("overfitting", ActiveJob("c", {}))
    work.page("overfitting").file(finished("c"))
    assert [(r.number, r.meta) for r in work.page("wine").runs] == [(1, {"label": "a"}), (2, {"label": "b"})]
    assert [r.number for r in work.page("overfitting").runs] == [1]
    assert work.page("wine").runs[0].history == {"loss": [0.5], "val_loss": [0.6]}
    assert not work.busy() and work.active_pages() == []


def test_active_pages_in_the_order_their_jobs_started() -> None:
    work = SessionWork()
    work.start("wine", ActiveJob("a", {}))
    work.start("classification", ActiveJob("b", {}))
    work.page("wine").file(finished("a"))
    work.start("wine", ActiveJob("c", {}))
    assert work.busy() and work.active_pages() == ["classification", "wine"]


def test_queued_pages() -> None:
    work = SessionWork()
    item = QueuedRun("train", {"x": 1}, {"experiment": "baseline"})
    work.page("overfitting").queue.append(item)
    work.page("wine")
    assert work.queued_pages() == ["overfitting"]
