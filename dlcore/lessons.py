"""The course map: lesson pages in course order.

Each lesson's page script lives in ``pages/`` and its file name gives its URL
path (Streamlit strips the leading number): ``pages/6_wine.py`` is served at
``/wine``. Titles and summaries come from the text catalogue
(``lesson.<slug>.title`` and ``lesson.<slug>.summary``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Lesson:
    """One lesson page.

    Attributes:
        slug: URL path of the page, also the catalogue key stem.
        script: Page script path relative to the app root.
        icon: Emoji shown beside the title.
    """

    slug: str
    script: str
    icon: str

    @property
    def available(self) -> bool:
        """Whether the page script exists in this build."""
        return (ROOT / self.script).is_file()


LESSONS: tuple[Lesson, ...] = (
    Lesson("neuron", "pages/1_neuron.py", "🔵"),
    Lesson("activations", "pages/2_activations.py", "📈"),
    Lesson("gradient-descent", "pages/3_gradient-descent.py", "⛷️"),
    Lesson("sgd", "pages/4_sgd.py", "🎲"),
    Lesson("optimizers", "pages/5_optimizers.py", "🏁"),
    Lesson("wine", "pages/6_wine.py", "🍷"),
    Lesson("overfitting", "pages/7_overfitting.py", "🎯"),
    Lesson("classification", "pages/8_classification.py", "⚖️"),
)

LESSONS_BY_SLUG: dict[str, Lesson] = {lesson.slug: lesson for lesson in LESSONS}
