"""The classroom benchmark's constants and its configuration."""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
HEALTH_INTERVAL = 0.25
HEALTH_TIMEOUT = 10.0
DOCKER_HEALTH_TIMEOUT = 4.0  # Dockerfile / docker-compose.yml: urlopen(..., timeout=4)
GOAL_RATIO = 1.10
MAX_TIMEOUT = 3600.0
NEWCOMER_TIMEOUT = 60.0
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Config:
    """One classroom run: how many students, how long they train, on what server.

    Attributes:
        sessions: Students (emulated tabs) pressing Train at once.
        epochs: Epochs of every run (``/wine?epochs=E``).
        workers: Training workers of the server (``DLP_WORKERS``).
        app_dir: The directory whose ``app.py`` the server runs.
        server_opts: Extra ``streamlit run`` options, ``NAME=VALUE`` each.
        timeout: Seconds after the burst before giving up.
        newcomer_at: Seconds after the burst at which a newcomer loads ``/``.
        warm_workers: Whether to wait until the home page reports every worker ready.
        smoke: Tiny sizes (skips the newcomer's quiet-server reference load).
    """

    sessions: int = 30
    epochs: int = 20
    workers: int = 2
    app_dir: str = str(ROOT)
    server_opts: list[str] = field(default_factory=list)
    timeout: float = 600.0
    newcomer_at: list[float] = field(default_factory=lambda: [5.0, 30.0])
    warm_workers: bool = True
    smoke: bool = False


@dataclass
class BurstClock:
    """When the burst happened and ended.

    Attributes:
        pressed: Monotonic time Train was pressed in the first tab.
        pressed_wall: The same moment on the wall clock (saved models' mtimes).
        spread: Seconds between the first and the last press.
        ended: Monotonic time the waiting ended.
        timed_out: Whether it ended at the timeout.
        keras: Modification times (wall clock) of the models saved, sorted.
    """

    pressed: float
    pressed_wall: float
    spread: float = 0.0
    ended: float = 0.0
    timed_out: bool = False
    keras: list[float] = field(default_factory=list)
