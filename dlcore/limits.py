"""The app's limits: one unit, read from the environment where configurable.

One megabyte is 1,000,000 bytes everywhere in the app, as Streamlit's upload
widget counts ``server.maxUploadSize`` in the browser (``1e3``-based on Linux
and macOS), so the label, dlcore's check and Streamlit's refusal agree to the
byte. The README's "Security and limits" section lists every limit.
"""

from __future__ import annotations

import os

MB = 1_000_000  # bytes
MAX_UPLOAD_MB = 10  # = server.maxUploadSize in .streamlit/config.toml
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * MB


def env_float(name: str, default: float) -> float:
    """Any number from the environment variable ``name`` (zero and negative too).

    Args:
        name: The variable, e.g. ``"DLP_WORKER_NICE"``.
        default: Used when the variable is unset or not a number.

    Returns:
        The number.
    """
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def env_number(name: str, default: float) -> float:
    """A positive number from the environment variable ``name``.

    Args:
        name: The variable, e.g. ``"DLP_MODEL_STORE_MB"``.
        default: Used when the variable is unset, not a number, or not > 0.

    Returns:
        The number.
    """
    value = env_float(name, default)
    return value if value > 0 else default
