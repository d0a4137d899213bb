"""The board's rows: one per posted run, ranked into leaderboards, and the CSV of every run.

Lower MAE ranks first, higher accuracy ranks first; a run without the
metric (failed before its first epoch) is listed last without a rank.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from dlcore.board.metrics import (
    best_auc,
    best_of,
    group_of,
    higher_is_better,
    metric_curve,
    metric_key,
    model_line,
    model_spec,
    verdict_of,
)
from dlcore.store.classes import BoardPost
from dlcore.text import t

POSTED_PAGES: tuple[str, ...] = ("wine", "overfitting", "classification")
TOP = 3  # runs highlighted on the overlaid curves


# --- the leaderboards -------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    """One posted run as the board shows it.

    Attributes:
        post_id: The post (the teacher removes it by this id).
        member: The student's number in the class.
        name: The display name, or "Student N" when names are hidden (plain text).
        page: The lesson's slug.
        group: The data set it ranks among.
        cell: The sweep cell the student was given, if any.
        model: The model in one line.
        params: Parameter count (None if the settings cannot be read).
        metric: The best validation metric in the board's units, or None.
        best_epoch: Its epoch.
        epochs: Epochs trained.
        auc: Best validation AUC (classification), or None.
        verdict: The diagnosis (``dlcore.diagnosis.VERDICTS``).
        verdict_epoch: The epoch of an over-fitting or unstable verdict.
        curve: The validation metric per epoch.
        meta: The run's settings.
        outcome: How the run ended (``completed``, ``stopped``, ``early_stopping``, ``diverged``, ``failed``).
        posted_at: When it was posted.
        rank: 1, 2, … within its page and group; None without a metric.
    """

    post_id: int
    member: int
    name: str
    page: str
    group: str
    cell: int | None
    model: str
    params: int | None
    metric: float | None
    best_epoch: int | None
    epochs: int
    auc: float | None
    verdict: str
    verdict_epoch: int | None
    curve: tuple[float | None, ...]
    meta: dict[str, Any] = field(repr=False)
    outcome: str
    posted_at: datetime
    rank: int | None = None


def shown_name(post: BoardPost, hide_names: bool, lang: str) -> str:
    """The name the board shows: as typed, or "Student N" when hidden."""
    return t("board.student", lang, number=post.member) if hide_names else post.display_name


def board_row(post: BoardPost, *, hide_names: bool, lang: str) -> BoardRow:
    """One post as a board row (not ranked yet)."""
    record = post.record
    meta = record.meta or {}
    curve = metric_curve(post.page, meta, record.history)
    best = best_of(curve, higher_is_better(post.page))
    verdict, verdict_epoch = verdict_of(post.page, meta, record.history)
    spec = model_spec(meta)
    return BoardRow(
        post_id=post.post_id,
        member=post.member,
        name=shown_name(post, hide_names, lang),
        page=post.page,
        group=group_of(post.page, meta),
        cell=post.cell,
        model=model_line(meta, lang),
        params=spec.param_count() if spec is not None else None,
        metric=best[0] if best else None,
        best_epoch=best[1] if best else None,
        epochs=record.epochs_run,
        auc=best_auc(record.history) if post.page == "classification" else None,
        verdict=verdict,
        verdict_epoch=verdict_epoch,
        curve=tuple(curve),
        meta=meta,
        outcome=record.stop_reason,
        posted_at=post.created_at,
    )


def rank(rows: Sequence[BoardRow]) -> list[BoardRow]:
    """One leaderboard: best metric first (ties: the earlier post), unranked rows last.

    Args:
        rows: Rows of one page and group.

    Returns:
        The rows in order, each with its ``rank``.
    """
    if not rows:
        return []
    higher = higher_is_better(rows[0].page)
    ranked = sorted(
        (r for r in rows if r.metric is not None),
        key=lambda r: (-r.metric if higher else r.metric, r.posted_at, r.post_id),  # type: ignore[operator]
    )
    unranked = sorted((r for r in rows if r.metric is None), key=lambda r: (r.posted_at, r.post_id))
    return [BoardRow(**{**r.__dict__, "rank": i}) for i, r in enumerate(ranked, 1)] + unranked


def leaderboards(posts: Sequence[BoardPost], *, hide_names: bool, lang: str) -> dict[str, dict[str, list[BoardRow]]]:
    """Every leaderboard of a class: page → group → ranked rows.

    Pages come in course order (``POSTED_PAGES``, then any other), groups by
    how many runs they hold (most first).
    """
    by_page: dict[str, dict[str, list[BoardRow]]] = {}
    for post in posts:
        row = board_row(post, hide_names=hide_names, lang=lang)
        by_page.setdefault(row.page, {}).setdefault(row.group, []).append(row)
    order = {page: i for i, page in enumerate(POSTED_PAGES)}
    return {
        page: {group: rank(rows) for group, rows in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0]))}
        for page, groups in sorted(by_page.items(), key=lambda p: (order.get(p[0], len(order)), p[0]))
    }


def all_rows(boards: dict[str, dict[str, list[BoardRow]]]) -> list[BoardRow]:
    """Every row of ``leaderboards`` output, flat."""
    return list(itertools.chain.from_iterable(rows for groups in boards.values() for rows in groups.values()))


# --- the CSV of every run ---------------------------------------------------

CSV_COLUMNS = (
    "student", "number", "lesson", "data", "model", "settings", "epochs", "best_val_mae_points",
    "best_val_mae_scaled", "best_val_accuracy", "best_val_auc", "best_epoch", "diagnosis", "outcome", "posted_at",
)  # fmt: skip


# A text cell starting with one of these is read as a formula by Excel and
# LibreOffice (OWASP "CSV injection"): ``=HYPERLINK(...)`` typed as a name.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> Any:
    """A CSV cell: text that a spreadsheet would run as a formula gets a
    leading single quote (shown as text, and visibly); anything else as it is."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def csv_frame(rows: Sequence[BoardRow], lang: str) -> pd.DataFrame:
    """One row per posted run, oldest post first (the teacher's download).

    ``settings`` is the run's model and training settings as JSON; the
    metric columns are empty where they do not apply. Names are the
    students' own text: a text cell starting with ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return gets a leading ``'`` (``csv_text``), so a
    spreadsheet shows it instead of running it as a formula (OWASP "CSV
    injection").
    """
    records = []
    for row in sorted(rows, key=lambda r: (r.posted_at, r.post_id)):
        key = metric_key(row.page, row.group)
        records.append(
            {
                "student": row.name,
                "number": row.member,
                "lesson": row.page,
                "data": row.group,
                "model": row.model,
                "settings": json.dumps(
                    {"model": row.meta.get("model"), "train": row.meta.get("train")}, sort_keys=True
                ),
                "epochs": row.epochs,
                "best_val_mae_points": row.metric if key == "mae_points" else None,
                "best_val_mae_scaled": row.metric if key == "mae_scaled" else None,
                "best_val_accuracy": row.metric if key == "accuracy" else None,
                "best_val_auc": row.auc,
                "best_epoch": row.best_epoch,
                "diagnosis": t(f"dx.verdict.{row.verdict}", lang, epoch=row.verdict_epoch),
                "outcome": row.outcome,
                "posted_at": row.posted_at.isoformat(timespec="seconds"),
            }
        )
    safe = [{column: csv_text(value) for column, value in record.items()} for record in records]
    return pd.DataFrame(safe, columns=list(CSV_COLUMNS))
