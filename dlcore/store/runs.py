"""A workspace's runs in the store: write (upsert), list, delete, cap.

A workspace is an anonymous browser's unguessable id (``new_workspace_id``);
it names its runs and nothing else. ``RunWrite`` is one run's whole state
at a moment, so writing it twice is harmless and the newest write wins.

JSON has no NaN or infinity, and PostgreSQL refuses them, yet a diverged run
reports exactly those losses: every non-finite number is written as null
(on SQLite too, so both stores read back alike), and the float lists of a
run (history, seconds, predictions) read null back as NaN, so a diverged
curve still ends where it diverged (an infinity reads back as NaN).
"""

from __future__ import annotations

import math
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select

from dlcore.limits import env_number
from dlcore.runtime.runs import RunRecord
from dlcore.store.db import Database
from dlcore.store.schema import INTERRUPTED, RUNNING, Post, Run

# 24 random bytes: 192 bits, 32 URL-safe characters.
WORKSPACE_BYTES = 24
WORKSPACE_ID = re.compile(r"^[A-Za-z0-9_-]{32}$")
DEFAULT_WORKSPACE_RUNS = 200
# One id per server process: a running row names the server whose pool holds its job.
SERVER_ID = uuid.uuid4().hex


def new_workspace_id() -> str:
    """A fresh workspace id: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(WORKSPACE_BYTES)


def is_workspace_id(value: str) -> bool:
    """Whether ``value`` has the form of a workspace id (anything else is ignored)."""
    return bool(WORKSPACE_ID.match(value))


def new_run_id() -> str:
    """A fresh run id (the store's primary key)."""
    return uuid.uuid4().hex


def workspace_cap() -> int:
    """Runs one workspace keeps, all pages together: ``DLP_WORKSPACE_RUNS`` (default 200)."""
    return int(env_number("DLP_WORKSPACE_RUNS", DEFAULT_WORKSPACE_RUNS))


def now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class RunWrite:
    """One run's whole state, to be written.

    Attributes:
        run_id: The run's id (``new_run_id``).
        workspace: The owner's workspace id.
        page: The lesson's slug.
        status: ``RUNNING``, ``FINISHED`` or ``INTERRUPTED``.
        record: The run so far (history, result, …) with its number.
        job_id: The executor's job id ("" once finished).
        started_at: When the run was submitted.
        server: The server process that holds the job.
    """

    run_id: str
    workspace: str
    page: str
    status: str
    record: RunRecord
    job_id: str
    started_at: datetime
    server: str = SERVER_ID


@dataclass(frozen=True)
class StoredRun:
    """A run as read back.

    Attributes:
        run_id: The run's id.
        page: The lesson's slug.
        status: ``RUNNING``, ``FINISHED`` or ``INTERRUPTED``.
        record: The run (history, result, …).
        job_id: The executor's job id of a running run.
        server: The server process that wrote it last.
        created_at: When it started.
        updated_at: When it was last written.
    """

    run_id: str
    page: str
    status: str
    record: RunRecord
    job_id: str
    server: str
    created_at: datetime
    updated_at: datetime


def write_run(db: Database, write: RunWrite) -> None:
    """Inserts or replaces a run row (one transaction).

    Args:
        db: The database.
        write: The run's state.
    """
    with db.session() as session:
        session.merge(_row(write))


def json_safe(value: Any) -> Any:
    """``value`` with every non-finite float (NaN, ±inf) replaced by None, in
    nested dicts and lists too: JSON cannot hold them."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


def _floats(values: Any) -> Any:
    """A stored float list (or list of lists) with null read back as NaN."""
    if isinstance(values, list):
        return [math.nan if item is None else _floats(item) for item in values]
    return values


def _row(write: RunWrite) -> Run:
    record = write.record
    return Run(
        id=write.run_id,
        workspace=write.workspace,
        page=write.page,
        number=record.number,
        status=write.status,
        meta=json_safe(record.meta),
        history=json_safe(record.history),
        seconds=json_safe(record.seconds),
        result=json_safe(record.result),
        error=json_safe(record.error),
        extras=json_safe(record.extras),
        predictions=json_safe(record.predictions),
        epochs=record.epochs_run,
        job_id=write.job_id,
        server=write.server,
        created_at=write.started_at,
        updated_at=now(),
    )


def stored_run(row: Run) -> StoredRun:
    """A row as a ``StoredRun``."""
    record = RunRecord(
        number=row.number,
        meta=row.meta,
        history={metric: _floats(values) for metric, values in row.history.items()},
        result=row.result,
        predictions=_floats(row.predictions),
        error=row.error,
        seconds=_floats(row.seconds),
        extras=row.extras,
        run_id=row.id,
    )
    updated = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=UTC)
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return StoredRun(row.id, row.page, row.status, record, row.job_id, row.server, created, updated)


def load_runs(db: Database, workspace: str, page: str | None = None) -> list[StoredRun]:
    """A workspace's runs, oldest first (one page's, or all).

    Args:
        db: The database.
        workspace: The workspace id.
        page: A lesson's slug, or None for every page.

    Returns:
        The runs.
    """
    query = select(Run).where(Run.workspace == workspace)
    if page is not None:
        query = query.where(Run.page == page)
    with db.session() as session:
        return [stored_run(row) for row in session.scalars(query.order_by(Run.created_at, Run.number))]


def mark_interrupted(db: Database, run_ids: list[str]) -> None:
    """Marks running rows whose job is gone as interrupted (their epochs stay)."""
    if not run_ids:
        return
    with db.session() as session:
        for row in session.scalars(select(Run).where(Run.id.in_(run_ids), Run.status == RUNNING)):
            row.status, row.job_id = INTERRUPTED, ""


def delete_runs(db: Database, workspace: str, run_ids: list[str] | None = None) -> int:
    """Deletes a workspace's runs (the given ones, or all) and their class posts.

    Args:
        db: The database.
        workspace: The owner's workspace id: only its own runs are touched.
        run_ids: The runs to delete; None deletes every run of the workspace.

    Returns:
        How many runs were deleted.
    """
    owned = select(Run.id).where(Run.workspace == workspace)
    if run_ids is not None:
        owned = owned.where(Run.id.in_(run_ids))
    with db.session() as session:
        ids = list(session.scalars(owned))
        if not ids:
            return 0
        session.execute(delete(Post).where(Post.run_id.in_(ids)))
        session.execute(delete(Run).where(Run.id.in_(ids)))
        return len(ids)


def enforce_cap(db: Database, workspace: str, cap: int) -> list[str]:
    """Drops a workspace's oldest finished runs beyond ``cap`` (running ones stay).

    Returns:
        The ids of the runs dropped.
    """
    with db.session() as session:
        count = session.scalar(select(func.count()).select_from(Run).where(Run.workspace == workspace)) or 0
        if count <= cap:
            return []
        oldest = list(
            session.scalars(
                select(Run.id)
                .where(Run.workspace == workspace, Run.status != RUNNING)
                .order_by(Run.created_at, Run.number)
                .limit(count - cap)
            )
        )
    delete_runs(db, workspace, oldest)
    return oldest
