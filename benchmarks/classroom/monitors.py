"""What the classroom benchmark watches besides the pages: the health check and CPU use."""

from __future__ import annotations

import os
import threading
import time

from benchmarks.classroom.settings import HEALTH_INTERVAL, HEALTH_TIMEOUT, NO_PROXY


class HealthPoller(threading.Thread):
    """GET /_stcore/health every 0.25 s (one at a time); keeps (start, latency, ok)."""

    def __init__(self, url: str, stop: threading.Event) -> None:
        super().__init__(name="health", daemon=True)
        self.url, self.stop = f"{url}/_stcore/health", stop
        self.samples: list[tuple[float, float, bool]] = []

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            ok = False
            try:
                with NO_PROXY.open(self.url, timeout=HEALTH_TIMEOUT) as response:
                    response.read()
                    ok = response.status == 200
            except Exception:
                ok = False
            latency = time.monotonic() - started
            self.samples.append((started, latency, ok))
            self.stop.wait(max(0.0, HEALTH_INTERVAL - latency))


def _proc_ticks(pid: int) -> int | None:
    """CPU jiffies a process has used (user + system), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return None


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all cores, from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def _descendants(root: int) -> list[int]:
    """Every process below ``root`` (children, grandchildren...), from ``/proc``."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class CpuSampler(threading.Thread):
    """CPU% (100 = one core) of the server, its descendants, this process and
    the whole machine, every second."""

    def __init__(self, server_pid: int, stop: threading.Event) -> None:
        super().__init__(name="cpu", daemon=True)
        self.server_pid, self.stop = server_pid, stop
        self.samples: list[dict[str, float]] = []
        self._hz = os.sysconf("SC_CLK_TCK")

    def _read(self) -> tuple[float, int, dict[int, int], int, tuple[int, int]]:
        children = {pid: _proc_ticks(pid) for pid in _descendants(self.server_pid)}
        return (
            time.monotonic(),
            _proc_ticks(self.server_pid) or 0,
            {pid: ticks for pid, ticks in children.items() if ticks is not None},
            _proc_ticks(os.getpid()) or 0,
            _machine_ticks(),
        )

    def run(self) -> None:
        last = self._read()
        while not self.stop.wait(1.0):
            now = self._read()
            seconds = now[0] - last[0]
            if seconds <= 0:
                continue
            to_pct = 100.0 / (self._hz * seconds)
            children = sum(ticks - last[2].get(pid, ticks) for pid, ticks in now[2].items())
            self.samples.append(
                {
                    "t": now[0],
                    "server": (now[1] - last[1]) * to_pct,
                    "workers": children * to_pct,
                    "harness": (now[3] - last[3]) * to_pct,
                    # every process on the machine (other users, Chromium included)
                    "machine": (now[4][0] - last[4][0])
                    / max(1, now[4][1] - last[4][1])
                    * 100.0
                    * (os.cpu_count() or 1),
                    "children": len(now[2]),
                }
            )
            last = now
