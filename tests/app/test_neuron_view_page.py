"""The classification page's neuron view in AppTest: the feature checkboxes,
a 2×4 run's unit maps, the unit picker and the epoch scrubber, en and zh-TW."""

from __future__ import annotations

import json
import sys

import pytest

from dlcore.text import t
from dlcore.toy_data import FEATURES, NEURON_GRID
from tests.conftest import busy, open_page, page_runs, run_until

PAGE = "pages/8_classification.py"


def chart(at, key: str) -> dict:
    element = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key) or key in c.proto.id)
    return json.loads(element.proto.spec)


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_features_train_a_2x4_network_and_its_units_can_be_picked_and_replayed(lang: str) -> None:
    at = open_page(PAGE, lang=lang)
    at.selectbox(key="dataset").set_value("circle").run()
    assert not at.exception
    for name in FEATURES:  # every feature checkbox is drawn, all off by default
        assert at.checkbox(key=f"feature_{name}").value is False
    at.checkbox(key="feature_x1sq").check().run()
    at.checkbox(key="feature_x2sq").check().run()
    assert not at.exception
    assert any("x1**2" in c.value or "x1 ** 2" in c.value for c in at.code)  # the exported feature function
    assert any(t("nv.before", lang) == c.value for c in at.caption)
    at.slider(key="depth").set_value(2).run()
    at.number_input(key="width").set_value(4).run()
    at.number_input(key="epochs").set_value(12).run()
    at.button(key="train").click().run()
    run_until(at, lambda a: not busy(a) and page_runs(a, "classification"), timeout=180)
    assert not at.exception
    record = page_runs(at, "classification")[-1]
    assert record.meta["data"]["features"] == ["x1sq", "x2sq"]
    snapshots = record.extras["neurons"]
    assert snapshots[0]["epoch"] == 1 and snapshots[-1]["epoch"] == 12
    fig = chart(at, "classification_neurons")
    maps = [trace for trace in fig["data"] if trace["type"] == "heatmap"]
    assert len(maps) == 4 + 4 + 4 + 1  # x1, x2, x1², x2²; 2 × 4 hidden; the output
    # The output unit is selected by default: its map large, with the data over it.
    assert at.selectbox(key="neuron_unit").value == "out"
    big = chart(at, "classification_unit")
    assert big["data"][0]["type"] == "heatmap" and len(big["data"]) == 5
    at.selectbox(key="neuron_unit").set_value("2:3").run()
    assert not at.exception
    assert [trace["type"] for trace in chart(at, "classification_unit")["data"]] == ["heatmap"]
    epochs = [s["epoch"] for s in snapshots]
    if len(epochs) > 1:
        at.select_slider(key="neuron_epoch").set_value(epochs[0]).run()
        assert not at.exception
        assert t("nv.title_epoch", lang, epoch=epochs[0]) in json.dumps(
            chart(at, "classification_neurons")["layout"]["title"], ensure_ascii=False
        )
        boundary = chart(at, "classification_boundary")["data"][0]
        assert boundary["type"] == "heatmap" and len(boundary["z"]) == NEURON_GRID  # the snapshot's coarser map
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules
