"""Classroom burst: N students press Train at once; does every page show its run?

Starts a real server (``streamlit run app.py``), opens N sessions on
``/wine?epochs=E`` with the headless client ``benchmarks.st_session`` (one
emulated browser tab each, all on one event loop), waits until every page has
rendered, presses Train in all of them within a second and keeps them open and
polling like open tabs until every page shows its finished run (the outcome
message) or a global timeout. Meanwhile it measures:

* per student, Train → first epoch shown (progress text ``Epoch k/N`` with
  k ≥ 1) and Train → finished run shown (an outcome.* or job.* alert);
* what the workers need: burst → the last job's saved ``.keras`` file (every
  finished run saves one, in ``DLP_MODEL_DIR`` under a fresh temp dir), and
  the goal ratio *last session shown / workers done* (≤ 1.10);
* ``/_stcore/health`` latency, polled every 0.25 s (the Docker health check
  gives up after 4 s);
* a newcomer: a real headless Chromium loads ``/`` about 5 s after the burst
  and again later while runs stream; the time until the title (h1) renders;
* CPU of the server process, its children (the workers), and this harness,
  sampled from ``/proc`` every second.

Usage::

    python -m benchmarks.bench_classroom [--sessions 30] [--epochs 20] [--workers 2]
        [--app-dir DIR] [--server-opt runner.postScriptGC=false ...] [--timeout 600]
        [--newcomer-at 5,30] [--json OUT] [--smoke]

``--smoke`` runs 3 sessions × 2 epochs (checks the harness runs; the numbers
mean nothing). ``benchmarks.run`` calls ``main(smoke)``.
Everything talks to 127.0.0.1 only; every process started here is stopped here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.st_session import StSession
from dlcore.text import CATALOGUES, t

ROOT = Path(__file__).resolve().parent.parent
HEALTH_INTERVAL = 0.25
HEALTH_TIMEOUT = 10.0
DOCKER_HEALTH_TIMEOUT = 4.0  # Dockerfile / docker-compose.yml: urlopen(..., timeout=4)
GOAL_RATIO = 1.10
MAX_TIMEOUT = 3600.0
NEWCOMER_TIMEOUT = 60.0
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# ------------------------------------------------------------------ texts
def _template_regex(template: str) -> re.Pattern[str]:
    """A regex for a catalogue template: each ``{field}`` matches anything,
    ``{epoch}``/``{ready}``/``{total}`` capture a number."""
    parts = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(rf"(?P<{name}>\d+)" if name in ("epoch", "ready", "total") else r".*?")
    return re.compile("".join(parts) + "$", re.S)


PROGRESS = _template_regex(t("train.progress"))
WORKERS_READY = _template_regex(t("home.workers"))
def _outcome_patterns() -> dict[str, re.Pattern[str]]:
    """How a run's end reads on the page: ``ui.live.outcome_message`` shows an
    ``outcome.*`` text, or a ``job.*`` error text when the run has no result."""
    en = CATALOGUES["en"]
    keys = [k for k in en if k.startswith(("outcome.", "job."))]
    return {k: _template_regex(en[k]) for k in keys}


OUTCOMES = _outcome_patterns()


def outcome_key(body: str) -> str | None:
    """The catalogue key an alert's text was made from (outcome.*/job.*), if any."""
    for key, pattern in OUTCOMES.items():
        if pattern.match(body):
            return key
    return None


