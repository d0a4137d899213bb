"""Classes: a teacher's board that students join with a code and post runs to.

The class code (8 characters, no look-alikes) grants only joining and
posting; every teacher action needs the teacher key (192 bits), of which
the store keeps only the SHA-256. Display names are stored as typed (after
trimming) and must be shown as plain text. Every query binds its values.
Refusals raise ``ClassError`` with a code the pages translate
(``class.error.<code>``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from dlcore.limits import env_number
from dlcore.runtime.runs import RunRecord
from dlcore.store.db import Database
from dlcore.store.runs import now, stored_run
from dlcore.store.schema import RUNNING, Classroom, Member, Post, Run

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1
CODE_LENGTH = 8  # 32**8 ≈ 1.1e12 codes
TEACHER_KEY_BYTES = 24  # 192 bits
NAME_MAX = 40  # characters
DEFAULT_MAX_MEMBERS = 200
DEFAULT_MAX_POSTS = 50  # per student and class
JOIN_ATTEMPTS = 20  # a join that met a simultaneous one tries again


class ClassError(Exception):
    """A refused class action.

    Args:
        code: ``unknown_class``, ``closed``, ``teacher_key``, ``members_full``,
            ``posts_full``, ``name_empty``, ``name_long``, ``not_member``.
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ClassInfo:
    """A class's settings.

    Attributes:
        code: The join code.
        closed: Whether new posts are refused.
        hide_names: Whether the board shows "Student N" instead of names.
        sweep: The class sweep (controls and values), or None.
        created_at: When the teacher created it.
    """

    code: str
    closed: bool
    hide_names: bool
    sweep: dict[str, Any] | None
    created_at: datetime


@dataclass(frozen=True)
class MemberInfo:
    """A student in a class: their number (1, 2, …) and the name they gave."""

    number: int
    display_name: str


@dataclass(frozen=True)
class PostRequest:
    """A finished run to post to a class board.

    Attributes:
        class_code: The class.
        workspace: The student's workspace (must be a member).
        run_id: The run, written to the store before the post.
        page: The lesson's slug.
        cell: The sweep cell the run was made for, if any.
    """

    class_code: str
    workspace: str
    run_id: str
    page: str
    cell: int | None = None


@dataclass(frozen=True)
class BoardPost:
    """One post as the board draws it.

    Attributes:
        post_id: The post's id (for removal).
        member: The student's number.
        display_name: The name they gave (plain text).
        page: The lesson's slug.
        cell: The sweep cell, if any.
        record: The run (settings, history, result).
        created_at: When it was posted.
    """

    post_id: int
    member: int
    display_name: str
    page: str
    cell: int | None
    record: RunRecord
    created_at: datetime


def max_members() -> int:
    """Students per class: ``DLP_CLASS_MAX_MEMBERS`` (default 200)."""
    return int(env_number("DLP_CLASS_MAX_MEMBERS", DEFAULT_MAX_MEMBERS))


def max_posts() -> int:
    """Posts per student and class: ``DLP_CLASS_MAX_POSTS`` (default 50)."""
    return int(env_number("DLP_CLASS_MAX_POSTS", DEFAULT_MAX_POSTS))


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def normalize_code(raw: str) -> str | None:
    """A typed or linked class code in canonical form, or None if it cannot be one."""
    code = raw.strip().upper().replace("-", "").replace(" ", "")
    if len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code):
        return code
    return None


def clean_name(raw: str) -> str:
    """A display name: trimmed, control characters removed, at most ``NAME_MAX``.

    Raises:
        ClassError: ``name_empty`` or ``name_long``.
    """
    name = "".join(c for c in raw if unicodedata.category(c)[0] != "C").strip()
    if not name:
        raise ClassError("name_empty")
    if len(name) > NAME_MAX:
        raise ClassError("name_long")
    return name


def create_class(db: Database) -> tuple[str, str]:
    """Creates a class.

    Returns:
        ``(code, teacher_key)``: the key is shown to the teacher's browser
        only; the store keeps its hash.
    """
    key = secrets.token_urlsafe(TEACHER_KEY_BYTES)
    for _ in range(10):  # a collision among 1e12 codes is rare; try again if it happens
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with db.session() as session:
                session.add(
                    Classroom(
                        code=code,
                        teacher_hash=_hash(key),
                        closed=False,
                        hide_names=False,
                        sweep=None,
                        next_cell=0,
                        created_at=now(),
                    )
                )
            return code, key
        except IntegrityError:
            continue
    raise RuntimeError("no free class code")


def _info(row: Classroom) -> ClassInfo:
    return ClassInfo(row.code, row.closed, row.hide_names, row.sweep, row.created_at)


def get_class(db: Database, code: str) -> ClassInfo | None:
    """The class's settings, or None if there is no such class."""
    with db.session() as session:
        row = session.get(Classroom, code)
        return _info(row) if row is not None else None


def check_teacher(db: Database, code: str, key: str) -> ClassInfo:
    """The class, if ``key`` is its teacher key.

    Raises:
        ClassError: ``unknown_class`` or ``teacher_key``.
    """
    with db.session() as session:
        row = session.get(Classroom, code)
        if row is None:
            raise ClassError("unknown_class")
        if not hmac.compare_digest(row.teacher_hash, _hash(key)):
            raise ClassError("teacher_key")
        return _info(row)


def join_class(db: Database, code: str, workspace: str, name: str) -> MemberInfo:
    """Joins a workspace to a class under a display name (again: renames).

    Raises:
        ClassError: ``unknown_class``, ``name_empty``, ``name_long``, ``members_full``.
    """
    name = clean_name(name)
    # A class joins within the same second (the link on the projector): two joins
    # may pick the same next number, or one browser may join twice at once. The
    # class row's lock serializes joins on PostgreSQL; SQLite (no row locks) lets
    # the unique constraints refuse the later join, which then tries again.
    for _ in range(JOIN_ATTEMPTS - 1):
        try:
            return _join(db, code, workspace, name)
        except IntegrityError:
            continue
    return _join(db, code, workspace, name)


def _join(db: Database, code: str, workspace: str, name: str) -> MemberInfo:
    with db.session() as session:
        if session.get(Classroom, code, with_for_update=True) is None:
            raise ClassError("unknown_class")
        member = session.scalar(select(Member).where(Member.class_code == code, Member.workspace == workspace))
        if member is not None:
            member.display_name = name
            return MemberInfo(member.number, name)
        count = session.scalar(select(func.count()).select_from(Member).where(Member.class_code == code)) or 0
        if count >= max_members():
            raise ClassError("members_full")
        number = (session.scalar(select(func.max(Member.number)).where(Member.class_code == code)) or 0) + 1
        session.add(Member(class_code=code, workspace=workspace, display_name=name, number=number, joined_at=now()))
        return MemberInfo(number, name)


def membership(db: Database, code: str, workspace: str) -> MemberInfo | None:
    """The workspace's membership of the class, or None."""
    with db.session() as session:
        member = session.scalar(select(Member).where(Member.class_code == code, Member.workspace == workspace))
        return MemberInfo(member.number, member.display_name) if member is not None else None


def post_run(db: Database, request: PostRequest) -> str:
    """Posts a stored run to its class board (posting it again changes nothing).

    Returns:
        ``"posted"``, or why it was refused: ``unknown_class``, ``closed``,
        ``not_member``, ``posts_full``.
    """
    with db.session() as session:
        room = session.get(Classroom, request.class_code)
        if room is None:
            return "unknown_class"
        if room.closed:
            return "closed"
        member = session.scalar(
            select(Member).where(Member.class_code == request.class_code, Member.workspace == request.workspace)
        )
        if member is None:
            return "not_member"
        mine = select(Post).where(Post.class_code == request.class_code, Post.member_id == member.id)
        if session.scalar(mine.where(Post.run_id == request.run_id)) is not None:
            return "posted"
        if (session.scalar(select(func.count()).select_from(mine.subquery())) or 0) >= max_posts():
            return "posts_full"
        session.add(
            Post(
                class_code=request.class_code,
                member_id=member.id,
                run_id=request.run_id,
                page=request.page,
                cell=request.cell,
                created_at=now(),
            )
        )
        return "posted"


