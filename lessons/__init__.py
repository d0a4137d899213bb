"""The course's lessons, one folder each, read top to bottom.

Every lesson folder holds the same roles, each file named after its role:

* ``page.py``: the page layout, ``render()`` (Streamlit); served by a
  two-line entry in ``pages/``, whose file name gives the URL path.
* ``views.py``: larger Streamlit pieces of the page (optional).
* ``model.py``: the lesson's pure model and maths (no Streamlit, no Keras).
* ``figures.py``: its Plotly figures, built from ``dlcore.figures`` parts.
* ``tasks.py``: its worker tasks (Keras), registered with
  ``dlcore.runtime.tasks.worker_task``.

Lessons import ``dlcore`` (the core: specs, data, text, figure kit, runtime)
and ``ui`` (shared Streamlit parts), never one another.
"""

from __future__ import annotations

from dlcore.runtime.tasks import CORE_TASK_MODULES

# The lessons' task modules; a worker imports them before it reports ready.
LESSON_TASK_MODULES: tuple[str, ...] = (
    "lessons.neuron.tasks",
    "lessons.activations.tasks",
    "lessons.sgd.tasks",
    "lessons.optimizers.tasks",
    "lessons.classification.tasks",
)
TASK_MODULES: tuple[str, ...] = CORE_TASK_MODULES + LESSON_TASK_MODULES
