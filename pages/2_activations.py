"""/activations: activation functions: Keras's curves and derivatives, one neuron, and why

The page file gives the URL path; the lesson lives in ``lessons/activations/``.
"""

from lessons.activations.page import render

render()
