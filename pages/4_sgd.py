"""/sgd: sGD and minibatches: Keras's SGD fits a line from shuffled minibatches.

The page file gives the URL path; the lesson lives in ``lessons/sgd/``.
"""

from lessons.sgd.page import render

render()
