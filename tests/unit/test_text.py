"""The text catalogue: both languages complete, and no UI text outside it."""

from __future__ import annotations

import ast
import re
import string

import pytest

from dlcore.text import CATALOGUES, LANGUAGES, error_text, t
from tests.conftest import ROOT

SOURCES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "dlcore").rglob("*.py"))]


def fields(text: str) -> set[tuple[str, str]]:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:  # LaTeX with nested braces: a literal, never formatted
        return {("<not a format string>", "")}
    return {(name, spec or "") for _, name, spec, _ in parsed if name is not None}


def test_both_languages_have_exactly_the_same_keys() -> None:
    en, zh = CATALOGUES["en"], CATALOGUES["zh-TW"]
    assert set(LANGUAGES) == {"en", "zh-TW"}
    assert sorted(set(en) - set(zh)) == [], "keys missing in zh-TW"
    assert sorted(set(zh) - set(en)) == [], "keys only in zh-TW"


def test_both_languages_use_the_same_placeholders() -> None:
    en, zh = CATALOGUES["en"], CATALOGUES["zh-TW"]
    different = [key for key in en if key in zh and fields(en[key]) != fields(zh[key])]
    assert different == []


def literal_keys() -> set[str]:
    """Catalogue keys written as literals in t("...") calls."""
    keys = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                keys.add(node.args[0].value)
    return keys


def test_every_literal_key_exists() -> None:
    missing = sorted(k for k in literal_keys() if k not in CATALOGUES["en"])
    assert missing == []


# Streamlit calls whose first argument is text a person reads.
TEXT_CALLS = {
    "title", "header", "subheader", "markdown", "caption", "write", "text", "info", "success", "warning",
    "error", "toast", "button", "slider", "select_slider", "selectbox", "multiselect", "radio", "checkbox",
    "toggle", "number_input", "text_input", "file_uploader", "download_button", "metric", "expander",
    "tabs", "progress", "explain", "page_link",
}  # fmt: skip


def test_no_user_facing_literal_outside_the_catalogue() -> None:
    offenders = []
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in TEXT_CALLS or not node.args:
                continue
            first = node.args[0]
            texts = [first.value] if isinstance(first, ast.Constant) and isinstance(first.value, str) else []
            if isinstance(first, ast.JoinedStr):
                texts = [v.value for v in first.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            for text in texts:
                if re.search(r"[A-Za-z\u4e00-\u9fff]{3,}", text) and not text.startswith(("pages/", "app.py")):
                    offenders.append(f"{path.name}:{node.lineno}: {text!r}")
    assert offenders == []


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_error_text_for_both_kinds_of_payload(lang: str) -> None:
    assert error_text({"key": "job.worker_crashed", "values": {"code": 9}}, lang) == t("job.worker_crashed", lang, code=9)
    assert "boom" in error_text({"message": "ValueError: boom"}, lang)
