"""The app with ``DLP_DASK_SCHEDULER``: a real scheduler and one TensorFlow
worker started as a school would (``dask scheduler``, ``dask worker
--preload dlcore.runtime.dask_worker``); the wine chart streams live from
the cluster, and the run is recorded in the store."""

from __future__ import annotations

import pickle
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from dlcore.store.db import Database
from dlcore.store.runs import load_runs
from dlcore.store.schema import FINISHED
from dlcore.text import t
from tests.browser.helpers import chromium, require_browser, streamlit_server, wait_for_app
from tests.browser.test_pages_live import live_points, open_wine, set_number
from tests.dask_cluster import CliCluster

pytestmark = [pytest.mark.browser]
EPOCHS = 30


def epochs_on_the_cluster(address: str) -> int:
    """Epoch messages the scheduler relayed from its workers (its event log)."""
    from distributed import Client

    with Client(address, timeout=20) as client:
        events = client.get_events()
    return sum(
        pickle.loads(message["message"])[0] == "epoch"
        for topic, log in events.items()
        if topic.endswith("-events")
        for _, message in log
        if isinstance(message, dict) and "message" in message
    )


def test_wine_trains_on_the_dask_cluster_streams_live_and_is_recorded(tmp_path: Path) -> None:
    require_browser()
    with CliCluster(n_workers=1, keras=True) as cluster:
        env = {"DLP_DASK_SCHEDULER": cluster.address, "DLP_WORKERS": "1", "DLP_DATA_DIR": str(tmp_path)}
        with streamlit_server(env) as server, chromium() as page:
            page.goto(server)
            wait_for_app(page, 120)
            address = cluster.address
            page.get_by_text(t("cluster.on", "en", address=address, workers=1, busy=0, pending=0)[:40]).wait_for(
                timeout=120_000
            )
            open_wine(page, server)
            set_number(page, "Epochs", EPOCHS)
            page.get_by_role("button", name="Train", exact=True).click()
            seen: set[int] = set()
            deadline = time.monotonic() + 240
            while page.get_by_text(f"Finished all {EPOCHS} epochs").count() == 0:
                assert time.monotonic() < deadline, f"the run did not finish; epochs seen: {sorted(seen)}"
                seen.add(live_points(page))
                page.wait_for_timeout(150)
            assert live_points(page) == EPOCHS
            streamed = {n for n in seen if 0 < n < EPOCHS}
            assert len(streamed) >= 3, f"the chart did not stream: {sorted(seen)}"
            assert not page.locator("[data-testid='stException']").count()
            workspace = parse_qs(urlsplit(page.url).query)["ws"][0]
        assert epochs_on_the_cluster(cluster.address) == EPOCHS  # trained there, not on the local pool
    db = Database(f"sqlite:///{tmp_path / 'dlp.sqlite3'}")
    (run,) = load_runs(db, workspace, "wine")
    db.dispose()
    assert run.status == FINISHED and run.record.epochs_run == EPOCHS
