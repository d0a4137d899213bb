"""Helpers for real-browser tests: a Streamlit server on 127.0.0.1 and headless Chromium."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("DLP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def require_browser() -> None:
    """Skips without Chromium or Playwright, unless ``DLP_REQUIRE_BROWSER=1``
    (set by CI), where a missing browser is a failure."""
    missing = []
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        missing.append(f"Chromium ({CHROMIUM})")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if missing:
        reason = f"browser tests need {' and '.join(missing)}; install: apt-get install chromium"
        if os.environ.get("DLP_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(env: dict[str, str] | None = None) -> Iterator[str]:
    """Starts ``streamlit run app.py`` on 127.0.0.1 and stops it (and its
    workers) afterwards.

    Yields:
        The base URL, e.g. ``http://127.0.0.1:PORT``.
    """
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.address", "127.0.0.1", "--server.port", str(port),
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ],  # fmt: skip
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert process.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        try:  # workers live in the server's process group too
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _local_only(blocked: list[str]) -> Callable[[Any], None]:
    """A route handler that lets 127.0.0.1 through and aborts and records any other request.

    It takes the route alone: Playwright passes a handler of two parameters
    the request as its second argument.
    """

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    return guard


@contextmanager
def chromium_pages(count: int, viewport: tuple[int, int] = (1280, 900)) -> Iterator[list]:
    """``count`` headless Chromium pages, each in its own browser context (its
    own cookies: a separate Streamlit session). Every request to a host other
    than 127.0.0.1 is blocked and recorded in ``page.blocked_requests``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            pages = []
            for _ in range(count):
                context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
                page = context.new_page()
                blocked: list[str] = []
                page.route("**/*", _local_only(blocked))
                page.blocked_requests = blocked
                pages.append(page)
            yield pages
        finally:
            browser.close()


@contextmanager
def chromium(viewport: tuple[int, int] = (1280, 900)) -> Iterator:
    """One headless Chromium page (see ``chromium_pages``)."""
    with chromium_pages(1, viewport) as pages:
        yield pages[0]


def wait_for_app(page, timeout: float = 60.0) -> None:
    """Waits until Streamlit has finished running the page's script."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout * 1000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelector('[data-testid=\"stMainBlockContainer\"] h1')",
        timeout=timeout * 1000,
    )
