"""The classroom benchmark's figures: what the burst measured, as a report and as printed text."""

from __future__ import annotations

import os
import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from benchmarks.classroom.settings import DOCKER_HEALTH_TIMEOUT, GOAL_RATIO, HEALTH_INTERVAL, BurstClock
from benchmarks.classroom.students import Student

if TYPE_CHECKING:
    from benchmarks.classroom.newcomer import Newcomer


def _since_press(moment: float | None, s: Student) -> float | None:
    """Seconds from the student's Train press to ``moment``, or None."""
    return None if moment is None or s.pressed_at is None else round(moment - s.pressed_at, 2)


def _session_row(s: Student) -> dict[str, Any]:
    """What one tab showed when, and what its connection carried."""
    return {
        "name": s.session.name,
        "page_load_s": round(s.rendered_at - s.opened_at, 2) if s.rendered_at else None,
        "first_progress_s": _since_press(s.first_progress_at, s),
        "first_epoch_s": _since_press(s.first_epoch_at, s),
        "first_epoch_via": s.first_epoch_via,
        "finished_s": _since_press(s.finished_at, s),
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


def _health_figures(samples: Sequence[tuple[float, float, bool]], since: float) -> dict[str, Any]:
    """Health-check latencies from ``since`` on: count, p95, max, median, over Docker's 4 s, failed."""
    latencies = [lat for start, lat, _ in samples if start >= since]
    return {
        "checks": len(latencies),
        "p95_s": round(_percentile(latencies, 95), 3) if latencies else None,
        "max_s": round(max(latencies), 3) if latencies else None,
        "median_s": round(statistics.median(latencies), 3) if latencies else None,
        "over_4s": sum(lat > DOCKER_HEALTH_TIMEOUT for lat in latencies),
        "failed": sum(1 for start, lat, ok in samples if start >= since and not ok),
    }


def _cpu_figures(samples: Sequence[dict[str, float]], start: float, end: float) -> dict[str, Any]:
    """Mean and max CPU% of server, workers, harness and machine between ``start`` and ``end``."""
    during = [c for c in samples if start <= c["t"] <= end]

    def cpu_stat(name: str) -> dict[str, float] | None:
        values = [c[name] for c in during]
        return {"mean": round(statistics.fmean(values), 1), "max": round(max(values), 1)} if values else None

    return {name: cpu_stat(name) for name in ("server", "workers", "harness", "machine")}


def burst_figures(
    n: int,
    students: list[Student],
    clock: BurstClock,
    health_samples: Sequence[tuple[float, float, bool]],
    cpu_samples: Sequence[dict[str, float]],
    newcomer: Newcomer | None,
) -> dict[str, Any]:
    """The burst's part of the report, from what the tabs, monitors and newcomer saw.

    ``ratio`` = last session shown / workers done (the last model saved), both
    counted from the burst; the goal is ``GOAL_RATIO``.
    """
    per_session = [_session_row(s) for s in students]
    outcomes = {p["outcome"] for p in per_session if p["outcome"]}
    keras = clock.keras
    workers_done = round(keras[-1] - clock.pressed_wall, 2) if len(keras) >= n else None
    finished = [p["finished_s"] for p in per_session if p["finished_s"] is not None]
    last_shown = max(finished) if len(finished) == n else None
    return {
        "burst_spread_s": round(clock.spread, 3),
        "timed_out": clock.timed_out,
        "shown": len(finished),
        "first_epoch_s": _spread([p["first_epoch_s"] for p in per_session], n),
        "finished_s": _spread([p["finished_s"] for p in per_session], n),
        "models_saved": len(keras),
        "workers_done_s": workers_done,
        "last_shown_s": last_shown,
        "ratio": round(last_shown / workers_done, 3) if last_shown and workers_done else None,
        "goal_ratio": GOAL_RATIO,
        "outcomes": {k: sum(p["outcome"] == k for p in per_session) for k in sorted(outcomes)},
        "health": _health_figures(health_samples, clock.pressed),
        "newcomer_baseline": newcomer.baseline if newcomer is not None else None,
        "newcomer": newcomer.results if newcomer is not None else [],
        "newcomer_error": newcomer.error if newcomer is not None and newcomer.error else None,
        "cpu_pct": _cpu_figures(cpu_samples, clock.pressed, clock.ended),
        "cores": os.cpu_count(),
        "sessions_detail": per_session,
    }


def _percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile, interpolated linearly between the two nearest ranks."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _spread(values: list[float | None], n: int) -> dict[str, Any]:
    """First, median and last of the values shown; ``last`` only if all ``n`` were shown."""
    shown = sorted(v for v in values if v is not None)
    return {
        "shown": len(shown),
        "of": n,
        "first": shown[0] if shown else None,
        "median": round(statistics.median(shown), 2) if shown else None,
        "last": shown[-1] if len(shown) == n else None,
        "last_shown": shown[-1] if shown else None,
    }


def _fmt(value: float | None, unit: str = " s") -> str:
    """Seconds with two decimals, or a dash for None."""
    return "—" if value is None else f"{value:.2f}{unit}"


def print_report(r: dict[str, Any]) -> None:
    """Prints the classroom report (the README quotes this text)."""
    _print_timings(r)
    _print_health(r["health"])
    _print_newcomer(r)
    _print_cpu(r["cpu_pct"], r["cores"])
    _print_end(r)


def _print_timings(r: dict[str, Any]) -> None:
    """The configuration, Train → first epoch / finished run shown, and the ratio to the workers."""
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


def _print_health(h: dict[str, Any]) -> None:
    """The health check's latencies during the burst."""
    print(f"/_stcore/health every {HEALTH_INTERVAL} s: {h['checks']} checks, median {_fmt(h['median_s'])}, "
          f"p95 {_fmt(h['p95_s'])}, max {_fmt(h['max_s'])}; over 4 s (Docker check timeout): {h['over_4s']}, "
          f"failed: {h['failed']}")  # fmt: skip


def _print_newcomer(r: dict[str, Any]) -> None:
    """When the newcomer's home page showed its title: before the burst and during it."""
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


def _print_cpu(cpu: dict[str, Any], cores: int | None) -> None:
    """CPU use during the burst (100% = one core)."""

    def cpu_text(v: dict[str, float] | None) -> str:
        return "—" if v is None else f"mean {v['mean']:.0f}%, max {v['max']:.0f}%"

    print(f"CPU (100% = one core) during the burst: server {cpu_text(cpu['server'])}; "
          f"workers {cpu_text(cpu['workers'])}; this harness {cpu_text(cpu['harness'])}; "
          f"whole machine ({cores} cores, incl. Chromium and other users) {cpu_text(cpu['machine'])}")  # fmt: skip


def _print_end(r: dict[str, Any]) -> None:
    """The outcomes shown, connections the server closed, and the load average."""
    if r["outcomes"]:
        print("outcomes shown: " + ", ".join(f"{k} × {v}" for k, v in r["outcomes"].items()))
    closed = [d["name"] for d in r["sessions_detail"] if d["closed"]]
    if closed:
        print(f"connections closed by the server: {closed}")
    print(f"load average before/after: {r['loadavg_before'][0]:.2f} / {r['loadavg_after'][0]:.2f}", flush=True)
