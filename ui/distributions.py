"""TensorBoard's "distributions" view under a page's live curves: per Dense
layer, the percentile bands of its weights and biases over the epochs, live
while a run trains and the run's record after it (expander key
``distributions``).

The measurements come from the worker's weight probe
(``dlcore.runtime.histogram_probe``), which a page asks for in its job payload
with ``with_weights_probe``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dlcore.curve_stats import MAX_WEIGHT_SAMPLES
from dlcore.figures.curves import run_colour
from dlcore.figures.distributions import distributions_figure
from dlcore.runtime.runs import probe_series
from dlcore.text import t
from ui.charts import show_memoized
from ui.curve_controls import frame_run_number
from ui.live import LiveFrame

EXPANDER_KEY = "distributions"


def with_weights_probe(payload: dict[str, Any]) -> dict[str, Any]:
    """The job payload with the weight probe added to its ``"probes"``."""
    payload["probes"] = {**payload.get("probes", {}), "weights": {"samples": MAX_WEIGHT_SAMPLES}}
    return payload


def _samples(frame: LiveFrame) -> list[tuple[int, list[dict[str, Any]]]]:
    """The frame's weight samples: streamed so far, or kept with the run."""
    if frame.running:
        return probe_series(frame.events, "weights")
    stored = frame.record.extras.get("weights", []) if frame.record is not None else []
    return [(int(epoch), layers) for epoch, layers in stored]


def distributions_view(page: str, frame: LiveFrame, lang: str) -> None:
    """The distributions expander; its figure is built only while it is open,
    and rebuilt only when a new sample arrived.

    Args:
        page: Page slug (the chart's key and the run's colour).
        frame: What the live view shows now (``ui.live.LiveFrame``).
        lang: Text language.
    """
    with st.expander(t("dist.expander", lang), key=EXPANDER_KEY, on_change="rerun", icon=":material/stacked_line_chart:"):
        if not st.session_state.get(EXPANDER_KEY):
            return  # closed: nothing to build or send
        samples = _samples(frame)
        if not samples:
            st.caption(t("dist.before" if frame.running or frame.record is None else "dist.none", lang))
            return
        units = list((frame.meta or {}).get("model", {}).get("units", [])) + [1]
        colour = run_colour(frame_run_number(page, frame))
        show_memoized(
            lambda: distributions_figure(samples, lang=lang, colour=colour, units=units),
            key=f"{page}_distributions_chart",
            signature=(frame.source, samples[-1][0], len(samples), colour, lang),
        )
        st.caption(t("dist.caption", lang, count=len(samples)))
