"""Cold start: each page's first render in a fresh server process (AppTest in
a new interpreter), and proof that no page imports TensorFlow there.

Each page is measured twice, each time in a new process: on a fresh install
(an empty data directory: the compute worker must import TensorFlow first)
and after a restart (the same data directory, with the results the first
server computed). ``first`` is the page's first render; ``complete`` the time
until no chart waits for the compute worker any more.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from dlcore.lessons import LESSONS

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys, time
from streamlit.testing.v1 import AppTest
script = sys.argv[1]
at = AppTest.from_file("app.py", default_timeout=120)
if script != "app.py":
    at.switch_page(script)
from dlcore.text import CATALOGUES
warming = {CATALOGUES["en"].get("compute.warming", "(none)")}
started = time.perf_counter()
at.run()
first = time.perf_counter() - started
while warming & {info.value for info in at.info} and time.perf_counter() - started < 120:
    time.sleep(0.25)
    at.run()
complete = time.perf_counter() - started
started = time.perf_counter()
at.run()
second = time.perf_counter() - started
print(json.dumps({"first_ms": 1000 * first, "complete_ms": 1000 * complete, "rerun_ms": 1000 * second,
                  "exception": bool(at.exception), "tensorflow": "tensorflow" in sys.modules,
                  "keras": "keras" in sys.modules}))
"""


def probe(script: str, data_dir: str) -> dict:
    """One page's first render in a new server process using ``data_dir``."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "DLP_WORKERS": "1", "DLP_DATA_DIR": data_dir},
        timeout=600,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(smoke: bool = False) -> dict:
    scripts = ["app.py"] + [lesson.script for lesson in LESSONS if lesson.available and lesson.slug not in {"wine", "overfitting", "classification"}]
    if smoke:
        scripts = scripts[:1]
    rows = {}
    for script in scripts:
        with tempfile.TemporaryDirectory(prefix="dlp-cold-") as data_dir:
            fresh, restart = probe(script, data_dir), probe(script, data_dir)
        rows[script] = {"fresh_install": fresh, "restart": restart}
        print(
            f"{script}: fresh install first render {fresh['first_ms']:.0f} ms (complete {fresh['complete_ms']:.0f}), "
            f"after a restart {restart['first_ms']:.0f} ms (complete {restart['complete_ms']:.0f}), "
            f"rerun {restart['rerun_ms']:.0f} ms, tensorflow imported: {any(r['tensorflow'] or r['keras'] for r in (fresh, restart))}"
        )
    return rows


if __name__ == "__main__":
    main("--smoke" in sys.argv)
