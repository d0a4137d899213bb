"""/gradient-descent: gradient descent on f(x) = 5x² − 2x + 4 (closed-form maths, no Keras).

The page file gives the URL path; the lesson lives in ``lessons/gradient_descent/``.
"""

from lessons.gradient_descent.page import render

render()
