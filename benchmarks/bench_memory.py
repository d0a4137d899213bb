"""Memory: the server process's resident memory after 10 sessions have each
trained 3 runs (AppTest sessions in one process play the server)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from dlcore.runtime.worker import resident_megabytes

ROOT = Path(__file__).resolve().parent.parent


def main(smoke: bool = False) -> dict:
    from streamlit.testing.v1 import AppTest

    from ui.session_jobs import SESSION_WORK_KEY

    sessions, runs = (2, 1) if smoke else (10, 3)
    before = resident_megabytes()
    apps = []
    for _ in range(sessions):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.run()
        at.switch_page("pages/6_wine.py")
        at.run()
        at.number_input(key="epochs").set_value(3).run()
        apps.append(at)
    for _ in range(runs):
        for at in apps:
            at.button(key="train").click().run()
        for at in apps:
            while at.session_state[SESSION_WORK_KEY].busy():
                time.sleep(0.3)
                at.run()
    after = resident_megabytes()
    kept = sum(len(at.session_state[SESSION_WORK_KEY].page("wine").runs) for at in apps)
    print(f"{sessions} sessions × {runs} runs ({kept} runs kept): server RSS {before:.0f} MB → {after:.0f} MB")
    return {"sessions": sessions, "runs_each": runs, "rss_before_mb": before, "rss_after_mb": after, "runs_kept": kept}


if __name__ == "__main__":
    main("--smoke" in sys.argv)
