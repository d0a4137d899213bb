"""/optimizers: optimizer race: keras.optimizers classes race across loss surfaces.

The page file gives the URL path; the lesson lives in ``lessons/optimizers/``.
"""

from lessons.optimizers.page import render

render()
