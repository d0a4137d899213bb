"""/wine: red wine: the course's quality regressor, trained live.

The page file gives the URL path; the lesson lives in ``lessons/wine/``.
"""

from lessons.wine.page import render

render()
