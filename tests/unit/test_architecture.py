"""Structural rules: where each kind of code lives (README, "How it works").

* ``dlcore/`` (the core) never imports Streamlit, ``ui`` or ``lessons``.
* Streamlit only in ``app.py``, ``pages/``, ``ui/``, the lessons' and the
  class board's (``classroom/``) ``page.py`` and views (``teacher.py``,
  ``board_view.py``).
* Keras and TensorFlow only in ``dlcore/runtime/`` and the lessons'
  ``tasks.py``; nothing the server imports pulls them in.
* A lesson never imports another lesson.
* Every task the pages can name is registered by exactly one function.
"""

from __future__ import annotations

import ast
import json
import pkgutil
from collections import Counter
from pathlib import Path

import dlcore
from dlcore.lessons import LESSONS
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

REGISTRY_SCRIPT = """
import importlib, json
from dlcore.lessons import TASK_MODULES
from dlcore.runtime.tasks import REGISTRY, Task
for name in TASK_MODULES:
    importlib.import_module(name)
print(json.dumps({
    "registered": {name: f"{fn.__module__}.{fn.__name__}" for name, fn in REGISTRY.items()},
    "tasks": [task.value for task in Task],
}))
"""

STREAMLIT_ROLES = {"page.py", "views.py"}
CLASSROOM_VIEWS = {"teacher.py", "board_view.py"}  # the class board's sections
KERAS_ROLES = {"tasks.py"}


def source_files() -> list[Path]:
    roots = [ROOT / "dlcore", ROOT / "ui", ROOT / "lessons", ROOT / "classroom", ROOT / "pages"]
    return [ROOT / "app.py", *(path for root in roots for path in sorted(root.rglob("*.py")))]


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def top_packages(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imported_modules(path)}


def in_lessons(path: Path) -> bool:
    return path.relative_to(ROOT).parts[0] == "lessons" and len(path.relative_to(ROOT).parts) == 3


def in_classroom(path: Path) -> bool:
    return path.relative_to(ROOT).parts[0] == "classroom" and len(path.relative_to(ROOT).parts) == 2


def may_use_streamlit(path: Path) -> bool:
    top = path.relative_to(ROOT).parts[0]
    in_role = (in_lessons(path) and path.name in STREAMLIT_ROLES) or (
        in_classroom(path) and path.name in STREAMLIT_ROLES | CLASSROOM_VIEWS
    )
    return top in {"app.py", "pages", "ui"} or in_role


def may_use_keras(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return parts[:2] == ("dlcore", "runtime") or (in_lessons(path) and path.name in KERAS_ROLES)


def test_every_dlcore_module_imports_with_streamlit_blocked() -> None:
    imported = int(run_python(BLOCKED_IMPORT_SCRIPT))
    assert imported == len(list(pkgutil.walk_packages(dlcore.__path__, "dlcore.")))


def test_the_core_never_imports_the_lessons_or_the_ui() -> None:
    for path in (ROOT / "dlcore").rglob("*.py"):
        assert not top_packages(path) & {"streamlit", "ui", "lessons"}, module_name(path)


def test_streamlit_only_in_pages_ui_and_lesson_pages_and_views() -> None:
    users = {module_name(p) for p in source_files() if "streamlit" in top_packages(p)}
    assert "lessons.wine.page" in users and "ui.live" in users  # the check can see Streamlit
    offenders = {module_name(p) for p in source_files() if "streamlit" in top_packages(p) and not may_use_streamlit(p)}
    assert not offenders, f"Streamlit outside pages, ui/ and lesson pages/views: {offenders}"


def test_keras_only_in_the_runtime_and_lesson_tasks() -> None:
    users = {module_name(p) for p in source_files() if top_packages(p) & {"keras", "tensorflow"}}
    assert {"dlcore.runtime.training", "lessons.neuron.tasks"} <= users  # the check can see Keras
    offenders = {module_name(p) for p in source_files() if top_packages(p) & {"keras", "tensorflow"} and not may_use_keras(p)}
    assert not offenders, f"Keras outside dlcore/runtime and lesson tasks: {offenders}"


def test_nothing_the_server_imports_pulls_in_a_keras_module() -> None:
    heavy = {module_name(p) for p in source_files() if may_use_keras(p) and top_packages(p) & {"keras", "tensorflow"}}
    for path in source_files():
        if module_name(path) in heavy:
            continue
        assert not imported_modules(path) & heavy, f"{module_name(path)} pulls in {imported_modules(path) & heavy}"


def test_lessons_never_import_one_another() -> None:
    for path in (ROOT / "lessons").rglob("*.py"):
        if not in_lessons(path):
            continue
        own = path.relative_to(ROOT).parts[1]
        others = {n for n in imported_modules(path) if n.startswith("lessons.") and n.split(".")[1] != own}
        assert not others, f"{module_name(path)} borrows from another lesson: {others}"


def test_every_task_is_registered_once_by_a_task_module() -> None:
    found = json.loads(run_python(REGISTRY_SCRIPT))
    assert sorted(found["registered"]) == sorted(found["tasks"]), "a Task without a function, or a stray name"
    for name, where in found["registered"].items():
        module = where.rsplit(".", 1)[0]
        assert module.startswith("dlcore.runtime.") or module.endswith(".tasks"), (name, where)


# The one page that is not a lesson: the class board, after the course.
BOARD_PAGE = f"{len(LESSONS) + 1}_class.py"


def test_the_course_map_is_the_one_list_of_pages() -> None:
    pages = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
    assert pages == sorted([*(Path(x.script).name for x in LESSONS), BOARD_PAGE])
    assert imported_modules(ROOT / "pages" / BOARD_PAGE) == {"classroom.page"}  # a two-line entry
    assert [x.number for x in LESSONS] == list(range(1, len(LESSONS) + 1))
    for lesson in LESSONS:
        assert imported_modules(ROOT / lesson.script) == {f"{lesson.package}.page"}  # a two-line entry
        assert (ROOT / lesson.package.replace(".", "/") / "page.py").is_file()


def test_test_modules_have_unique_names() -> None:
    # The test folders are not packages: pytest imports each test module by
    # its file name, so two files of one name stop the whole run at collection.
    names = Counter(path.name for path in (ROOT / "tests").rglob("test_*.py"))
    assert [name for name, count in names.items() if count > 1] == []
