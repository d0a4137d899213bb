"""Saved models: in the app's own data folder, owner-only, within a byte budget."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from dlcore import paths
from dlcore.runtime import model_store
from dlcore.runtime.model_store import model_path, new_model_id, prune, read_model, saved_model
from dlcore.runtime.tasks import Task
from dlcore.spec import ModelSpec, TrainConfig, to_dict

MB = 1_000_000


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder of its own, with the umask most systems use."""
    monkeypatch.setenv("DLP_DATA_DIR", str(tmp_path / "data"))
    old = os.umask(0o022)
    yield tmp_path / "data"
    os.umask(old)


def test_data_dir_from_the_environment_else_xdg_else_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DLP_DATA_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert paths.data_dir() == tmp_path / "home" / ".local" / "share" / "dl-playground"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert paths.data_dir() == tmp_path / "xdg" / "dl-playground"
    monkeypatch.setenv("DLP_DATA_DIR", str(tmp_path / "mine"))
    assert paths.data_dir() == tmp_path / "mine"
    for created in (tmp_path / "home" / ".local" / "share" / "dl-playground", tmp_path / "xdg" / "dl-playground", tmp_path / "mine"):
        assert mode(created) == 0o700


def test_tests_never_write_to_the_real_home() -> None:
    assert Path(os.environ["DLP_DATA_DIR"]).resolve() != (Path.home() / ".local" / "share" / "dl-playground").resolve()
    assert model_store.model_dir().is_relative_to(os.environ["DLP_DATA_DIR"])


def test_model_files_are_owner_only_from_their_creation(store: Path) -> None:
    (store / "models").mkdir(parents=True, mode=0o755)  # e.g. left by an older version
    os.chmod(store / "models", 0o755)
    path = model_path(new_model_id())
    assert path.parent == store / "models"
    assert mode(store / "models") == 0o700
    assert mode(path) == 0o600 and path.stat().st_size == 0
    with open(path, "wb") as file:  # as Keras writes a .keras file
        file.write(b"PK model bytes")
    assert mode(path) == 0o600
    assert not str(path).startswith("/tmp/dl-playground-models")


def test_an_empty_or_missing_file_is_no_model(store: Path) -> None:
    model_id = new_model_id()
    model_path(model_id)  # created, not written yet
    assert saved_model(model_id) is None and read_model(model_id) is None
    model_path(model_id).write_bytes(b"x" * 10)
    assert saved_model(model_id) == store / "models" / f"{model_id}.keras"
    assert read_model(model_id) == b"x" * 10
    assert saved_model("../../etc/passwd") is None and read_model("not-an-id") is None
    with pytest.raises(ValueError):
        model_path("../escape")


def make_models(sizes_mb: list[float], ages_s: list[float]) -> list[str]:
    """Writes models of the given sizes, each ``age`` seconds old; returns their ids."""
    ids = []
    now = time.time()
    for size, age in zip(sizes_mb, ages_s, strict=True):
        model_id = new_model_id()
        path = model_path(model_id)
        path.write_bytes(b"\0" * int(size * MB))
        os.utime(path, (now - age, now - age))
        ids.append(model_id)
    return ids


def kept(ids: list[str]) -> list[bool]:
    return [saved_model(i) is not None for i in ids]


def test_byte_cap_keeps_the_newest_that_fit_and_drops_the_oldest(store: Path) -> None:
    # Newest first: 3 + 4 = 7 MB fit in 8 MB; the 2 MB one would too, but it
    # is older than one that did not fit, so it goes as well (oldest first).
    ids = make_models([3, 4, 5, 0.5], [10, 20, 30, 40])
    assert prune(max_bytes=8 * MB) == 2
    assert kept(ids) == [True, True, False, False]
    assert model_store.store_bytes() == 7 * MB


def test_byte_cap_from_the_environment_in_megabytes(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert model_store.store_limit_bytes() == 2_000_000_000  # the default: 2,000 MB
    monkeypatch.setenv("DLP_MODEL_STORE_MB", "2.5")
    assert model_store.store_limit_bytes() == 2_500_000
    ids = make_models([1, 1, 1], [1, 2, 3])
    prune()
    assert kept(ids) == [True, True, False]
    monkeypatch.setenv("DLP_MODEL_STORE_MB", "lots")
    assert model_store.store_limit_bytes() == 2_000_000_000


def test_age_rule_from_the_environment(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert model_store.max_age_seconds() == 6 * 3600
    ids = make_models([0.1, 0.1, 0.1], [60, 2 * 3600, 7 * 3600])
    prune()
    assert kept(ids) == [True, True, False]
    monkeypatch.setenv("DLP_MODEL_MAX_HOURS", "1")
    prune()
    assert kept(ids) == [True, False, False]


def test_count_cap(store: Path) -> None:
    ids = make_models([0.01] * 5, [5, 4, 3, 2, 1])
    prune(max_files=2)
    assert kept(ids) == [False, False, False, True, True]


def test_a_trained_model_is_saved_owner_only(run_task) -> None:
    model_id = new_model_id()
    payload = {
        "model": to_dict(ModelSpec(11, units=(4,))),
        "train": to_dict(TrainConfig(epochs=1)),
        "data": {"dataset": "wine"},
        "model_id": model_id,
    }
    run_task(Task.TRAIN, payload)
    path = saved_model(model_id)
    assert path is not None and path.parent == Path(os.environ["DLP_DATA_DIR"]) / "models"
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert path.read_bytes()[:2] == b"PK"  # a .keras file is a zip archive
