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
and ``ui`` (shared Streamlit parts), never one another. The course map
(``dlcore.lessons.LESSONS``) lists them; a worker imports every lesson's
``tasks.py`` (``dlcore.lessons.TASK_MODULES``).
"""
