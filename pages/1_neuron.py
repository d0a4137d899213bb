"""/neuron: the neuron: the linear unit y = wx + b by hand, fitted by Keras, and with

The page file gives the URL path; the lesson lives in ``lessons/neuron/``.
"""

from lessons.neuron.page import render

render()
