"""The Streamlit server under test: its command line, start, health and stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.classroom.settings import NO_PROXY


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (the browser tests' helper)."""
    from tests.browser.helpers import free_port

    return free_port()


def server_command(port: int, options: list[str]) -> list[str]:
    """``streamlit run app.py`` on 127.0.0.1:``port``, headless, plus ``NAME=VALUE`` options.

    Raises:
        SystemExit: If an option is not ``NAME=VALUE``.
    """
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    for option in options:
        name, sep, value = option.partition("=")
        if not sep or not name:
            raise SystemExit(f"--server-opt wants NAME=VALUE, got {option!r}")
        command += [f"--{name.removeprefix('--')}", value]
    return command


def start_server(command: list[str], app_dir: Path, env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """Starts the server in its own process group (its workers join it), output to ``log_path``."""
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            command, cwd=app_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop_server(process: subprocess.Popen) -> None:
    """Stops the server and every process of its group (SIGTERM, then SIGKILL)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    try:  # the workers live in the server's process group
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def wait_health(url: str, process: subprocess.Popen, timeout: float) -> float:
    """Polls ``/_stcore/health`` until it answers 200; returns the seconds that took.

    Raises:
        RuntimeError: If the server exits or stays unhealthy for ``timeout`` seconds.
    """
    started = time.monotonic()
    while True:
        try:
            with NO_PROXY.open(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError("the server exited before it was healthy")
        if time.monotonic() - started > timeout:
            raise RuntimeError("the server did not become healthy")
        time.sleep(0.2)