def withdraw_post(db: Database, code: str, workspace: str, run_id: str) -> bool:
    """Withdraws the workspace's own post of a run. Returns whether there was one."""
    with db.session() as session:
        member_ids = select(Member.id).where(Member.class_code == code, Member.workspace == workspace)
        result = session.execute(
            delete(Post).where(Post.class_code == code, Post.run_id == run_id, Post.member_id.in_(member_ids))
        )
        return bool(result.rowcount)


def my_posts(db: Database, code: str, workspace: str) -> set[str]:
    """Run ids the workspace has posted to the class."""
    with db.session() as session:
        member_ids = select(Member.id).where(Member.class_code == code, Member.workspace == workspace)
        return set(session.scalars(select(Post.run_id).where(Post.class_code == code, Post.member_id.in_(member_ids))))


def board(db: Database, code: str) -> list[BoardPost]:
    """Every post of the class with its run, oldest first (one query)."""
    query = (
        select(Post, Member, Run)
        .join(Member, Post.member_id == Member.id)
        .join(Run, Post.run_id == Run.id)
        .where(Post.class_code == code, Run.status != RUNNING)
        .order_by(Post.created_at, Post.id)
    )
    with db.session() as session:
        return [
            BoardPost(
                post.id,
                member.number,
                member.display_name,
                post.page,
                post.cell,
                stored_run(run).record,
                post.created_at,
            )
            for post, member, run in session.execute(query)
        ]


def update_class(db: Database, code: str, key: str, **settings: Any) -> ClassInfo:
    """Changes the class's ``closed``, ``hide_names`` or ``sweep`` (a teacher action).

    Raises:
        ClassError: ``unknown_class`` or ``teacher_key``.
    """
    allowed = {"closed", "hide_names", "sweep"}
    if not set(settings) <= allowed:
        raise ValueError(f"not a class setting: {set(settings) - allowed}")
    check_teacher(db, code, key)
    with db.session() as session:
        if "sweep" in settings:
            settings["next_cell"] = 0
        session.execute(update(Classroom).where(Classroom.code == code).values(**settings))
    return check_teacher(db, code, key)


def remove_posts(db: Database, code: str, key: str, post_ids: list[int] | None = None) -> int:
    """Removes posts from the board (the given ones, or all: "clear"); a teacher action.

    Returns:
        How many were removed.

    Raises:
        ClassError: ``unknown_class`` or ``teacher_key``.
    """
    check_teacher(db, code, key)
    query = delete(Post).where(Post.class_code == code)
    if post_ids is not None:
        query = query.where(Post.id.in_(post_ids))
    with db.session() as session:
        return session.execute(query).rowcount or 0


def assign_cell(db: Database, code: str, cells: int) -> int:
    """The next sweep cell, round-robin over ``cells`` (for "next free cell" links).

    Raises:
        ClassError: ``unknown_class``.
    """
    # One atomic UPDATE … RETURNING: concurrent requests (threads, servers) never
    # read the same counter. (SQLite ignores FOR UPDATE and its driver starts the
    # transaction only at the write, so a read-then-write handed a cell out twice.)
    taken = update(Classroom).where(Classroom.code == code).values(next_cell=Classroom.next_cell + 1)
    with db.session() as session:
        counter = session.execute(
            taken.returning(Classroom.next_cell), execution_options={"synchronize_session": False}
        ).scalar()
    if counter is None:
        raise ClassError("unknown_class")
    return (counter - 1) % max(cells, 1)


def members(db: Database, code: str) -> list[MemberInfo]:
    """The class's students, by number."""
    with db.session() as session:
        rows = session.scalars(select(Member).where(Member.class_code == code).order_by(Member.number))
        return [MemberInfo(row.number, row.display_name) for row in rows]
