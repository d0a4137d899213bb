"""The course map: the one list of lessons, in course order.

The sidebar, the home page's course map and the URL paths all come from
``LESSONS``. Lesson N with slug S is served by ``pages/N_S.py`` (Streamlit
strips the leading number, so ``pages/6_wine.py`` is ``/wine``), a two-line
entry that calls ``lessons/<S>/page.py`` (``-`` becomes ``_``). Titles and
summaries come from the text catalogue (``lesson.<slug>.title`` and
``lesson.<slug>.summary``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dlcore.runtime.tasks import CORE_TASK_MODULES

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Lesson:
    """One lesson page.

    Attributes:
        number: Position in the course (1-based), the page file's prefix.
        slug: URL path of the page, also the catalogue key stem.
        icon: Emoji shown beside the title.
    """

    number: int
    slug: str
    icon: str

    @property
    def script(self) -> str:
        """The page's entry script, relative to the app root."""
        return f"pages/{self.number}_{self.slug}.py"

    @property
    def package(self) -> str:
        """The lesson's folder as a Python package."""
        return "lessons." + self.slug.replace("-", "_")

    @property
    def task_module(self) -> str | None:
        """The lesson's worker-task module, if it has one (``tasks.py``)."""
        path = ROOT / self.package.replace(".", "/") / "tasks.py"
        return f"{self.package}.tasks" if path.is_file() else None

    @property
    def available(self) -> bool:
        """Whether the page script exists in this build."""
        return (ROOT / self.script).is_file()


LESSONS: tuple[Lesson, ...] = (
    Lesson(1, "neuron", "🔵"),
    Lesson(2, "activations", "📈"),
    Lesson(3, "gradient-descent", "⛷️"),
    Lesson(4, "sgd", "🎲"),
    Lesson(5, "optimizers", "🏁"),
    Lesson(6, "wine", "🍷"),
    Lesson(7, "overfitting", "🎯"),
    Lesson(8, "classification", "⚖️"),
)

LESSONS_BY_SLUG: dict[str, Lesson] = {lesson.slug: lesson for lesson in LESSONS}

# What a worker imports before it reports ready: the runtime's own task
# modules and every lesson's; it runs only the tasks they register.
TASK_MODULES: tuple[str, ...] = CORE_TASK_MODULES + tuple(
    lesson.task_module for lesson in LESSONS if lesson.task_module is not None
)
