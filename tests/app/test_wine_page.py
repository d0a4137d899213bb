"""The red-wine page in AppTest: render, train two epochs, keep the run."""

from __future__ import annotations

import base64
import json
import sys

import numpy as np
import pytest

from tests.app.test_links import open_link, toasts
from tests.conftest import busy, open_page, page_runs, run_until

PAGE = "pages/6_wine.py"


def trace_values(chart, axis: str = "y") -> list[list[float]]:
    """The numbers of each trace of a Plotly chart element (decodes bdata)."""
    out = []
    for trace in json.loads(chart.proto.spec)["data"]:
        values = trace.get(axis, [])
        if isinstance(values, dict) and "bdata" in values:
            values = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
        out.append(list(values))
    return out


def chart(at, key: str):
    return next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key) or key in c.proto.id)


def test_page_renders_with_course_defaults_and_summary() -> None:
    at = open_page(PAGE)
    assert not at.exception
    assert at.button(key="train").label == "Train"
    assert at.slider(key="depth").value == 3 and at.number_input(key="width").value == 512
    assert at.selectbox(key="optimizer").value == "adam" and at.selectbox(key="loss").value == "mae"
    assert at.select_slider(key="batch_size").value == 256 and at.number_input(key="epochs").value == 10
    summary = next(d.value for d in at.dataframe if "Param #" in d.value.columns)
    assert summary["Param #"].tolist() == [6144, 262_656, 262_656, 513]
    assert summary["Param #"].sum() == 531_969
    assert any("Total params: 531,969" in c.value for c in at.caption)
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_train_two_epochs_streams_to_chart_and_history() -> None:
    at = open_page(PAGE)
    at.number_input(key="epochs").set_value(2).run()
    at.button(key="train").click().run()
    assert not at.exception
    run_until(at, lambda a: not busy(a) and page_runs(a, "wine"))
    assert not at.exception
    runs = page_runs(at, "wine")
    assert len(runs) == 1 and runs[0].epochs_run == 2
    live = trace_values(chart(at, "wine_live_chart"))
    assert [len(v) for v in live[:2]] == [2, 2]  # training and validation loss, 2 epochs each
    assert any("Finished all 2 epochs" in s.value for s in at.success)
    labels = {m.label: m.value for m in at.metric}
    best = min(runs[0].history["val_loss"])
    assert labels["Best validation MAE"] == f"{best:.4f}"
    assert labels["In quality points"] == f"{best * 5:.3f}"  # quality spans 3..8 in training
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules

    # A second run is compared with the first and both are in the history table.
    at.number_input(key="epochs").set_value(1).run()
    at.button(key="train").click().run()
    run_until(at, lambda a: not busy(a) and len(page_runs(a, "wine")) == 2)
    assert not at.exception
    assert len(at.dataframe[-1].value) == 2
    at.button(key="runs_delete_all").click().run()
    at.button(key="runs_delete_all_yes").click().run()
    assert page_runs(at, "wine") == []


def test_too_many_parameters_refused_with_message() -> None:
    at = open_page(PAGE)
    at.slider(key="depth").set_value(8).run()
    at.number_input(key="width").set_value(1024).run()
    assert not at.exception
    assert any("limit is 5,000,000" in e.value for e in at.error)
    assert at.button(key="train").disabled


def test_diverging_learning_rate_explained_and_page_usable() -> None:
    at = open_page(PAGE)
    at.slider(key="depth").set_value(1).run()
    at.number_input(key="width").set_value(16).run()
    at.selectbox(key="optimizer").set_value("sgd").run()
    at.select_slider(key="learning_rate").set_value(10.0).run()
    at.selectbox(key="loss").set_value("mse").run()
    at.select_slider(key="batch_size").set_value(32).run()
    at.number_input(key="epochs").set_value(30).run()
    at.button(key="train").click().run()
    run_until(at, lambda a: not busy(a) and page_runs(a, "wine"))
    assert not at.exception
    assert any("learning rate (10.0) is too high" in e.value for e in at.error)
    assert not at.button(key="train").disabled  # the session stays usable


