"""/overfitting: overfitting & underfitting: learning curves, capacity, early stopping,

The page file gives the URL path; the lesson lives in ``lessons/overfitting/``.
"""

from lessons.overfitting.page import render

render()
