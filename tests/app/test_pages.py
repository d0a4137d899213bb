"""Every page renders in AppTest, and the server process still has no Keras."""

from __future__ import annotations

import sys

import pytest

from dlcore.lessons import LESSONS
from tests.conftest import open_page


def test_home_shows_the_course_map() -> None:
    at = open_page()
    assert not at.exception
    links = [link.label for link in at.get("page_link")]
    for lesson in LESSONS:
        if lesson.available:
            assert any(label.endswith(lesson_title(lesson.slug)) for label in links), lesson.slug


def lesson_title(slug: str) -> str:
    from dlcore.text import t

    return t(f"lesson.{slug}.title")


@pytest.mark.parametrize("lesson", [lesson for lesson in LESSONS if lesson.available], ids=lambda lesson: lesson.slug)
def test_every_lesson_page_renders(lesson) -> None:
    at = open_page(lesson.script)
    assert not at.exception, at.exception
    assert at.title[0].value.endswith(lesson_title(lesson.slug))
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules
