"""Lesson computations: kept on disk across restarts, and never holding up a
page while the compute worker starts."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dlcore.runtime.result_cache import ResultCache
from dlcore.text import t
from tests.conftest import ColdPool
from ui import compute as compute_module


def _warming_page() -> None:
    from ui.compute import ComputeWarming, show_compute_error

    show_compute_error(ComputeWarming(), "zh-TW")


def test_warming_is_a_note_not_an_error(cold: ResultCache) -> None:
    # The worker is still starting (``cold``), so the page's poller waits instead of rerunning.
    at = AppTest.from_function(_warming_page).run()
    assert not at.exception and not at.error
    assert [info.value for info in at.info] == [t("compute.warming", "zh-TW")]


class SlowStartingPool(ColdPool):
    """A starting worker that stays cold for as long as it is waited for."""

    waits: list[float] = []

    def wait_ready(self, timeout: float) -> bool:
        SlowStartingPool.waits.append(timeout)
        import time

        time.sleep(timeout)
        return False


def _page_with_two_computations() -> None:
    from ui.compute import ComputeError, compute, show_compute_error

    for name in ("relu", "tanh"):
        try:
            compute("lessons.activations.tasks:run_curves", {"names": [name]})
        except ComputeError as exc:
            show_compute_error(exc, "en")


def test_a_page_waits_for_a_starting_worker_once_not_per_chart(cold: ResultCache, monkeypatch) -> None:
    monkeypatch.setattr(compute_module, "get_compute_pool", SlowStartingPool)
    SlowStartingPool.waits.clear()
    at = AppTest.from_function(_page_with_two_computations, default_timeout=30).run()
    assert not at.exception
    assert len(at.info) == 2
    first, second = SlowStartingPool.waits
    assert first == pytest.approx(compute_module.WARMING_WAIT_SECONDS, abs=0.2)
    assert second < 0.2, "the second chart does not wait again"
