"""/classification: binary classification: sigmoid output, cross-entropy, a live decision

The page file gives the URL path; the lesson lives in ``lessons/classification/``.
"""

from lessons.classification.page import render

render()
