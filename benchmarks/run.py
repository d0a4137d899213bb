"""Runs every benchmark, prints a table and writes benchmarks/results/latest.json.

Usage: ``python -m benchmarks.run`` (full) or ``python -m benchmarks.run --smoke``
(tiny sizes: checks that each benchmark runs; the numbers mean nothing).
Each benchmark module exposes ``main(smoke: bool) -> dict``.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path

BENCHMARKS = (
    "bench_training",
    "bench_optimizer_race",
    "bench_boundary",
    "bench_neuron_probe",
    "bench_cold_start",
    "bench_concurrency",
    "bench_memory",
    "bench_worker_memory",
    "bench_classroom",
    "bench_store",
    "bench_board",
    "bench_dask",
)
RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    smoke = "--smoke" in sys.argv
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    report: dict = {
        "smoke": smoke,
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}",
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "results": {},
    }
    for name in BENCHMARKS:
        if only and name not in only:
            continue
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError:
            continue
        print(f"== {name}", flush=True)
        report["results"][name] = module.main(smoke=smoke)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / ("smoke.json" if smoke else "latest.json")
    out.write_text(json.dumps(report, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