def test_course_preset_loads_the_slide_settings() -> None:
    at = open_page(PAGE)
    at.button(key="wine_preset_early_stopping").click().run()
    assert not at.exception
    assert at.number_input(key="epochs").value == 500
    assert at.toggle(key="early_stopping").value is True
    assert (at.number_input(key="patience").value, at.number_input(key="min_delta").value) == (20, 0.001)
    assert any("提前停止" in s.value for s in at.success)  # names the slide it reproduces
    at.button(key="wine_preset_bn_inside").click().run()
    summary = next(d.value for d in at.dataframe if "Param #" in d.value.columns)
    kinds = [layer.split(" ")[1] for layer in summary.iloc[:, 0]]
    assert kinds[:3] == ["(Dense)", "(BatchNormalization)", "(Activation)"]


def test_link_sets_the_panel_and_bad_values_are_noted() -> None:
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP

    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"depth": "1", "width": "16", "optimizer": "momentum", "learning_rate": "0.01", "epochs": "99999"})
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    assert (at.slider(key="depth").value, at.number_input(key="width").value) == (1, 16)
    assert (at.selectbox(key="optimizer").value, at.select_slider(key="learning_rate").value) == ("momentum", 0.01)
    assert at.number_input(key="epochs").value == 10  # out of range: ignored
    assert toasts(at) == [
        "The link's setting epochs=99999 was ignored: it is not a valid value for this page."
    ]
    assert at.query_params["depth"] == "1" and at.query_params["optimizer"] == "momentum"
    assert "epochs" not in at.query_params


def test_units_layer_by_layer_change_the_model_and_the_link() -> None:
    at = open_page(PAGE)
    at.number_input(key="width").set_value(64).run()
    at.toggle(key="per_layer").set_value(True).run()
    assert not at.exception
    # Layer by layer starts from the common width.
    assert [at.number_input(key=f"units_{i}").value for i in (1, 2, 3)] == [64, 64, 64]
    at.number_input(key="units_2").set_value(8).run()
    # Dense(64) on 11 inputs, Dense(8), Dense(64), Dense(1): weights n·m plus m biases each.
    expected = (11 * 64 + 64) + (64 * 8 + 8) + (8 * 64 + 64) + (64 + 1)
    assert any(f"Total params: {expected:,}" in c.value for c in at.caption)
    assert at.query_params["per_layer"] == "true" and at.query_params["units_2"] == "8"
    assert "width" not in at.query_params  # the common width does not apply
    # Back to one width: the first layer's.
    at.toggle(key="per_layer").set_value(False).run()
    assert at.number_input(key="width").value == 64 and "units_2" not in at.query_params
    assert any(f"Total params: {11 * 64 + 64 + 2 * (64 * 64 + 64) + 65:,}" in c.value for c in at.caption)


def units(at) -> list[int]:
    return [at.number_input(key=f"units_{i}").value for i in range(1, at.slider(key="depth").value + 1)]


