"""Lesson computations kept on disk, so a server restart does not wait for Keras.

The lesson pages ask a worker for small Keras computations (activation curves,
optimizer trajectories, one-neuron fits). Their results depend only on the
task, its settings and the Keras version, so they are kept as JSON files in the
app's data directory (``cache/``), keyed by a SHA-256 of those three. A page
that was shown once is shown again after a restart without waiting for a
worker to import TensorFlow; the numbers still come from Keras, computed
once. At most ``MAX_ENTRIES`` files are kept, the least recently written
dropped first.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
from pathlib import Path
from typing import Any

from dlcore.paths import private_dir, private_file

MAX_ENTRIES = 2000


def keras_version() -> str:
    """The installed Keras's version, read without importing Keras."""
    try:
        return importlib.metadata.version("keras")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


class ResultCache:
    """JSON results of tasks on disk.

    Args:
        directory: Where the files live (default: ``cache/`` in the data directory).
        version: Part of every key (default: the Keras version), so an upgrade
            never serves another version's numbers.
        max_entries: Files kept at most.
    """

    def __init__(self, directory: Path | None = None, version: str | None = None, max_entries: int = MAX_ENTRIES):
        self.directory = directory or private_dir("cache")
        self.version = version or keras_version()
        self.max_entries = max_entries

    def path(self, task: str, payload_json: str) -> Path:
        """The file of one task and its settings."""
        digest = hashlib.sha256(f"{self.version}\n{task}\n{payload_json}".encode()).hexdigest()
        return self.directory / f"{digest}.json"

    def get(self, task: str, payload_json: str) -> dict[str, Any] | None:
        """The kept result, or None (never computed, unreadable or damaged)."""
        try:
            return json.loads(self.path(task, payload_json).read_text())
        except (OSError, ValueError):
            return None

    def put(self, task: str, payload_json: str, result: dict[str, Any]) -> bool:
        """Keeps a result. Returns False when it is not plain JSON (not kept)."""
        try:
            text = json.dumps(result, allow_nan=True)
        except (TypeError, ValueError):
            return False
        target = self.path(task, payload_json)
        partial = private_file(target.with_suffix(f".{os.getpid()}.part"))
        partial.write_text(text)
        partial.replace(target)  # atomic: a reader sees the old file or the whole new one
        self.prune()
        return True

    def prune(self) -> int:
        """Deletes all but the newest ``max_entries`` files. Returns how many went."""
        files = sorted(self.directory.glob("*.json"), key=_mtime, reverse=True)
        for old in files[self.max_entries :]:
            old.unlink(missing_ok=True)
        return max(0, len(files) - self.max_entries)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
