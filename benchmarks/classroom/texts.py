"""What the classroom benchmark reads on the pages: the catalogue texts as patterns."""

from __future__ import annotations

import re
import string

from dlcore.text import CATALOGUES, t


def _template_regex(template: str) -> re.Pattern[str]:
    """A regex for a catalogue template: each ``{field}`` matches anything,
    ``{epoch}``/``{ready}``/``{total}`` capture a number."""
    parts = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(rf"(?P<{name}>\d+)" if name in ("epoch", "ready", "total") else r".*?")
    return re.compile("".join(parts) + "$", re.S)


PROGRESS = _template_regex(t("train.progress"))
WORKERS_READY = _template_regex(t("home.workers"))


def _outcome_patterns() -> dict[str, re.Pattern[str]]:
    """How a run's end reads on the page: ``ui.live.outcome_message`` shows an
    ``outcome.*`` text, or a ``job.*`` error text when the run has no result."""
    en = CATALOGUES["en"]
    keys = [k for k in en if k.startswith(("outcome.", "job."))]
    return {k: _template_regex(en[k]) for k in keys}


OUTCOMES = _outcome_patterns()


def outcome_key(body: str) -> str | None:
    """The catalogue key an alert's text was made from (outcome.*/job.*), if any."""
    for key, pattern in OUTCOMES.items():
        if pattern.match(body):
            return key
    return None

