"""Shareable links, memory across pages, presenter and projector modes."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from tests.conftest import APP, AppTestTimeout
from tests.hostile import rendered_text

GD = "pages/3_gradient-descent.py"


def open_link(script: str, **params: str) -> AppTest:
    """Opens a page the way a shared link does: the query string is there
    from the session's first run (AppTest starts at the entry script, so the
    switch happens before any control is drawn)."""
    at = AppTest.from_file(APP, default_timeout=AppTestTimeout)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(script)
    at.run()
    return at


def toasts(at: AppTest) -> list[str]:
    """The toasts' text as the reader sees it (their Markdown rendered)."""
    return [rendered_text(source) for source in toast_sources(at)]


def toast_sources(at: AppTest) -> list[str]:
    """The toasts' Markdown source."""
    return [toast.proto.body for toast in at.get("toast")]


def test_link_sets_the_controls_it_names() -> None:
    at = open_link(GD, gd_lr="0.15", gd_x0="1.5", gd_steps="40")
    assert not at.exception
    assert (at.slider(key="gd_lr").value, at.slider(key="gd_x0").value, at.slider(key="gd_steps").value) == (0.15, 1.5, 40)
    assert any("oscillating convergence" in m.value for m in at.info)
    assert toasts(at) == []


def test_bad_link_values_are_ignored_with_a_note() -> None:
    at = open_link(GD, gd_lr="7", gd_steps="abc", gd_x0="0.5", nonsense="1")
    assert not at.exception
    assert at.slider(key="gd_lr").value == 0.05  # the default
    assert at.slider(key="gd_steps").value == 20
    assert at.slider(key="gd_x0").value == 0.5  # the valid one still applies
    notes = toasts(at)
    assert len(notes) == 3
    assert any("gd_lr=7" in n for n in notes) and any("nonsense=1" in n for n in notes)
    assert "nonsense" not in at.query_params and "gd_lr" not in at.query_params


def test_controls_write_their_values_to_the_link_not_defaults() -> None:
    at = open_link(GD)
    assert "gd_lr" not in at.query_params
    at.slider(key="gd_lr").set_value(0.2).run()
    assert at.query_params["gd_lr"] == "0.2"
    at.slider(key="gd_lr").set_value(0.05).run()
    assert "gd_lr" not in at.query_params


def test_values_survive_a_visit_to_another_page() -> None:
    at = open_link(GD)
    at.slider(key="gd_steps").set_value(77).run()
    at.switch_page("app.py").run()
    at.switch_page(GD).run()
    assert at.slider(key="gd_steps").value == 77


def test_language_from_link_and_kept_across_pages() -> None:
    at = open_link(GD, lang="zh-TW")
    assert at.session_state["lang"] == "zh-TW"
    at.switch_page("pages/6_wine.py").run()
    assert at.session_state["lang"] == "zh-TW" and not at.exception


def test_presenter_hides_chosen_controls_and_explanations_but_keeps_link_values() -> None:
    at = open_link(GD, presenter="true", hide="gd_lr,explanations", gd_lr="0.1")
    at.run()  # the hide list is known at the end of the first run
    assert not at.exception
    assert [s.key for s in at.slider] == ["gd_x0", "gd_steps"]
    assert any("one step to the minimum" in m.value for m in at.success)  # η = 0.1 from the link
    assert not any("The gradient points uphill" in m.value for m in at.markdown)


def test_projector_mode_enlarges_type_and_chart_text() -> None:
    at = open_link(GD, projector="true")
    assert not at.exception
    assert any("font-size: 20px" in h.proto.body for h in at.get("html"))
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["font"]["size"] >= 18
    normal = open_link(GD)
    assert json.loads(normal.get("plotly_chart")[0].proto.spec)["layout"]["font"]["size"] < 18
