"""The newcomer: a real headless Chromium loading ``/`` while the class trains."""

from __future__ import annotations

import os
import shutil
import threading
import time
from typing import Any

from benchmarks.classroom.settings import NEWCOMER_TIMEOUT


class Newcomer(threading.Thread):
    """Loads ``/`` in a fresh headless Chromium context at given times after
    the burst and times the title (h1) rendering (tests.browser helpers)."""

    def __init__(self, url: str, at: list[float], stop: threading.Event, still_streaming, baseline: bool) -> None:
        super().__init__(name="newcomer", daemon=True)
        self.url, self.at, self.stop, self.still_streaming = url, at, stop, still_streaming
        self.with_baseline = baseline
        self.ready = threading.Event()
        self.burst_at: float | None = None
        self.results: list[dict[str, Any]] = []
        self.baseline: dict[str, Any] | None = None
        self.error = ""

    def _probe(self, page) -> dict[str, Any]:
        probe: dict[str, Any] = {}
        started = time.monotonic()
        try:
            page.goto(f"{self.url}/", wait_until="commit", timeout=NEWCOMER_TIMEOUT * 1000)
            page.wait_for_selector(
                "[data-testid='stMainBlockContainer'] h1",
                timeout=max(1.0, NEWCOMER_TIMEOUT - (time.monotonic() - started)) * 1000,
            )
            probe["h1_s"] = round(time.monotonic() - started, 2)
        except Exception as exc:  # timeout: the title never came
            probe["h1_s"] = None
            probe["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
        probe["blocked_requests"] = len(getattr(page, "blocked_requests", []))
        page.close()  # the newcomer's tab leaves: its session ends
        return probe

    def run(self) -> None:
        try:
            from tests.browser.helpers import chromium_pages

            with chromium_pages(len(self.at) + 1) as pages:
                if self.with_baseline:  # the same load on the quiet server first: the reference
                    self.baseline = self._probe(pages[0])
                self.ready.set()
                for page, at in zip(pages[1:], self.at):
                    while self.burst_at is None and not self.stop.wait(0.1):
                        pass
                    if self.stop.is_set() or self.stop.wait(max(0.0, self.burst_at + at - time.monotonic())):
                        done = {probe["at_s"] for probe in self.results}
                        self.results += [{"at_s": a, "skipped": "the burst was over"} for a in self.at if a not in done]
                        return
                    probe = {"at_s": at, "started_s": round(time.monotonic() - self.burst_at, 2)}
                    probe["runs_streaming"] = bool(self.still_streaming())
                    probe.update(self._probe(page))
                    self.results.append(probe)
        except Exception as exc:
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.ready.set()


def chromium_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    from tests.browser.helpers import CHROMIUM

    return os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is not None