# ---------------------------------------------------------------- students
@dataclass
class Student:
    """One emulated tab and what it showed when (monotonic seconds)."""

    session: StSession
    opened_at: float = 0.0
    rendered_at: float | None = None
    pressed_at: float | None = None
    first_progress_at: float | None = None
    first_epoch_at: float | None = None
    finished_at: float | None = None
    outcome: str | None = None
    outcome_text: str = ""
    max_epoch_seen: int = 0
    first_epoch_via: str | None = None  # "progress", or "outcome" when the run ended before a progress showed it

    def observe(self, session: StSession) -> None:
        """Called after every message: notes the first epoch and the outcome."""
        if self.pressed_at is None or self.finished_at is not None:
            return
        now = time.monotonic()
        for element in session.elements.values():
            if element.kind == "progress":
                if self.first_progress_at is None:
                    self.first_progress_at = now
                match = PROGRESS.match(element.fields["text"])
                epoch = int(match.group("epoch")) if match else (1 if element.fields["value"] > 0 else 0)
                if epoch > self.max_epoch_seen:
                    self.max_epoch_seen = epoch
                if epoch >= 1 and self.first_epoch_at is None:
                    self.first_epoch_at, self.first_epoch_via = now, "progress"
            elif element.kind == "alert" and element.fields["format"] != "info":
                key = outcome_key(element.fields["body"])
                if key is not None:
                    self.finished_at = now
                    if self.first_epoch_at is None:  # the finished curve is the first epoch shown
                        self.first_epoch_at, self.first_epoch_via = now, "outcome"
                    self.outcome = key
                    self.outcome_text = element.fields["body"]
                    return


# ---------------------------------------------------------------- monitors
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
                with _NO_PROXY.open(self.url, timeout=HEALTH_TIMEOUT) as response:
                    response.read()
                    ok = response.status == 200
            except Exception:
                ok = False
            latency = time.monotonic() - started
            self.samples.append((started, latency, ok))
            self.stop.wait(max(0.0, HEALTH_INTERVAL - latency))


def _proc_ticks(pid: int) -> int | None:
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


def _chromium_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    from tests.browser.helpers import CHROMIUM

    return os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is not None


# ------------------------------------------------------------------ server
def _free_port() -> int:
    from tests.browser.helpers import free_port

    return free_port()


def _server_command(port: int, options: list[str]) -> list[str]:
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


def _stop_server(process: subprocess.Popen) -> None:
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


