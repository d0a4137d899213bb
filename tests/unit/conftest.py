"""Store fixtures: the same tests on SQLite and on a real PostgreSQL.

``store_url`` is an empty database of the test's own: a SQLite file in
``tmp_path``, or a fresh database ``t_<uuid>`` on the session's PostgreSQL
server (``postgres_url``), dropped after the test. ``database`` is that
database migrated to the newest schema.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from dlcore.store.db import Database

BACKENDS = ["sqlite", "postgresql"]


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server of ``server_url``, dropped afterwards.

    Args:
        server_url: A plain ``postgresql://`` URL of any database on the server.

    Yields:
        The new database's plain ``postgresql://`` URL.
    """
    name = f"t_{uuid.uuid4().hex}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of the test's own, on SQLite or PostgreSQL (not migrated)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    with fresh_postgres_database(request.getfixturevalue("postgres_url")) as url:
        yield url


@pytest.fixture
def postgres_store_url(postgres_url: str) -> Iterator[str]:
    """An empty PostgreSQL database of the test's own (not migrated), for
    what only PostgreSQL does: several servers and concurrent writers."""
    with fresh_postgres_database(postgres_url) as url:
        yield url


@pytest.fixture
def database(store_url: str) -> Iterator[Database]:
    """The test's database on SQLite or PostgreSQL, migrated to the newest schema."""
    db = Database(store_url)
    db.upgrade()
    yield db
    db.dispose()
