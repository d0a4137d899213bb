"""DL Playground core: data, model specs, training jobs, charts and text.

Nothing in this package imports ``streamlit``. Modules that need Keras
(``dlcore.keras_build``, ``dlcore.training`` and the task modules) are only
imported inside worker processes.
"""
