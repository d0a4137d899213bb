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
The parts live in ``benchmarks.classroom`` (settings, texts, students, monitors,
newcomer, server, burst, report).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.classroom.burst import run_burst
from benchmarks.classroom.report import print_report
from benchmarks.classroom.server import free_port, server_command, start_server, stop_server, wait_health
from benchmarks.classroom.settings import MAX_TIMEOUT, ROOT, Config


def _server_env(cfg: Config, temp: Path) -> dict[str, str]:
    """The server's environment: the workers asked for, and fresh data and model dirs under ``temp``."""
    data_dir, model_dir = temp / "data", temp / "models"
    data_dir.mkdir()
    model_dir.mkdir()
    return {
        **os.environ,
        "DLP_WORKERS": str(cfg.workers),
        "DLP_DATA_DIR": str(data_dir),
        "DLP_MODEL_DIR": str(model_dir),
        "PYTHONUNBUFFERED": "1",
    }


def _serve_burst(
    cfg: Config, process: subprocess.Popen, url: str, temp: Path, log_path: Path, report: dict[str, Any]
) -> None:
    """Waits for the healthy server, runs the burst into ``report``; on failure prints the server log's tail."""
    try:
        report["server_start_s"] = round(wait_health(url, process, 90.0), 2)
        report["server_cwd"] = os.readlink(f"/proc/{process.pid}/cwd")  # the app really served
        report.update(asyncio.run(run_burst(cfg, url, temp, process.pid)))
        report["server_alive"] = process.poll() is None
    except BaseException:
        tail = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
        print(f"server log (tail):\n{tail}", file=sys.stderr)
        raise


def run(cfg: Config) -> dict[str, Any]:
    """Starts the server, runs the burst, stops everything; returns the report."""
    cfg.timeout = max(10.0, min(cfg.timeout, MAX_TIMEOUT))
    app_dir = Path(cfg.app_dir).resolve()
    if not (app_dir / "app.py").exists():
        raise SystemExit(f"no app.py in {app_dir}")
    temp = Path(tempfile.mkdtemp(prefix="dlp-classroom-"))
    env = _server_env(cfg, temp)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = temp / "server.log"
    command = server_command(port, cfg.server_opts)
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
    process = start_server(command, app_dir, env, log_path)
    try:
        _serve_burst(cfg, process, url, temp, log_path, report)
    finally:
        stop_server(process)
        report["loadavg_after"] = os.getloadavg()
        shutil.rmtree(temp, ignore_errors=True)
    print_report(report)
    return report


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
