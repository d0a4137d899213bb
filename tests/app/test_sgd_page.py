"""Minibatch SGD on a line: the schedule, Keras's path against closed-form
gradient descent on the MSE, and the page.

Keras runs in the compute worker (``ui.compute.compute``, as the page calls
it), so this test process never imports TensorFlow.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from dlcore.text import t
from lessons.sgd.model import SgdSettings
from tests.conftest import open_page


# ---------------------------------------------------------------------- page
def _figure(at: Any) -> dict[str, Any]:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def _trace(fig: dict[str, Any], name: str) -> dict[str, Any]:
    return next(trace for trace in fig["data"] if trace.get("name") == name)


def test_page_renders_and_reacts_to_every_control() -> None:
    at = open_page("pages/4_sgd.py")
    assert not at.exception
    assert not at.error
    fig = _figure(at)
    defaults = SgdSettings()
    assert len(_trace(fig, t("sgd.chart.samples"))["x"]) == defaults.n_samples
    assert len(_trace(fig, t("sgd.chart.minibatch"))["x"]) == defaults.batch_size
    assert fig["layout"]["sliders"][0]["steps"][-1]["label"] == str(defaults.total_steps)
    assert any(trace.get("name") == t("sgd.chart.full_line") for trace in fig["data"])

    # Samples and batch size: 30 samples in batches of 7 leave 2 for the last step.
    at.slider(key="sgd_samples").set_value(30).run()
    at.slider(key="sgd_batch").set_value(7).run()
    fig = _figure(at)
    assert len(_trace(fig, t("sgd.chart.samples"))["x"]) == 30
    assert len(_trace(fig, t("sgd.chart.minibatch"))["x"]) == 2
    assert fig["layout"]["sliders"][0]["steps"][-1]["label"] == str(5 * defaults.epochs)

    # Epochs.
    at.slider(key="sgd_epochs").set_value(3).run()
    assert _figure(at)["layout"]["sliders"][0]["steps"][-1]["label"] == "15"

    # Learning rate and seed.
    before = _figure(at)
    at.select_slider(key="sgd_lr").set_value(0.02).run()
    after = _figure(at)
    assert "0.02" in after["layout"]["title"]["text"]
    assert _trace(after, t("sgd.chart.sgd_line"))["y"] != _trace(before, t("sgd.chart.sgd_line"))["y"]
    at.number_input(key="sgd_seed").set_value(11).run()
    assert _trace(_figure(at), t("sgd.chart.samples"))["y"] != _trace(after, t("sgd.chart.samples"))["y"]

    # The full-batch overlay can be switched off.
    at.toggle(key="sgd_full").set_value(False).run()
    assert not any(trace.get("name") == t("sgd.chart.full_line") for trace in _figure(at)["data"])

    # Preset: full batch.
    at.button(key="sgd_preset_full").click().run()
    assert at.slider(key="sgd_batch").value == 30
    assert [i.value for i in at.info] == [t("sgd.full_note")]

    # Too large a learning rate: η·2·mean(x²) > 2, so every full-batch step
    # overshoots further; a clear message, no traceback.
    at.slider(key="sgd_epochs").set_value(30).run()
    at.select_slider(key="sgd_lr").set_value(1.0).run()
    assert not at.exception
    assert at.error and "blew up" in at.error[0].value

    assert "tensorflow" not in sys.modules
    assert "keras" not in sys.modules