def test_units_layer_by_layer_survive_another_page_and_a_depth_change() -> None:
    at = open_page(PAGE)
    at.toggle(key="per_layer").set_value(True).run()
    at.number_input(key="units_1").set_value(64).run()
    at.number_input(key="units_2").set_value(8).run()
    at.number_input(key="units_3").set_value(5).run()
    at.switch_page("pages/3_gradient-descent.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert units(at) == [64, 8, 5]
    assert any(f"Total params: {11 * 64 + 64 + 64 * 8 + 8 + 8 * 5 + 5 + 5 + 1:,}" in c.value for c in at.caption)
    at.slider(key="depth").set_value(2).run()
    at.slider(key="depth").set_value(3).run()
    assert units(at) == [64, 8, 5]  # the third layer comes back as it was
    # One layer has nothing to set layer by layer: one width again, the first layer's.
    at.slider(key="depth").set_value(1).run()
    assert at.toggle(key="per_layer").value is False and at.toggle(key="per_layer").disabled
    assert at.number_input(key="width").value == 64 and "per_layer" not in at.query_params


def test_settings_of_hidden_widgets_survive() -> None:
    at = open_page(PAGE)
    at.toggle(key="early_stopping").set_value(True).run()
    at.number_input(key="patience").set_value(7).run()
    at.toggle(key="early_stopping").set_value(False).run()
    at.toggle(key="early_stopping").set_value(True).run()
    assert at.number_input(key="patience").value == 7
    at.selectbox(key="optimizer").set_value("momentum").run()
    at.slider(key="momentum").set_value(0.5).run()
    at.selectbox(key="optimizer").set_value("adam").run()
    at.selectbox(key="optimizer").set_value("momentum").run()
    assert at.slider(key="momentum").value == 0.5


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"depth": "2", "units_1": "4", "units_2": "3"}, [4, 3]),  # units alone mean layer by layer
        ({"depth": "2", "per_layer": "true", "width": "64"}, [64, 64]),  # one width for every layer
        ({"depth": "3", "per_layer": "true", "width": "64", "units_2": "8"}, [64, 8, 64]),
    ],
)
def test_hand_written_links_with_layer_units(params: dict[str, str], expected: list[int]) -> None:
    at = open_link(PAGE, **params)
    assert not at.exception and at.toggle(key="per_layer").value is True
    assert units(at) == expected


def test_presenter_hides_panel_controls_whose_settings_still_apply() -> None:
    at = open_link(PAGE, presenter="true", hide="depth,width", depth="1", width="16")
    at.run()  # the hide list is known at the end of the first run
    assert not at.exception
    assert not [s for s in at.slider if s.key == "depth"] and not [n for n in at.number_input if n.key == "width"]
    assert any(f"Total params: {11 * 16 + 16 + 16 + 1}" in c.value for c in at.caption)  # Dense(16) + Dense(1)


def test_a_link_with_units_per_layer_opens_that_network() -> None:
    at = open_link(PAGE, depth="2", per_layer="true", units_1="4", units_2="3", units_3="5000")
    assert not at.exception
    assert units(at) == [4, 3]
    assert any(f"Total params: {11 * 4 + 4 + 4 * 3 + 3 + 3 + 1}" in c.value for c in at.caption)
    assert toasts(at) == [
        "The link's setting units_3=5000 was ignored: it is not a valid value for this page."
    ]


def test_trained_model_downloads_and_predicts_a_validation_wine() -> None:
    at = open_page(PAGE)
    at.slider(key="depth").set_value(1).run()
    at.number_input(key="width").set_value(16).run()
    at.number_input(key="epochs").set_value(3).run()
    at.button(key="train").click().run()
    run_until(at, lambda a: not busy(a) and page_runs(a, "wine"))
    assert not at.exception
    run = page_runs(at, "wine")[-1]
    from dlcore.runtime.model_store import saved_model

    saved = saved_model(run.meta["model_id"])
    assert saved is not None and saved.stat().st_size > 1000
    labels = [b.label for b in at.get("download_button")]
    assert "Download the model (.keras)" in labels and "Download the history (CSV)" in labels
    metrics = {m.label: m.value for m in at.metric}
    wine = at.selectbox(key="predict_wine").value
    from dlcore.data import load_dataset, wine_split

    split = wine_split()
    position = list(split.valid_index).index(wine)
    # The worker's prediction for this validation wine equals the run's own
    # validation prediction for it (same saved model, same scaling).
    expected = split.unscale_target(run.predictions[position])
    assert float(metrics["Predicted quality"]) == pytest.approx(expected, abs=0.006)
    assert metrics["Tasters' quality"] == str(int(load_dataset("wine").loc[wine, "quality"]))
