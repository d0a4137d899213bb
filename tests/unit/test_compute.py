"""Lesson computations: kept on disk across restarts, and never holding up a
page while the compute worker starts."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from dlcore.runtime.result_cache import ResultCache, keras_version
from ui import compute as compute_module

TASK = "lessons.activations.tasks:run_curves"


def test_results_are_kept_by_task_settings_and_version(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, version="3.15.1")
    payload = json.dumps({"names": ["relu"]})
    assert cache.get(TASK, payload) is None
    assert cache.put(TASK, payload, {"y": [0.0, 1.5, float("inf")]})
    assert cache.get(TASK, payload) == {"y": [0.0, 1.5, float("inf")]}
    assert cache.get(TASK, json.dumps({"names": ["tanh"]})) is None, "other settings, other result"
    assert ResultCache(tmp_path, version="3.16.0").get(TASK, payload) is None, "another Keras never reuses it"
    (kept,) = tmp_path.glob("*.json")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_results_that_are_not_json_are_not_kept(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, version="x")
    assert not cache.put(TASK, "{}", {"values": object()})
    assert not list(tmp_path.iterdir())


def test_damaged_file_reads_as_missing(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, version="x")
    cache.path(TASK, "{}").write_text('{"y": [1, 2')
    assert cache.get(TASK, "{}") is None


def test_oldest_results_go_first(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, version="x", max_entries=3)
    for i in range(5):
        cache.put(TASK, json.dumps({"i": i}), {"i": i})
        os.utime(cache.path(TASK, json.dumps({"i": i})), (1000 + i, 1000 + i))
    cache.prune()
    assert sorted(json.loads(p.read_text())["i"] for p in tmp_path.glob("*.json")) == [2, 3, 4]


def test_version_is_the_installed_keras_without_importing_it() -> None:
    from importlib.metadata import version

    assert keras_version() == version("keras")


def test_starting_worker_is_reported_not_waited_for(cold: ResultCache) -> None:
    with pytest.raises(compute_module.ComputeWarming):
        compute_module.compute(TASK, {"names": ["relu"]})


def test_result_kept_on_disk_needs_no_worker(cold: ResultCache) -> None:
    cold.put(TASK, json.dumps({"names": ["relu"]}, sort_keys=True), {"y": [1.0]})
    assert compute_module.compute(TASK, {"names": ["relu"]}) == {"y": [1.0]}