def _wait_health(url: str, process: subprocess.Popen, timeout: float) -> float:
    started = time.monotonic()
    while True:
        try:
            with _NO_PROXY.open(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError("the server exited before it was healthy")
        if time.monotonic() - started > timeout:
            raise RuntimeError("the server did not become healthy")
        time.sleep(0.2)


# -------------------------------------------------------------- the burst
@dataclass
class Config:
    sessions: int = 30
    epochs: int = 20
    workers: int = 2
    app_dir: str = str(ROOT)
    server_opts: list[str] = field(default_factory=list)
    timeout: float = 600.0
    newcomer_at: list[float] = field(default_factory=lambda: [5.0, 30.0])
    warm_workers: bool = True
    smoke: bool = False


async def _wait_workers_ready(url: str, workers: int, timeout: float) -> float | None:
    """A teacher's tab on ``/`` reruns until the home page reports every trainer
    ready (the page's first visit starts the pool). Returns seconds or None."""
    started = time.monotonic()
    teacher = StSession(url, "/", name="teacher")
    await teacher.open()
    try:
        while time.monotonic() - started < timeout:
            runs = teacher.stats.full_runs_finished
            await teacher.wait_until(lambda s: s.stats.full_runs_finished > runs, 30)
            for element in teacher.find("markdown"):
                match = WORKERS_READY.match(element.fields["body"])
                if match and int(match.group("ready")) >= workers and int(match.group("total")) >= workers:
                    return time.monotonic() - started
            await asyncio.sleep(1.0)
            await teacher.rerun()
        return None
    finally:
        await teacher.close()


def _keras_times(directory: Path) -> list[float]:
    """Modification times (wall clock) of every saved model under ``directory``."""
    times = []
    for path in directory.rglob("*.keras"):
        try:
            times.append(path.stat().st_mtime)
        except OSError:
            pass
    return sorted(times)


async def _burst(cfg: Config, url: str, data_root: Path, server_pid: int) -> dict[str, Any]:
    report: dict[str, Any] = {}
    if cfg.warm_workers:
        warm = await _wait_workers_ready(url, cfg.workers, 300.0)
        report["workers_warm_s"] = None if warm is None else round(warm, 2)
        print(f"workers warm: {'not reported' if warm is None else f'{warm:.1f} s'}", flush=True)

    students: list[Student] = []
    for i in range(cfg.sessions):
        student = Student(session=None)  # type: ignore[arg-type]
        student.session = StSession(url, f"/wine?epochs={cfg.epochs}", name=f"s{i + 1}", on_change=student.observe)
        students.append(student)

    async def open_one(student: Student) -> None:
        student.opened_at = time.monotonic()
        await student.session.open()
        ok = await student.session.wait_until(
            lambda s: s.rendered and s.widget("train") is not None and not s.widget("train").fields["disabled"], 240
        )
        if ok:
            student.rendered_at = time.monotonic()

    stop = threading.Event()
    health = HealthPoller(url, stop)
    cpu = CpuSampler(server_pid, stop)
    newcomer: Newcomer | None = None
    try:
        opened = time.monotonic()
        await asyncio.gather(*(open_one(s) for s in students))
        not_rendered = [s.session.name for s in students if s.rendered_at is None]
        if not_rendered:
            raise RuntimeError(f"pages not rendered within 240 s: {not_rendered}")
        loads = [s.rendered_at - s.opened_at for s in students]
        report["page_load_s"] = {"median": round(statistics.median(loads), 2), "max": round(max(loads), 2)}
        print(
            f"{cfg.sessions} pages rendered in {time.monotonic() - opened:.1f} s "
            f"(each: median {statistics.median(loads):.2f} s, max {max(loads):.2f} s)",
            flush=True,
        )

        if cfg.newcomer_at and _chromium_available():
            newcomer = Newcomer(
                url, cfg.newcomer_at, stop, lambda: any(s.finished_at is None for s in students), not cfg.smoke
            )
            newcomer.start()
            await asyncio.to_thread(newcomer.ready.wait, 90)
        elif cfg.newcomer_at:
            report["newcomer_skipped"] = "no Chromium/Playwright"
        health.start()
        cpu.start()
        await asyncio.sleep(2.0)  # a quiet baseline for health and CPU

        # The burst: everybody presses Train.
        burst_mono, burst_wall = time.monotonic(), time.time()
        if newcomer is not None:
            newcomer.burst_at = burst_mono
        for student in students:
            student.pressed_at = time.monotonic()
            await student.session.click("train")
        spread = time.monotonic() - burst_mono
        print(f"Train pressed in {cfg.sessions} tabs within {spread:.2f} s", flush=True)

        deadline = burst_mono + cfg.timeout
        keras: list[float] = []
        last_note = burst_mono
        while time.monotonic() < deadline:
            keras = _keras_times(data_root)
            if all(s.finished_at is not None for s in students) and len(keras) >= cfg.sessions:
                break
            if all(s.finished_at is not None for s in students) and time.monotonic() - max(
                s.finished_at for s in students
            ) > 15:
                break  # every page shows its end; some runs saved no model (failed or cancelled)
            if time.monotonic() - last_note >= 30:
                last_note = time.monotonic()
                shown = sum(s.finished_at is not None for s in students)
                print(
                    f"  +{last_note - burst_mono:.0f} s: {shown}/{cfg.sessions} pages show their run, "
                    f"{len(keras)} models saved",
                    flush=True,
                )
            await asyncio.sleep(0.5)
        timed_out = time.monotonic() >= deadline
        keras = _keras_times(data_root)
        end_mono = time.monotonic()
    finally:
        stop.set()
        for s in students:
            await s.session.close()
        for thread in (health, cpu, newcomer):
            if thread is not None and thread.is_alive():
                await asyncio.to_thread(thread.join, NEWCOMER_TIMEOUT + 10)

    # ------------------------------------------------------------- figures
    def rel(t_: float | None, s: Student) -> float | None:
        return None if t_ is None or s.pressed_at is None else round(t_ - s.pressed_at, 2)

    per_session = [
        {
            "name": s.session.name,
            "page_load_s": round(s.rendered_at - s.opened_at, 2) if s.rendered_at else None,
            "first_progress_s": rel(s.first_progress_at, s),
            "first_epoch_s": rel(s.first_epoch_at, s),
            "first_epoch_via": s.first_epoch_via,
            "finished_s": rel(s.finished_at, s),
            "outcome": s.outcome,
            "outcome_text": s.outcome_text,
            "max_epoch_seen": s.max_epoch_seen,
            "closed": s.session.close_reason or None,
            "fragment_reruns_sent": s.session.stats.fragment_reruns_sent,
            "fragment_runs_finished": s.session.stats.fragment_runs_finished,
            "full_runs_finished": s.session.stats.full_runs_finished,
            "runs_stopped_for_rerun": s.session.stats.runs_stopped_for_rerun,
            "messages": s.session.stats.messages,
            "bytes": s.session.stats.bytes,
        }
        for s in students
    ]
    outcomes = {p["outcome"] for p in per_session if p["outcome"]}
    workers_done = round(keras[-1] - burst_wall, 2) if len(keras) >= cfg.sessions else None
    finished = [p["finished_s"] for p in per_session if p["finished_s"] is not None]
    last_shown = max(finished) if len(finished) == cfg.sessions else None
    latencies = [lat for start, lat, _ in health.samples if start >= burst_mono]
    health_fail = sum(1 for start, lat, ok in health.samples if start >= burst_mono and not ok)
    during = [c for c in cpu.samples if burst_mono <= c["t"] <= end_mono]

    def cpu_stat(name: str) -> dict[str, float] | None:
        values = [c[name] for c in during]
        return {"mean": round(statistics.fmean(values), 1), "max": round(max(values), 1)} if values else None

    report.update(
        {
            "burst_spread_s": round(spread, 3),
            "timed_out": timed_out,
            "shown": len(finished),
            "first_epoch_s": _spread([p["first_epoch_s"] for p in per_session], cfg.sessions),
            "finished_s": _spread([p["finished_s"] for p in per_session], cfg.sessions),
            "models_saved": len(keras),
            "workers_done_s": workers_done,
            "last_shown_s": last_shown,
            "ratio": round(last_shown / workers_done, 3) if last_shown and workers_done else None,
            "goal_ratio": GOAL_RATIO,
            "outcomes": {k: sum(p["outcome"] == k for p in per_session) for k in sorted(outcomes)},
            "health": {
                "checks": len(latencies),
                "p95_s": round(_percentile(latencies, 95), 3) if latencies else None,
                "max_s": round(max(latencies), 3) if latencies else None,
                "median_s": round(statistics.median(latencies), 3) if latencies else None,
                "over_4s": sum(lat > DOCKER_HEALTH_TIMEOUT for lat in latencies),
                "failed": health_fail,
            },
            "newcomer_baseline": newcomer.baseline if newcomer is not None else None,
            "newcomer": newcomer.results if newcomer is not None else [],
            "newcomer_error": newcomer.error if newcomer is not None and newcomer.error else None,
            "cpu_pct": {name: cpu_stat(name) for name in ("server", "workers", "harness", "machine")},
            "cores": os.cpu_count(),
            "sessions_detail": per_session,
        }
    )
    return report


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _spread(values: list[float | None], n: int) -> dict[str, Any]:
    shown = sorted(v for v in values if v is not None)
    return {
        "shown": len(shown),
        "of": n,
        "first": shown[0] if shown else None,
        "median": round(statistics.median(shown), 2) if shown else None,
        "last": shown[-1] if len(shown) == n else None,
        "last_shown": shown[-1] if shown else None,
    }


def run(cfg: Config) -> dict[str, Any]:
    """Starts the server, runs the burst, stops everything; returns the report."""
    cfg.timeout = max(10.0, min(cfg.timeout, MAX_TIMEOUT))
    app_dir = Path(cfg.app_dir).resolve()
    if not (app_dir / "app.py").exists():
        raise SystemExit(f"no app.py in {app_dir}")
    temp = Path(tempfile.mkdtemp(prefix="dlp-classroom-"))
    data_dir, model_dir = temp / "data", temp / "models"
    data_dir.mkdir()
    model_dir.mkdir()
    env = {
        **os.environ,
        "DLP_WORKERS": str(cfg.workers),
        "DLP_DATA_DIR": str(data_dir),
        "DLP_MODEL_DIR": str(model_dir),
        "PYTHONUNBUFFERED": "1",
    }
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = temp / "server.log"
    command = _server_command(port, cfg.server_opts)
    report: dict[str, Any] = {
        "config": {**asdict(cfg), "app_dir": str(app_dir)},
        "server_command": " ".join(command[1:]),
        "loadavg_before": os.getloadavg(),
    }
    print(
        f"== classroom: {cfg.sessions} sessions × {cfg.epochs} epochs, {cfg.workers} workers, "
        f"app {app_dir}, server opts {cfg.server_opts or 'default'}; load avg {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=app_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        report["server_start_s"] = round(_wait_health(url, process, 90.0), 2)
        report["server_cwd"] = os.readlink(f"/proc/{process.pid}/cwd")  # the app really served
        report.update(asyncio.run(_burst(cfg, url, temp, process.pid)))
        report["server_alive"] = process.poll() is None
    except BaseException:
        tail = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
        print(f"server log (tail):\n{tail}", file=sys.stderr)
        raise
    finally:
        _stop_server(process)
        report["loadavg_after"] = os.getloadavg()
        shutil.rmtree(temp, ignore_errors=True)
    _print(report)
    return report


def _fmt(value: float | None, unit: str = " s") -> str:
    return "—" if value is None else f"{value:.2f}{unit}"


def _print(r: dict[str, Any]) -> None:
    c = r["config"]
    n = c["sessions"]
    print(f"\nclassroom burst: {n} sessions × {c['epochs']} epochs, {c['workers']} workers, "
          f"server opts: {' '.join(c['server_opts']) or 'default'}; "
          f"app served from {r.get('server_cwd')}")  # fmt: skip
    print(f"{'':34}{'first':>9}{'median':>9}{'last':>9}   shown")
    for label, key in (("Train → first epoch shown", "first_epoch_s"), ("Train → finished run shown", "finished_s")):
        s = r[key]
        last = _fmt(s["last"]) if s["last"] is not None else f"(>{_fmt(s['last_shown'])})" if s["shown"] else "—"
        print(f"{label:34}{_fmt(s['first']):>9}{_fmt(s['median']):>9}{last:>9}   {s['shown']}/{s['of']}")
    print(f"workers done (last .keras saved):  {_fmt(r['workers_done_s'])} after the burst "
          f"({r['models_saved']}/{n} models)")  # fmt: skip
    ratio = r["ratio"]
    verdict = "—" if ratio is None else ("meets" if ratio <= GOAL_RATIO else "misses")
    print(f"last session shown / workers done: {'—' if ratio is None else f'{ratio:.2f}'} "
          f"(goal ≤ {GOAL_RATIO:.2f}: {verdict}){'  TIMED OUT' if r['timed_out'] else ''}")  # fmt: skip
    h = r["health"]
    print(f"/_stcore/health every {HEALTH_INTERVAL} s: {h['checks']} checks, median {_fmt(h['median_s'])}, "
          f"p95 {_fmt(h['p95_s'])}, max {_fmt(h['max_s'])}; over 4 s (Docker check timeout): {h['over_4s']}, "
          f"failed: {h['failed']}")  # fmt: skip
    if r.get("newcomer_skipped"):
        print(f"newcomer /: skipped ({r['newcomer_skipped']})")
    base = r.get("newcomer_baseline")
    if base:
        shown = _fmt(base["h1_s"]) if base["h1_s"] is not None else f"not rendered ({base.get('error', '')})"
        print(f"newcomer / before the burst (quiet server, reference): title after {shown}")
    for probe in r["newcomer"]:
        if "skipped" in probe:
            print(f"newcomer / at +{probe['at_s']:.0f} s: skipped ({probe['skipped']})")
            continue
        shown = _fmt(probe["h1_s"]) if probe["h1_s"] is not None else f"not rendered ({probe.get('error', '')})"
        streaming = probe["runs_streaming"]
        print(f"newcomer / at +{probe['started_s']:.0f} s (runs streaming: {streaming}): title after {shown}")
    if r.get("newcomer_error"):
        print(f"newcomer failed: {r['newcomer_error']}")
    cpu = r["cpu_pct"]

    def cpu_text(v: dict[str, float] | None) -> str:
        return "—" if v is None else f"mean {v['mean']:.0f}%, max {v['max']:.0f}%"

    print(f"CPU (100% = one core) during the burst: server {cpu_text(cpu['server'])}; "
          f"workers {cpu_text(cpu['workers'])}; this harness {cpu_text(cpu['harness'])}; "
          f"whole machine ({r['cores']} cores, incl. Chromium and other users) {cpu_text(cpu['machine'])}")  # fmt: skip
    if r["outcomes"]:
        print("outcomes shown: " + ", ".join(f"{k} × {v}" for k, v in r["outcomes"].items()))
    closed = [d["name"] for d in r["sessions_detail"] if d["closed"]]
    if closed:
        print(f"connections closed by the server: {closed}")
    print(f"load average before/after: {r['loadavg_before'][0]:.2f} / {r['loadavg_after'][0]:.2f}", flush=True)


def _parse(argv: list[str]) -> tuple[Config, str | None]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_classroom", description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--app-dir", default=str(ROOT))
    parser.add_argument("--server-opt", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds after the burst (max 3600)")
    parser.add_argument("--newcomer-at", default="5,30", help="seconds after the burst, comma-separated ('' = none)")
    parser.add_argument("--no-warm", action="store_true", help="press Train without waiting for warm workers")
    parser.add_argument("--json", default=None, metavar="OUT")
    parser.add_argument("--smoke", action="store_true")
    a = parser.parse_args(argv)
    if a.smoke:
        cfg = _smoke_config()
        cfg.app_dir, cfg.server_opts = a.app_dir, a.server_opt
        return cfg, a.json
    at = [float(x) for x in a.newcomer_at.split(",") if x.strip()]
    cfg = Config(
        sessions=max(1, a.sessions),
        epochs=max(1, a.epochs),
        workers=max(1, a.workers),
        app_dir=a.app_dir,
        server_opts=a.server_opt,
        timeout=a.timeout,
        newcomer_at=at,
        warm_workers=not a.no_warm,
    )
    return cfg, a.json


def _smoke_config() -> Config:
    return Config(sessions=3, epochs=2, workers=2, timeout=120.0, newcomer_at=[1.0], warm_workers=False, smoke=True)


def main(smoke: bool = False, argv: list[str] | None = None) -> dict:
    """Entry point for ``benchmarks.run`` (``main(smoke)``) and the command line."""
    if argv is None:
        cfg, out = (_smoke_config() if smoke else Config()), None
    else:
        cfg, out = _parse(argv)
    report = run(cfg)
    if out:
        Path(out).write_text(json.dumps(report, indent=2))
        print(f"wrote {out}")
    return report


if __name__ == "__main__":
    main(argv=sys.argv[1:])
