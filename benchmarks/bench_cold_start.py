"""Cold start: each page's first render in a fresh server process (AppTest in
a new interpreter), and proof that no page imports TensorFlow there."""

from __future__ import annotations

import json
import subprocess
import sys
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
started = time.perf_counter()
at.run()
first = time.perf_counter() - started
started = time.perf_counter()
at.run()
second = time.perf_counter() - started
print(json.dumps({"first_ms": 1000 * first, "rerun_ms": 1000 * second, "exception": bool(at.exception),
                  "tensorflow": "tensorflow" in sys.modules, "keras": "keras" in sys.modules}))
"""


def main(smoke: bool = False) -> dict:
    scripts = ["app.py"] + [lesson.script for lesson in LESSONS if lesson.available and lesson.slug not in {"wine", "overfitting", "classification"}]
    if smoke:
        scripts = scripts[:2]
    rows = {}
    for script in scripts:
        proc = subprocess.run(
            [sys.executable, "-c", PROBE, script],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "DLP_WORKERS": "1"},
            timeout=600,
        )
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        rows[script] = row
        print(
            f"{script}: first render {row['first_ms']:.0f} ms, rerun {row['rerun_ms']:.0f} ms, "
            f"tensorflow imported: {row['tensorflow'] or row['keras']}"
        )
    return rows


if __name__ == "__main__":
    main("--smoke" in sys.argv)
