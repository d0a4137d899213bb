"""The "Keras code" section: the course-style script of the current settings."""

from __future__ import annotations

import streamlit as st

from dlcore.export import WINE, DataSource, keras_script, notebook
from dlcore.markup import md
from dlcore.spec import ModelSpec, TrainConfig
from dlcore.text import t


def export_section(model: ModelSpec, train: TrainConfig, lang: str, *, page: str, source: DataSource = WINE) -> None:
    """Shows the runnable Keras script for the settings, with downloads as
    ``.py`` and ``.ipynb`` (both generated from the same spec the app trains).

    Args:
        model: The model spec.
        train: The training config.
        lang: Text language.
        page: Page slug (widget keys and file names).
        source: The data file and target the script reads.
    """
    with st.expander(t("export.title", lang)):
        st.caption(t("export.caption", lang, csv=md(source.csv)))
        script = keras_script(model, train, source)
        st.code(script, language="python")
        c1, c2 = st.columns(2)
        c1.download_button(
            t("export.download_py", lang),
            script,
            file_name=f"dl_playground_{page}.py",
            mime="text/x-python",
            key=f"{page}_download_py",
        )
        c2.download_button(
            t("export.download_ipynb", lang),
            notebook(model, train, source),
            file_name=f"dl_playground_{page}.ipynb",
            mime="application/x-ipynb+json",
            key=f"{page}_download_ipynb",
        )
