"""Text that came from a user is shown as text: link keys and values, file
names, CSV headers and cell values, in notes, toasts, labels, charts and the
exported code. The reference renderer and the hostile strings are in
``tests/hostile.py``."""

from __future__ import annotations

import ast
import html
import json

from tests.app.test_links import GD, open_link, toast_sources
from tests.conftest import busy, open_page, page_runs, run_until
from tests.hostile import HOSTILE, HOSTILE_2, REMOTE, assert_shown_as_text, csv_bytes, rendered_text

WINE = "pages/6_wine.py"
CLASSIFIER = "pages/8_classification.py"
FILE_NAME = f"{HOSTILE}.csv"


def test_hostile_link_keys_and_values_are_noted_as_text() -> None:
    at = open_link(GD, **{HOSTILE: HOSTILE_2, "gd_lr": HOSTILE})
    assert not at.exception
    notes = toast_sources(at)
    assert len(notes) == 2
    for note in notes:
        rendered_text(note)
    assert any(f"{HOSTILE}={HOSTILE_2}" in rendered_text(n) for n in notes)
    assert any(f"gd_lr={HOSTILE}" in rendered_text(n) for n in notes)


def markdown_texts(at) -> list[str]:
    """Every text of the page that Streamlit renders as Markdown: alerts,
    captions, markdown, toasts, and labels and help of widgets and metrics."""
    texts = [e.value for kind in ("markdown", "caption", "info", "success", "warning", "error") for e in getattr(at, kind)]
    texts += toast_sources(at)
    for kind in ("selectbox", "number_input", "radio", "slider", "metric", "button", "toggle", "checkbox"):
        for element in getattr(at, kind):
            texts += [element.label, getattr(element.proto, "help", "")]
    texts += [e.proto.label for e in at.get("expander")]
    return [text for text in texts if text]


def assert_user_text_shown_as_text(at, *expected: str) -> list[str]:
    """Every Markdown text showing user input renders as text; returns them."""
    shown = [text for text in markdown_texts(at) if "203" in text or "smile" in text]  # "203\.0\.113\.7" escaped
    for text in shown:
        rendered_text(text)
    for part in expected:
        assert any(part in rendered_text(text) for text in shown), f"{part!r} is not shown"
    return shown


def wine_upload(at, name: str, data: bytes):
    at.radio(key="wine_source").set_value("upload").run()
    at.file_uploader(key="wine_upload").set_value((name, data, "text/csv")).run()
    assert not at.exception
    return at


# A file whose names and a text column carry markup: one numeric feature named
# HOSTILE, a text column (dropped, with a note naming it) and the target HOSTILE_2.
HOSTILE_TABLE = csv_bytes(
    [[HOSTILE, f"{HOSTILE} words", HOSTILE_2]]
    + [[i, f"word {i}", (i * 7) % 11] for i in range(40)]
)


def test_hostile_file_name_and_headers_are_shown_as_text_on_the_regressor() -> None:
    at = wine_upload(open_page(WINE), FILE_NAME, HOSTILE_TABLE)
    assert at.selectbox(key="wine_target").value == HOSTILE_2
    shown = assert_user_text_shown_as_text(at, FILE_NAME, HOSTILE_2, f"“{HOSTILE} words”")
    assert len(shown) >= 3
    # The exported script reads the file and predicts the column by their
    # exact names, as Python string literals.
    (script,) = [c.value for c in at.code if "pd.read_csv" in c.value]
    calls = [n for n in ast.walk(ast.parse(script)) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "read_csv"]
    assert [call.args[0].value for call in calls] == [FILE_NAME]
    assert HOSTILE_2 in {n.value for n in ast.walk(ast.parse(script)) if isinstance(n, ast.Constant)}


def test_hostile_class_values_and_threshold_labels_are_shown_as_text_on_the_classifier() -> None:
    at = open_page(CLASSIFIER)
    at.radio(key="classification_source").set_value("upload").run()
    rows = [[HOSTILE, "other", HOSTILE_2]] + [[i, i % 5, HOSTILE if i % 3 else "plain"] for i in range(40)]
    at.file_uploader(key="classification_upload").set_value((FILE_NAME, csv_bytes(rows), "text/csv")).run()
    assert not at.exception
    # The two-value text target maps "plain" (alphabetically after "!…") to class 1.
    assert_user_text_shown_as_text(at, f"“{HOSTILE}” → class 0", "“plain” → class 1", FILE_NAME)
    # A numeric target with many values asks for a threshold: label and help name it.
    at.selectbox(key="classification_target").set_value(HOSTILE).run()
    assert not at.exception
    threshold = at.number_input(key="classification_threshold")
    assert_shown_as_text(threshold.label, HOSTILE)
    assert_shown_as_text(threshold.proto.help, HOSTILE)
    assert_user_text_shown_as_text(at, HOSTILE)


def chart_spec(at, key: str) -> dict:
    return json.loads(next(c for c in at.get("plotly_chart") if key in c.proto.id).proto.spec)


def chart_strings(spec: dict) -> list[str]:
    """Every string in a figure's data and layout (names, titles, templates)."""
    found, stack = [], [spec]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            found.append(value)
    return found


def test_a_run_on_a_hostile_file_labels_its_charts_and_results_as_text() -> None:
    at = wine_upload(open_page(WINE), FILE_NAME, HOSTILE_TABLE)
    at.slider(key="depth").set_value(1).run()
    at.number_input(key="width").set_value(4).run()
    at.number_input(key="epochs").set_value(1).run()
    at.button(key="train").click().run()
    run_until(at, lambda a: not busy(a) and page_runs(a, "wine"))
    assert not at.exception and page_runs(at, "wine")[-1].result is not None
    # Metric label and caption name the target's units.
    assert_user_text_shown_as_text(at, f"In {HOSTILE_2} units")
    # Charts: the run's legend names the file, the prediction axes the target;
    # Plotly shows them literally (no tag, no template field).
    for key, part in (("wine_runs_chart", FILE_NAME), ("wine_pred_chart", f"Actual {HOSTILE_2}")):
        strings = [s for s in chart_strings(chart_spec(at, key)) if REMOTE in s]
        assert strings, key
        for text in strings:
            for raw in ("<a href", "<img", "<b>", "<http", "%{x} {y}"):  # the hostile parts, not the app's fields
                assert raw not in text, text
        assert any(part in html.unescape(text) for text in strings), key
