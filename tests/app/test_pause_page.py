"""Pause, Step, Resume and "Train more epochs" on the wine page (AppTest)."""

from __future__ import annotations

import sys
from dataclasses import replace

from tests.conftest import busy, open_page, page_runs, run_until, session_work

PAGE = "pages/6_wine.py"


def has_button(at, key: str) -> bool:
    return any(b.key == key for b in at.button)


def epochs_seen(at) -> int:
    """Epochs of the page's active job, with those of the run it continues."""
    job = session_work(at).page("wine").job
    if job is None:
        return 0
    from ui.pool import get_pool

    snapshot = get_pool().snapshot(job.job_id)
    return job.record(snapshot).epochs_run if snapshot is not None else 0


def test_pause_step_resume_then_train_more_epochs_on_the_same_run() -> None:
    at = open_page(PAGE)
    at.number_input(key="epochs").set_value(40).run()
    at.button(key="train").click().run()
    run_until(at, lambda a: has_button(a, "pause") or not busy(a), interval=0.1)
    at.button(key="pause").click().run()
    assert not at.exception
    run_until(at, lambda a: has_button(a, "resume"), interval=0.2)
    held = epochs_seen(at)
    assert any("Paused after epoch" in i.value for i in at.info)
    at.run()
    assert epochs_seen(at) == held  # held
    at.button(key="step").click().run()
    run_until(at, lambda a: has_button(a, "resume") and epochs_seen(a) == held + 1, interval=0.2)
    assert epochs_seen(at) == held + 1  # exactly one epoch more
    at.button(key="resume").click().run()
    run_until(at, lambda a: not busy(a) and page_runs(a, "wine"))
    assert not at.exception
    (run,) = page_runs(at, "wine")
    assert run.epochs_run == 40 and run.stop_reason == "completed"

    at.number_input(key="more_epochs").set_value(2).run()
    at.button(key="train_more").click().run()
    assert not at.exception
    run_until(at, lambda a: not busy(a) and page_runs(a, "wine")[-1].epochs_run == 42)
    (run,) = page_runs(at, "wine")  # the same run, two epochs longer
    assert run.number == 1 and len(run.history["val_loss"]) == 42 and len(run.seconds) == 42
    assert run.meta["train"]["epochs"] == 42
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_a_paused_run_whose_worker_was_freed_resumes_and_steps() -> None:
    at = open_page(PAGE)
    at.number_input(key="epochs").set_value(2).run()
    at.button(key="train").click().run()
    run_until(at, lambda a: not busy(a) and page_runs(a, "wine"))
    work = session_work(at).page("wine")
    (run,) = work.runs
    # As a hold that ran out leaves it: paused after epoch 2 of 4, its model saved.
    work.runs = [replace(run, meta={**run.meta, "train": {**run.meta["train"], "epochs": 4}}, result={**run.result, "stop_reason": "paused"})]
    at.run()
    assert any("Paused after epoch 2 of 4" in i.value for i in at.info)
    at.button(key="step").click().run()
    assert not at.exception
    run_until(at, lambda a: has_button(a, "resume") and busy(a), interval=0.2)
    assert epochs_seen(at) == 3
    at.button(key="resume").click().run()
    run_until(at, lambda a: not busy(a))
    (run,) = page_runs(at, "wine")
    assert run.number == 1 and run.epochs_run == 4 and run.stop_reason == "completed"
    assert not at.exception


def test_a_classification_run_trains_more_epochs_with_its_neuron_snapshots_and_weights_running_on() -> None:
    at = open_page("pages/8_classification.py")
    at.selectbox(key="dataset").set_value("circle").run()
    at.slider(key="depth").set_value(2).run()
    at.number_input(key="width").set_value(4).run()
    at.number_input(key="epochs").set_value(3).run()
    at.button(key="train").click().run()
    run_until(at, lambda a: not busy(a) and page_runs(a, "classification"), timeout=180)
    (first,) = page_runs(at, "classification")
    assert first.meta.get("model_id") and first.epochs_run == 3
    at.number_input(key="more_epochs").set_value(2).run()
    at.button(key="train_more").click().run()
    assert not at.exception
    run_until(at, lambda a: not busy(a) and page_runs(a, "classification")[-1].epochs_run == 5)
    (run,) = page_runs(at, "classification")  # the same run, two epochs longer
    assert run.number == 1 and len(run.history["val_binary_accuracy"]) == 5
    neuron_epochs = [s["epoch"] for s in run.extras["neurons"]]
    assert neuron_epochs[0] == 1 and neuron_epochs[-1] == 5 and neuron_epochs == sorted(neuron_epochs)
    weight_epochs = [epoch for epoch, _ in run.extras["weights"]]
    assert weight_epochs[0] == 1 and weight_epochs[-1] == 5
    assert not at.exception
