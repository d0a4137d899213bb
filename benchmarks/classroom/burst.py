"""The burst: every student opens the page, presses Train, and keeps the tab open until it shows its run.

Steps, in order: wait for warm workers (a teacher's tab on ``/``), open every
student's tab, start the newcomer and the monitors, press Train everywhere,
then poll until every page shows its finished run (or the timeout); the report
is built from what was seen (``benchmarks.classroom.report``).
"""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.classroom.monitors import CpuSampler, HealthPoller
from benchmarks.classroom.newcomer import Newcomer, chromium_available
from benchmarks.classroom.report import burst_figures
from benchmarks.classroom.settings import NEWCOMER_TIMEOUT, BurstClock, Config
from benchmarks.classroom.students import Student
from benchmarks.classroom.texts import WORKERS_READY
from benchmarks.st_session import StSession

PAGE_TIMEOUT = 240.0  # seconds for a student's page to render with Train enabled


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


async def _warm_up(cfg: Config, url: str, report: dict[str, Any]) -> None:
    """Waits for warm workers, if the configuration asks for it."""
    if cfg.warm_workers:
        warm = await _wait_workers_ready(url, cfg.workers, 300.0)
        report["workers_warm_s"] = None if warm is None else round(warm, 2)
        print(f"workers warm: {'not reported' if warm is None else f'{warm:.1f} s'}", flush=True)


def _make_students(cfg: Config, url: str) -> list[Student]:
    """One student per session, each watching its own tab on ``/wine?epochs=E``."""
    students: list[Student] = []
    for i in range(cfg.sessions):
        student = Student(session=None)  # type: ignore[arg-type]
        student.session = StSession(url, f"/wine?epochs={cfg.epochs}", name=f"s{i + 1}", on_change=student.observe)
        students.append(student)
    return students


async def _open_one(student: Student) -> None:
    """Opens a student's tab and notes when its Train button is enabled."""
    student.opened_at = time.monotonic()
    await student.session.open()
    ok = await student.session.wait_until(
        lambda s: s.rendered and s.widget("train") is not None and not s.widget("train").fields["disabled"],
        PAGE_TIMEOUT,
    )
    if ok:
        student.rendered_at = time.monotonic()


async def _open_all(cfg: Config, students: list[Student], report: dict[str, Any]) -> None:
    """Opens every tab at once and waits until every page has rendered.

    Raises:
        RuntimeError: If a page did not render within ``PAGE_TIMEOUT``.
    """
    opened = time.monotonic()
    await asyncio.gather(*(_open_one(s) for s in students))
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


def _start_newcomer(cfg: Config, url: str, stop: threading.Event, students: list[Student]) -> Newcomer | None:
    """Starts the newcomer's Chromium (and its quiet-server reference load), if there is one."""
    if not (cfg.newcomer_at and chromium_available()):
        return None
    newcomer = Newcomer(url, cfg.newcomer_at, stop, lambda: any(s.finished_at is None for s in students), not cfg.smoke)
    newcomer.start()
    return newcomer


async def _press_train(cfg: Config, students: list[Student], newcomer: Newcomer | None) -> BurstClock:
    """The burst: everybody presses Train, one tab after the other."""
    clock = BurstClock(pressed=time.monotonic(), pressed_wall=time.time())
    if newcomer is not None:
        newcomer.burst_at = clock.pressed
    for student in students:
        student.pressed_at = time.monotonic()
        await student.session.click("train")
    clock.spread = time.monotonic() - clock.pressed
    print(f"Train pressed in {cfg.sessions} tabs within {clock.spread:.2f} s", flush=True)
    return clock


def _all_done(cfg: Config, students: list[Student], keras: list[float]) -> bool:
    """Every page shows its end, and every run saved its model or the pages have
    shown their ends for 15 s (some runs saved no model: failed or cancelled)."""
    if not all(s.finished_at is not None for s in students):
        return False
    return len(keras) >= cfg.sessions or time.monotonic() - max(s.finished_at for s in students) > 15


async def _wait_for_runs(cfg: Config, students: list[Student], data_root: Path, clock: BurstClock) -> None:
    """Keeps the tabs open until every page shows its run or the timeout; notes every 30 s."""
    deadline = clock.pressed + cfg.timeout
    last_note = clock.pressed
    while time.monotonic() < deadline:
        keras = _keras_times(data_root)
        if _all_done(cfg, students, keras):
            break
        if time.monotonic() - last_note >= 30:
            last_note = time.monotonic()
            shown = sum(s.finished_at is not None for s in students)
            print(
                f"  +{last_note - clock.pressed:.0f} s: {shown}/{cfg.sessions} pages show their run, "
                f"{len(keras)} models saved",
                flush=True,
            )
        await asyncio.sleep(0.5)
    clock.timed_out = time.monotonic() >= deadline
    clock.keras = _keras_times(data_root)
    clock.ended = time.monotonic()


async def _close_all(students: list[Student], threads: tuple[threading.Thread | None, ...]) -> None:
    """Closes every tab and waits (bounded) for the monitor threads to end."""
    for s in students:
        await s.session.close()
    for thread in threads:
        if thread is not None and thread.is_alive():
            await asyncio.to_thread(thread.join, NEWCOMER_TIMEOUT + 10)


async def run_burst(cfg: Config, url: str, data_root: Path, server_pid: int) -> dict[str, Any]:
    """Runs the whole burst against a healthy server; returns its part of the report.

    Args:
        cfg: The run's configuration.
        url: The server's base URL.
        data_root: Where the server's jobs save their models.
        server_pid: The server's process id (CPU sampling).
    """
    report: dict[str, Any] = {}
    await _warm_up(cfg, url, report)
    students = _make_students(cfg, url)
    stop = threading.Event()
    health = HealthPoller(url, stop)
    cpu = CpuSampler(server_pid, stop)
    newcomer: Newcomer | None = None
    try:
        await _open_all(cfg, students, report)
        newcomer = _start_newcomer(cfg, url, stop, students)
        if newcomer is not None:
            await asyncio.to_thread(newcomer.ready.wait, 90)
        elif cfg.newcomer_at:
            report["newcomer_skipped"] = "no Chromium/Playwright"
        health.start()
        cpu.start()
        await asyncio.sleep(2.0)  # a quiet baseline for health and CPU
        clock = await _press_train(cfg, students, newcomer)
        await _wait_for_runs(cfg, students, data_root, clock)
    finally:
        stop.set()
        await _close_all(students, (health, cpu, newcomer))
    report.update(burst_figures(cfg.sessions, students, clock, health.samples, cpu.samples, newcomer))
    return report
