"""DL Playground core: data, model specs, training jobs, charts and text.

Nothing in this package imports ``streamlit``. Modules that need Keras
(``dlcore.runtime.keras_build``, ``dlcore.runtime.training`` and the task modules) are only
imported inside worker processes.
"""
