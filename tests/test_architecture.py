"""Structural rules: dlcore never needs streamlit; the server side never imports Keras."""

from __future__ import annotations

import ast
import pkgutil

import dlcore
from tests.conftest import ROOT, run_python

BLOCKED_IMPORT_SCRIPT = """
import importlib, pkgutil, sys
sys.modules["streamlit"] = None  # any 'import streamlit' now raises ImportError
import dlcore
names = [m.name for m in pkgutil.walk_packages(dlcore.__path__, "dlcore.")]
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def test_every_dlcore_module_imports_with_streamlit_blocked() -> None:
    imported = int(run_python(BLOCKED_IMPORT_SCRIPT))
    assert imported == len(list(pkgutil.walk_packages(dlcore.__path__, "dlcore.")))


def imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def server_side_files():
    return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]


def keras_modules() -> set[str]:
    """dlcore modules that import Keras or TensorFlow at top level."""
    found = set()
    for path in (ROOT / "dlcore").rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        if any(n.split(".")[0] in {"keras", "tensorflow"} for n in imported_modules(path)):
            found.add(module)
    return found


def test_app_pages_and_ui_never_import_keras_directly_or_via_dlcore() -> None:
    heavy = keras_modules()
    assert "dlcore.training" in heavy  # the check can see a Keras module
    for path in server_side_files():
        names = imported_modules(path)
        offenders = {n for n in names if n.split(".")[0] in {"keras", "tensorflow"}} | (names & heavy)
        assert not offenders, f"{path.name} imports {offenders}"


def test_dlcore_light_modules_do_not_import_keras_modules() -> None:
    heavy = keras_modules()
    for path in (ROOT / "dlcore").rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        if module in heavy:
            continue
        assert not (imported_modules(path) & heavy), f"{module} pulls in a Keras module"


def test_pages_are_in_pages_folder_with_url_names() -> None:
    from dlcore.lessons import LESSONS

    for lesson in LESSONS:
        assert lesson.script.startswith("pages/")
        assert lesson.script.split("_", 1)[1] == f"{lesson.slug}.py"
