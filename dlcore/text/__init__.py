"""The text catalogue: every user-facing string, looked up by key.

Each module in this package holds the strings of one page (or of the shared
frame) as ``EN`` (English) and, where translated, ``ZH_TW`` (Traditional
Chinese) dictionaries. They are merged here; a key defined twice is an error.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping

from dlcore.markup import md, md_values

LANGUAGES: dict[str, str] = {"en": "English", "zh-TW": "繁體中文"}
DEFAULT_LANGUAGE = "en"


def _merge(attribute: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        part: Mapping[str, str] = getattr(module, attribute, {})
        clash = merged.keys() & part.keys()
        if clash:
            raise KeyError(f"text keys defined twice: {sorted(clash)}")
        merged.update(part)
    return merged


CATALOGUES: Mapping[str, Mapping[str, str]] = {
    "en": _merge("EN"),
    "zh-TW": _merge("ZH_TW"),
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """Returns the text for ``key`` in ``lang``, formatted with ``values``.

    Args:
        key: Catalogue key, e.g. ``"wine.title"``.
        lang: A key of ``LANGUAGES``; untranslated keys fall back to English.
        **values: Values for the ``{placeholders}`` of the text.

    Returns:
        The formatted text.

    Raises:
        KeyError: If ``key`` is not in the English catalogue.
    """
    catalogue = CATALOGUES.get(lang, CATALOGUES[DEFAULT_LANGUAGE])
    text = catalogue.get(key)
    if text is None:
        text = CATALOGUES[DEFAULT_LANGUAGE][key]
    return text.format(**values) if values else text


def error_text(error: Mapping[str, object] | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """The message for a job's error payload.

    Args:
        error: ``{"key": ..., "values": {...}}`` (a catalogue message) or
            ``{"message": ...}`` (an unexpected exception's text).
        lang: A key of ``LANGUAGES``.

    Returns:
        The text to show (Markdown: the error's own values, which may hold
        a user's column names, stay text).
    """
    error = error or {}
    if "key" in error:
        return t(str(error["key"]), lang, **md_values(dict(error.get("values") or {})))  # type: ignore[call-overload]
    return t("job.failed", lang, message=md(error.get("message", "?")))
