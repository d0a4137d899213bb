"""The tables (SQLAlchemy 2 declarative mapping); Alembic migrations create them.

A run row is written while the run trains and rewritten when it ends, so a
crash keeps the epochs reached. A class post only points at a run: the board
reads the run's settings and curves from the run row, one source of truth.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Run status: "running" rows are rewritten every few epochs; "finished" rows
# (completed, stopped, diverged or failed: see the result) are final;
# "interrupted" rows lost their job (a server restart) and keep their epochs.
RUNNING, FINISHED, INTERRUPTED = "running", "finished", "interrupted"


class Base(DeclarativeBase):
    """The declarative base of every table."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Run(Base):
    """One training run of one workspace on one page."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(64), index=True)
    page: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    meta: Mapped[dict[str, Any]]
    history: Mapped[dict[str, Any]]
    seconds: Mapped[list[Any]]
    result: Mapped[dict[str, Any] | None]
    error: Mapped[dict[str, Any] | None]
    extras: Mapped[dict[str, Any]]
    predictions: Mapped[list[Any]]
    epochs: Mapped[int] = mapped_column(Integer)
    job_id: Mapped[str] = mapped_column(String(64))
    server: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Classroom(Base):
    """A class: its join code, its teacher key's hash and the board settings."""

    __tablename__ = "classes"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    teacher_hash: Mapped[str] = mapped_column(String(64))
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    hide_names: Mapped[bool] = mapped_column(Boolean, default=False)
    sweep: Mapped[dict[str, Any] | None]
    next_cell: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Member(Base):
    """A student (a workspace) in a class, under the name they gave."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("class_code", "workspace"), UniqueConstraint("class_code", "number"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    class_code: Mapped[str] = mapped_column(ForeignKey("classes.code", ondelete="CASCADE"), index=True)
    workspace: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(64))
    number: Mapped[int] = mapped_column(Integer)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Post(Base):
    """A run shown on a class board (a sweep cell's run names its cell)."""

    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("class_code", "run_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    class_code: Mapped[str] = mapped_column(ForeignKey("classes.code", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    page: Mapped[str] = mapped_column(String(32))
    cell: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
