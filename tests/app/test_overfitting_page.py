"""The overfitting lesson: the course's experiments, their Keras code, the
gradient probe, the early-stopping quality bar, and the page in AppTest."""

from __future__ import annotations

import sys

from dlcore.diagnosis import diagnose
from dlcore.experiments import EXPERIMENTS
from tests.conftest import busy, open_page, page_runs, queue_length, run_until
from ui.diagnosis_view import verdict_label

PAGE = "pages/7_overfitting.py"


# ----------------------------------------------------------------------- page
def test_page_renders_sketches_experiments_and_panel() -> None:
    at = open_page(PAGE)
    assert not at.exception
    keys = {b.key for b in at.button}
    for e in EXPERIMENTS:
        assert {f"overfit_run_{e.key}", f"overfit_load_{e.key}"} <= keys
    assert {"overfit_run_all", "overfit_clear_queue", "train"} <= keys
    assert at.slider(key="depth").value == 1 and at.number_input(key="width").value == 16  # the baseline
    captions = " ".join(c.value for c in at.caption)
    assert "Under-fitting." in captions and "Good fit." in captions and "Over-fitting from epoch" in captions
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_capacity_group_runs_in_order_and_is_diagnosed() -> None:
    at = open_page(PAGE)
    at.button(key="overfit_run_group_capacity").click().run()
    assert not at.exception
    assert queue_length(at, "overfitting") == 2  # one running, two waiting
    run_until(
        at,
        lambda a: len(page_runs(a, "overfitting")) == 3 and not busy(a),
        timeout=240,
    )
    assert not at.exception
    records = page_runs(at, "overfitting")
    assert [r.meta["experiment"] for r in records] == ["baseline", "wider", "deeper"]
    for record in records:
        assert record.epochs_run == 10
        layers = 2 if record.meta["experiment"] != "deeper" else 3
        assert all(len(values) == layers for _, values in record.extras["gradients"])
    table = next(d.value for d in at.dataframe if "Diagnosis" in d.value.columns)
    assert table["Experiment"].tolist() == ["Baseline", "Wider", "Deeper"]
    for record, verdict in zip(records, table["Diagnosis"], strict=True):
        expected = diagnose(record.history["loss"], record.history["val_loss"], baseline=0.13291667)
        assert verdict == verdict_label(expected, "en")
    assert any("Best validation MAE" in c.value for c in at.caption)
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_load_into_panel_then_train_a_variant() -> None:
    at = open_page(PAGE)
    at.button(key="overfit_load_dropout").click().run()
    assert not at.exception
    assert at.slider(key="depth").value == 3 and at.number_input(key="width").value == 512
    assert at.slider(key="dropout").value == 0.3 and at.toggle(key="early_stopping").value
    assert at.number_input(key="epochs").value == 500 and at.number_input(key="patience").value == 20
    at.number_input(key="epochs").set_value(2).run()
    at.button(key="train").click().run()
    run_until(at, lambda a: not busy(a) and page_runs(a, "overfitting"), timeout=180)
    assert not at.exception
    record = page_runs(at, "overfitting")[-1]
    assert record.meta["experiment"] is None and record.meta["model"]["dropout"] == 0.3
    assert record.epochs_run == 2 and record.extras["gradients"][0][0] == 1
    # The run trains on (its model was kept): the same run, its gradient samples running on.
    at.number_input(key="more_epochs").set_value(1).run()
    at.button(key="train_more").click().run()
    run_until(at, lambda a: not busy(a) and page_runs(a, "overfitting")[-1].epochs_run == 3, timeout=180)
    assert not at.exception
    (record,) = page_runs(at, "overfitting")
    assert [epoch for epoch, _ in record.extras["gradients"]] == [1, 2, 3]
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_each_page_keeps_its_own_panel_values() -> None:
    at = open_page(PAGE)
    at.slider(key="depth").set_value(5).run()
    at.switch_page("pages/6_wine.py").run()
    assert at.slider(key="depth").value == 3 and at.selectbox(key="loss").value == "mae"  # the wine defaults
    at.switch_page("pages/8_classification.py").run()
    assert at.selectbox(key="loss").value == "binary_crossentropy" and at.number_input(key="width").value == 4
    at.switch_page(PAGE).run()
    assert at.slider(key="depth").value == 5
    assert not at.exception


def test_link_sets_the_panel_and_notes_a_bad_value() -> None:
    from tests.app.test_links import open_link, toasts

    at = open_link(PAGE, depth="2", width="32", dropout="0.9", early_stopping="true")
    assert not at.exception
    assert at.slider(key="depth").value == 2 and at.number_input(key="width").value == 32
    assert at.toggle(key="early_stopping").value
    assert at.slider(key="dropout").value == 0.0  # 0.9 is above the slider's 0.8: the baseline's value stays
    notes = toasts(at)
    assert len(notes) == 1 and "dropout=0.9" in notes[0]
    assert at.query_params["depth"] == "2" and "dropout" not in at.query_params
