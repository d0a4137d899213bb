"""Course-preset buttons that load a slide's configuration into the panel."""

from __future__ import annotations

import streamlit as st

from dlcore.presets import Preset
from dlcore.text import t
from ui.panel import DEFAULT_SCOPE, apply_settings
from ui.upload_view import source_key


def presets_section(page: str, lang: str, presets: tuple[Preset, ...], scope: str = DEFAULT_SCOPE) -> None:
    """One button per preset; a click fills the shared panel (before it is
    drawn, from the button's callback) and says which slide it reproduces.

    Args:
        page: Page slug (button keys).
        lang: Text language.
        presets: The presets offered.
        scope: The panel scope of the page.
    """

    def load(preset: Preset) -> None:
        if preset.dataset is not None:  # the page's bundled data set
            st.session_state[source_key(page)] = "bundled"
            st.session_state["dataset"] = preset.dataset
        apply_settings(preset.model, preset.train, scope=scope)
        st.session_state[f"{page}_preset_loaded"] = preset.key
        st.session_state.pop(f"{page}_suggested", None)  # the panel no longer holds a page's suggestion

    with st.expander(t("preset.title", lang)):
        st.caption(t("preset.intro", lang))
        per_row = min(3, len(presets))
        columns = st.columns(per_row)
        for i, preset in enumerate(presets):
            columns[i % per_row].button(
                t(f"preset.{preset.key}", lang),
                key=f"{page}_preset_{preset.key}",
                on_click=load,
                args=(preset,),
                help=t(f"preset.{preset.key}.slide", lang),
                width="stretch",
            )
        loaded = st.session_state.get(f"{page}_preset_loaded")
        if loaded:
            st.success(t("preset.loaded", lang, slide=t(f"preset.{loaded}.slide", lang)))
