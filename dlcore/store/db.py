"""The database: its URL, its engine and its schema version.

``DLP_DATABASE_URL`` takes any SQLAlchemy URL; a plain
``postgresql://user@host:port/db`` (or ``postgres://``) is served by
psycopg 3. Unset, the store is the SQLite file ``dlp.sqlite3`` in the data
directory (``dlcore.paths``), in WAL mode so the app's readers never wait
for its writer. ``Database.upgrade`` applies the Alembic migrations
(``dlcore/store/migrations``); the app calls it once at start.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from dlcore.paths import data_dir

SQLITE_FILE = "dlp.sqlite3"
MIGRATIONS = Path(__file__).with_name("migrations")
CONNECT_TIMEOUT_SECONDS = 3  # a database that is down is noticed quickly
SQLITE_BUSY_MS = 5000  # a writer waits this long for another one's lock
# Several app servers may start at once against one PostgreSQL: the first
# to take this advisory lock migrates, the others wait and find it done.
MIGRATION_LOCK = 0x444C5031  # "DLP1"


def database_url() -> str:
    """``DLP_DATABASE_URL`` with a plain PostgreSQL scheme mapped to psycopg 3,
    else the embedded SQLite file in the data directory."""
    configured = os.environ.get("DLP_DATABASE_URL", "").strip()
    if not configured:
        return f"sqlite:///{data_dir() / SQLITE_FILE}"
    return driver_url(configured)


def driver_url(url: str) -> str:
    """``url`` with ``postgres://`` and ``postgresql://`` served by psycopg 3.

    Args:
        url: A SQLAlchemy URL.

    Returns:
        The URL to create the engine with (others unchanged).
    """
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def _enable_wal(dbapi_connection, _record) -> None:  # noqa: ANN001 (DBAPI objects)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint; safe with WAL
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite in WAL mode, PostgreSQL with a short
    connect timeout; connections are checked before use, so a database that
    came back is used again without a restart."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000, "check_same_thread": False})
        event.listen(engine, "connect", _enable_wal)
        return engine
    connect_args = {"connect_timeout": CONNECT_TIMEOUT_SECONDS} if parsed.get_backend_name() == "postgresql" else {}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


class Database:
    """An engine and its sessions (thread-safe: share one per process).

    Args:
        url: A SQLAlchemy URL (``driver_url`` is applied).
    """

    def __init__(self, url: str) -> None:
        self.url = driver_url(url)
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        with self._sessions.begin() as session:
            yield session

    def upgrade(self) -> None:
        """Applies the Alembic migrations up to the newest (idempotent)."""
        with self.engine.begin() as connection:
            if self.backend == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def dispose(self) -> None:
        """Closes the pooled connections."""
        self.engine.dispose()
