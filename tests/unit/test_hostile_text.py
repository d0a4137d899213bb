"""Text that came from a user is shown as text: link keys and values, file
names, CSV headers and cell values, in notes, toasts, labels, charts and the
exported code. The reference renderer and the hostile strings are in
``tests/hostile.py``."""

from __future__ import annotations

import contextlib
import html
import io
import types

import pandas as pd
import pytest

from dlcore.export import DataSource, keras_script, script_sections
from dlcore.markup import md, plotly_text
from dlcore.spec import ModelSpec, TrainConfig
from tests.hostile import HOSTILE, HOSTILE_2, rendered_text


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE,
        HOSTILE_2,
        "a\n# heading\n- item\n1. item\n> quote\n    code",
        "line one\r\nline two\u2028three",
        "```\nfenced\n```",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "&amp; &#x41; &copy; \\* \\\\",
        "<script>alert(1)</script><!-- c -->",
        "__init__ *one* _two_ ***three***",
        "100% {of} [the] (things)!",
        "ionosphere.csv",
    ],
)
def test_markdown_escape_renders_the_text_literally(text: str) -> None:
    expected = " ".join(text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").split("\n"))
    assert rendered_text(md(text)).strip() == expected.strip()
    assert rendered_text(f"**{md(text)}**: “{md(text)}”") == f"{expected}: “{expected}”"


@pytest.mark.parametrize("text", [HOSTILE, HOSTILE_2, "a < b & c > d", "50 % of %{y}"])
def test_plotly_text_has_no_tags_or_fields_and_decodes_to_the_text(text: str) -> None:
    escaped = plotly_text(text)
    assert "<" not in escaped and ">" not in escaped and "%{" not in escaped
    assert html.unescape(escaped) == text


NAMES = [HOSTILE, "x'); import os; os.system('echo pwned') #", "{1/0}", 'a"""b\'\'\'c', "line\nbreak", "tab\there"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("classification", [False, True])
def test_exported_script_reads_hostile_names_as_string_literals(name: str, classification: bool) -> None:
    source = DataSource(f"{name}.csv", name, classification=classification, positive=name if classification else None)
    spec, config = ModelSpec(1, units=(2,)), TrainConfig(epochs=1)
    compile(keras_script(spec, config, source), "exported.py", "exec")  # valid Python
    sections = dict(script_sections(spec, config, source))
    read = []
    frame = pd.DataFrame({"f": [float(i) for i in range(10)], name: [name if i % 2 else "no" for i in range(10)]})
    if not classification:
        frame[name] = [float(i % 3) for i in range(10)]
    fake_pandas = types.SimpleNamespace(read_csv=lambda path: read.append(path) or frame.copy(), DataFrame=pd.DataFrame)
    namespace: dict = {"pd": fake_pandas}
    header = [sections[k] for k in ("Read the data", "Split into training and validation data",
                                    "Normalization (min-max, from the training split)", "Features and target")]  # fmt: skip
    exec(compile("\n".join(header), "exported.py", "exec"), namespace)  # noqa: S102 - the test's own generated code
    assert read == [f"{name}.csv"]
    assert list(namespace["X_train"].columns) == ["f"] and namespace["y_train"].name == name
    if not classification:
        (line,) = [row for row in sections["Plot the learning curves"].splitlines() if row.startswith("print(")]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(line, "exported.py", "exec"), {"best": 0.25, "span": 2.0})  # noqa: S102
        assert out.getvalue() == f"Best validation loss: 0.2500 (0.50 {name} points)\n"
