"""/class: the class board: a live view of the class's runs, for the teacher's projector.

The page file gives the URL path; the board lives in ``classroom/``.
"""

from classroom.page import render

render()
