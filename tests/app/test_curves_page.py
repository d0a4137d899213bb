"""TensorBoard-style curves in AppTest: the smoothing slider (``smoothing``),
the log-scale switch (``log_scale``) and the distributions view
(``distributions``) on the wine and classification pages, in both languages."""

from __future__ import annotations

import sys

import pytest

from dlcore.curve_stats import smooth
from dlcore.figures.curves import RAW_OPACITY, run_colour
from dlcore.text import t
from tests.app.test_classification_page import chart_spec, values
from tests.app.test_links import open_link
from tests.conftest import busy, open_page, page_runs, run_until

WINE, CLASSIFICATION = "pages/6_wine.py", "pages/8_classification.py"


def lines(spec: dict) -> list[dict]:
    return [trace for trace in spec["data"] if "lines" in trace.get("mode", "lines")]


def test_wine_smoothing_log_scale_and_distributions_after_a_run() -> None:
    at = open_page(WINE)
    assert not at.exception
    assert at.slider(key="smoothing").value == 0.0 and at.toggle(key="log_scale").value is False
    at.number_input(key="epochs").set_value(3).run()
    at.button(key="train").click().run()
    run_until(at, lambda a: not busy(a) and page_runs(a, "wine"))
    assert not at.exception
    record = page_runs(at, "wine")[-1]
    assert [epoch for epoch, _ in record.extras["weights"]] == [1, 2, 3]  # 10 epochs or fewer: every epoch
    assert len(record.extras["weights"][0][1]) == 4  # 3 hidden Dense + the output

    raw = lines(chart_spec(at, "wine_live_chart"))
    assert len(raw) == 2 and {trace["line"]["color"] for trace in raw} == {run_colour(record.number)}
    at.slider(key="smoothing").set_value(0.6).run()
    at.toggle(key="log_scale").set_value(True).run()
    assert not at.exception
    spec = chart_spec(at, "wine_live_chart")
    drawn = lines(spec)
    assert len(drawn) == 4 and [trace.get("opacity") for trace in drawn[0::2]] == [RAW_OPACITY, RAW_OPACITY]
    assert values(drawn[3], "y") == pytest.approx(smooth(record.history["val_loss"], 0.6))
    assert spec["layout"]["yaxis"]["type"] == "log"
    overlay = lines(chart_spec(at, "wine_runs_chart"))
    assert len(overlay) == 2 and overlay[1]["line"]["color"] == run_colour(record.number)

    expander = next(e for e in at.expander if e.label == t("dist.expander"))
    assert not any("distributions_chart" in c.proto.id for c in at.get("plotly_chart"))  # closed: not built
    at.session_state["distributions"] = True
    at.run()
    assert not at.exception and expander is not None
    dist = chart_spec(at, "wine_distributions_chart")
    medians = [trace for trace in dist["data"] if "hovertemplate" in trace]
    assert len(medians) == 8  # 4 layers × (kernel, bias)
    assert values(medians[0], "x") == [1, 2, 3]
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_curve_controls_and_distributions_in_traditional_chinese() -> None:
    at = open_link(WINE, lang="zh-TW", smoothing="0.6", log_scale="true")
    assert not at.exception
    assert at.slider(key="smoothing").label == "平滑化" and at.slider(key="smoothing").value == 0.6
    assert at.toggle(key="log_scale").label == "對數刻度" and at.toggle(key="log_scale").value is True
    assert any("分布" in e.label for e in at.expander)


def test_classification_smoothing_and_distributions_live_and_after_the_run() -> None:
    at = open_page(CLASSIFICATION)
    at.selectbox(key="dataset").set_value("circle").run()
    at.select_slider(key="n_points").set_value(200).run()
    at.number_input(key="epochs").set_value(4).run()
    at.slider(key="smoothing").set_value(0.5).run()
    at.session_state["distributions"] = True
    at.run()
    assert not at.exception
    assert any(t("dist.before") in c.value for c in at.caption)  # open before any run
    at.button(key="train").click().run()
    run_until(at, lambda a: not busy(a) and page_runs(a, "classification"), timeout=180)
    assert not at.exception
    record = page_runs(at, "classification")[-1]
    assert "boundary" in record.extras and [e for e, _ in record.extras["weights"]] == [1, 2, 3, 4]
    curves = chart_spec(at, "classification_live_chart")
    smoothed = [trace for trace in lines(curves) if trace.get("opacity") is None]
    assert values(smoothed[0], "y") == pytest.approx(smooth(record.history["loss"], 0.5))
    dist = chart_spec(at, "classification_distributions_chart")
    assert len([trace for trace in dist["data"] if "hovertemplate" in trace]) == 2 * (len(record.meta["model"]["units"]) + 1)


def test_overfitting_curves_follow_the_smoothing_and_log_scale_controls() -> None:
    at = open_page("pages/7_overfitting.py")
    assert not at.exception
    at.slider(key="smoothing").set_value(0.6).run()
    at.toggle(key="log_scale").set_value(True).run()
    assert not at.exception
    assert chart_spec(at, "overfitting_live_chart")["layout"]["yaxis"]["type"] == "log"
