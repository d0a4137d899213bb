"""The optimizer race: surfaces, Keras's optimizers against their documented
update rules, outcome bookkeeping, and the page.

Keras runs in the compute worker (``ui.compute.compute``, as the page calls
it), so this test process never imports TensorFlow.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from dlcore.text import t
from lessons.optimizers.racers import RACERS
from lessons.optimizers.surfaces import SURFACES
from tests.app.test_links import open_link
from tests.conftest import open_page


# ---------------------------------------------------------------------- page
def _figure(at: Any, index: int = 0) -> dict[str, Any]:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def _trace(fig: dict[str, Any], name: str) -> dict[str, Any]:
    return next(trace for trace in fig["data"] if trace.get("name") == name)


def _table(at: Any) -> dict[str, list[Any]]:
    frame = at.dataframe[0].value
    return {column: list(frame[column]) for column in frame.columns}


def test_page_races_and_reacts_to_every_control() -> None:
    at = open_page("pages/5_optimizers.py")
    assert not at.exception
    assert not at.error
    fig = _figure(at)
    assert len(fig["frames"]) > 10
    assert {_trace(fig, t(f"optimizer.{r}")).get("name") for r in RACERS} == {t(f"optimizer.{r}") for r in RACERS}
    assert len(_table(at)[t("race.table.optimizer")]) == len(RACERS)
    assert at.success  # someone arrived on the default ravine

    # Surface: new contours, new title, the surface's suggested start.
    at.selectbox(key="race_surface").set_value("rosenbrock").run()
    assert not at.exception
    rosen = _figure(at)
    assert t("race.surface.rosenbrock.name") in rosen["layout"]["title"]["text"]
    assert (at.slider(key="race_x0").value, at.slider(key="race_y0").value) == SURFACES["rosenbrock"].start
    assert _trace(rosen, t("race.chart.start"))["x"] == [SURFACES["rosenbrock"].start[0]]

    # Steps: the paths have steps + 1 points and the slider reaches the last step.
    at.slider(key="race_steps").set_value(40).run()
    fig = _figure(at)
    sgd = _trace(fig, t("optimizer.sgd"))
    assert len(sgd["x"]) == 41
    assert fig["layout"]["sliders"][0]["steps"][-1]["label"] == "40"

    # Start point.
    at.slider(key="race_x0").set_value(0.5)
    at.slider(key="race_y0").set_value(-0.5).run()
    fig = _figure(at)
    assert (_trace(fig, t("optimizer.sgd"))["x"][0], _trace(fig, t("optimizer.sgd"))["y"][0]) == (0.5, -0.5)

    # A hyperparameter moves only its own optimizer's path.
    before = _figure(at)
    at.select_slider(key="race_hp_adam_learning_rate").set_value(0.01).run()
    after = _figure(at)
    assert _trace(after, t("optimizer.adam"))["x"] != _trace(before, t("optimizer.adam"))["x"]
    assert _trace(after, t("optimizer.sgd"))["x"] == _trace(before, t("optimizer.sgd"))["x"]
    at.select_slider(key="race_hp_momentum_momentum").set_value(0.5).run()
    assert _trace(_figure(at), t("optimizer.momentum"))["x"] != _trace(after, t("optimizer.momentum"))["x"]

    # Choice of optimizers and tolerance.
    at.multiselect(key="race_optimizers").set_value(["sgd", "adam"]).run()
    assert _table(at)[t("race.table.optimizer")] == [t("optimizer.sgd"), t("optimizer.adam")]
    at.select_slider(key="race_tol").set_value(0.1).run()
    assert any(t("race.table.steps_to_tol", tol="0.1") == c for c in _table(at))

    # No optimizer: a clear message, no traceback.
    at.multiselect(key="race_optimizers").set_value([]).run()
    assert not at.exception
    assert [w.value for w in at.warning] == [t("race.error.no_racers")]

    assert "tensorflow" not in sys.modules
    assert "keras" not in sys.modules


def test_story_presets_tell_the_course_story() -> None:
    at = open_page("pages/5_optimizers.py")
    at.button(key="race_story_bowl").click().run()
    assert not at.exception
    table = _table(at)
    steps = dict(zip(table[t("race.table.optimizer")], table[t("race.table.steps_to_tol", tol="0.001")], strict=True))
    # On the simple bowl, SGD arrives and Momentum is still swinging.
    assert steps[t("optimizer.sgd")].isdigit()
    assert not steps[t("optimizer.momentum")].isdigit()
    assert at.info and "看起來Momentum比較慢" in at.info[0].value
    # The preset's values are in the page's link like any other.
    assert at.query_params["race_surface"] == "course"
    assert at.query_params["race_optimizers"] == "sgd,momentum"

    at.button(key="race_story_ravine").click().run()
    table = _table(at)
    steps = dict(zip(table[t("race.table.optimizer")], table[t("race.table.steps_to_tol", tol="0.001")], strict=True))
    # On the narrow valley, Momentum arrives and SGD does not.
    assert steps[t("optimizer.momentum")].isdigit()
    assert not steps[t("optimizer.sgd")].isdigit()
    assert t("optimizer.momentum") in at.success[0].value

    assert "tensorflow" not in sys.modules
    assert "keras" not in sys.modules


# ------------------------------------------------- momentum map and arrows
def _figures(at: Any) -> list[dict[str, Any]]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _arrow_traces(fig: dict[str, Any]) -> list[dict[str, Any]]:
    return [trace for trace in fig["data"] if trace.get("legendgroup") == "arrows"]


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_momentum_map_and_arrows_react_to_their_controls(lang: str) -> None:
    at = open_link("pages/5_optimizers.py", lang=lang, momentum_lr="0.15", momentum_beta="0")
    assert not at.exception
    assert (at.select_slider(key="momentum_lr").value, at.select_slider(key="momentum_beta").value) == (0.15, 0.0)
    labels = {w.label for w in at.select_slider}
    assert t("momentum.lr", lang) in labels and t("momentum.beta", lang) in labels
    if lang == "zh-TW":
        assert "學習率 η" in labels and "動量 β" in labels
    verdict = next(m.value for m in at.markdown if "max|λ| =" in m.value)
    assert t("momentum.region.alternating", lang) in verdict
    race, _, momentum_map, walk, error = _figures(at)
    assert momentum_map["layout"]["title"]["text"] == t("momentum.map.title", lang)
    # The walk is Keras's, from the page's start, with the chosen η.
    path = _trace(walk, t("optimizer.momentum", lang))["x"]
    assert path[0] == -2.5 and len(path) == 61
    assert path[1] == pytest.approx(-2.5 - 0.15 * (10 * -2.5 - 2), rel=1e-6)
    # Default arrows: the momentum racer's gradient step and velocity.
    assert len(_arrow_traces(race)) == 2
    if lang != "en":
        return  # the controls' behaviour is the same in every language: once is enough

    at.select_slider(key="momentum_beta").set_value(0.9)
    at.select_slider(key="momentum_lr").set_value(0.3)
    at.slider(key="momentum_steps").set_value(100).run()
    assert not at.exception
    verdict = next(m.value for m in at.markdown if "max|λ| =" in m.value)
    assert t("momentum.region.oscillating", lang) in verdict
    walk = _figures(at)[3]
    assert len(_trace(walk, t("optimizer.momentum", lang))["x"]) == 101

    # Arrows: Adam's (−η·m), SGD's (no velocity variable: the gradient only), none.
    at.selectbox(key="race_arrows").set_value("adam").run()
    assert not at.exception
    names = [trace["name"] for trace in _arrow_traces(_figures(at)[0])]
    assert names == [t("race.arrows.adam_velocity", lang), t("race.arrows.gradient", lang)]
    at.selectbox(key="race_arrows").set_value("sgd").run()
    assert [trace["name"] for trace in _arrow_traces(_figures(at)[0])] == [t("race.arrows.gradient", lang)]
    at.selectbox(key="race_arrows").set_value("none").run()
    assert _arrow_traces(_figures(at)[0]) == []
    # The arrows' racer leaves the race: the choice falls back, no error.
    at.selectbox(key="race_arrows").set_value("adam").run()
    at.multiselect(key="race_optimizers").set_value(["sgd", "momentum"]).run()
    assert not at.exception
    assert at.selectbox(key="race_arrows").value in ("none", "momentum")
    assert "tensorflow" not in sys.modules
