"""Where the app keeps its own files: one data directory, readable by its owner only.

``data_dir()`` is ``DLP_DATA_DIR`` if set, else ``$XDG_DATA_HOME/dl-playground``
or ``~/.local/share/dl-playground``. Everything the app writes lives below it
(saved models in ``models/``), never in the world-readable temp folder.

Decisions:

- A directory the app creates gets mode 0o700. A data directory that already
  exists (a Docker volume, a folder an administrator prepared) keeps its mode,
  but every subdirectory the app uses (``private_dir``) is set to 0o700 on
  each use, so its files are unreachable for other users whatever the parent.
- Files the app writes there are created 0o600 (``private_file``).
"""

from __future__ import annotations

import os
from pathlib import Path

APP_DIR_NAME = "dl-playground"
DIR_MODE = 0o700
FILE_MODE = 0o600


def data_dir() -> Path:
    """The app's data directory, created (mode 0o700) if missing.

    Returns:
        ``DLP_DATA_DIR``, else ``$XDG_DATA_HOME/dl-playground``, else
        ``~/.local/share/dl-playground``.
    """
    configured = os.environ.get("DLP_DATA_DIR")
    if configured:
        path = Path(configured).expanduser()
    else:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        path = Path(base) / APP_DIR_NAME
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    return path


def private_dir(name: str) -> Path:
    """A subdirectory of ``data_dir()`` that only the app's user can enter.

    Args:
        name: The subdirectory's name, e.g. ``"models"``.

    Returns:
        The directory, created if missing and set to mode 0o700.
    """
    path = data_dir() / name
    path.mkdir(mode=DIR_MODE, exist_ok=True)
    if path.stat().st_mode & 0o777 != DIR_MODE:
        path.chmod(DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Creates ``path`` empty with mode 0o600 unless it exists.

    A writer that then opens the file with ``open(path, "wb")`` truncates it
    and keeps its mode, so the content is never readable by others, even for
    a moment (the process umask does not apply to an existing file).

    Args:
        path: The file.

    Returns:
        ``path``.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return path
    os.close(descriptor)
    return path
