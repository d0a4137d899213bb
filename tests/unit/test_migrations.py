"""The store's schema under Alembic, on SQLite and a real PostgreSQL: from an
empty database ``upgrade()`` builds exactly the mapped tables, again changes
nothing, down and up again works, and two servers may migrate at once. The
references are SQLAlchemy's inspector, Alembic's own autogenerate comparison
and its script directory, never the store's code."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from dlcore.store.db import MIGRATIONS, Database, database_url, driver_url, safe_url
from dlcore.store.schema import Base

ALL_TABLES = {*Base.metadata.tables, "alembic_version"}


def alembic_config(connection) -> Config:  # noqa: ANN001 (a SQLAlchemy connection)
    """Alembic's config on an open connection, as ``Database.upgrade`` builds it."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision, read from the migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def tables(db: Database) -> set[str]:
    return set(inspect(db.engine).get_table_names())


def version(db: Database) -> list[str]:
    with db.engine.connect() as connection:
        return [row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))]


def schema_differences(db: Database) -> list:
    """What Alembic's autogenerate finds between the database and the mapped tables."""
    with db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def test_upgrade_from_empty_builds_exactly_the_mapped_schema(store_url: str) -> None:
    db = Database(store_url)
    try:
        assert tables(db) == set()
        db.upgrade()
        assert tables(db) == ALL_TABLES
        assert {"runs", "classes", "members", "posts"} <= ALL_TABLES
        for name, table in Base.metadata.tables.items():
            assert {c["name"] for c in inspect(db.engine).get_columns(name)} == set(table.columns.keys()), name
        assert schema_differences(db) == []
        assert version(db) == [head()]
    finally:
        db.dispose()


def test_upgrade_twice_is_harmless_and_keeps_the_data(store_url: str) -> None:
    db = Database(store_url)
    try:
        db.upgrade()
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO classes (code, teacher_hash, closed, hide_names, next_cell, created_at)"
                    " VALUES ('ABCDEFGH', 'h', false, false, 0, :at)"
                ),
                {"at": datetime.now(UTC)},
            )
        db.upgrade()
        Database(store_url).upgrade()  # a second server starting later
        assert tables(db) == ALL_TABLES
        assert version(db) == [head()]
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT code FROM classes")).scalars().all() == ["ABCDEFGH"]
    finally:
        db.dispose()


def test_downgrade_to_base_then_upgrade_again(store_url: str) -> None:
    db = Database(store_url)
    try:
        db.upgrade()
        with db.engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
        assert tables(db) == {"alembic_version"}  # Alembic keeps its version table, empty
        assert version(db) == []
        with db.engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
        assert tables(db) == ALL_TABLES
        assert schema_differences(db) == []
        assert version(db) == [head()]
    finally:
        db.dispose()


def test_two_servers_migrating_at_once_both_succeed(postgres_store_url: str) -> None:
    """Two app servers started together against one PostgreSQL: the advisory
    lock lets one migrate while the other waits and then finds it done."""
    servers = [Database(postgres_store_url) for _ in range(2)]
    start = threading.Barrier(len(servers))
    errors: list[BaseException] = []

    def migrate(db: Database) -> None:
        start.wait()
        try:
            db.upgrade()
        except BaseException as error:  # noqa: BLE001 (reported by the test)
            errors.append(error)

    threads = [threading.Thread(target=migrate, args=(db,)) for db in servers]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors, errors
        assert tables(servers[0]) == ALL_TABLES
        assert version(servers[1]) == [head()]
    finally:
        for db in servers:
            db.dispose()


def test_sqlite_store_is_in_wal_mode(tmp_path) -> None:  # noqa: ANN001 (pytest's tmp_path)
    db = Database(f"sqlite:///{tmp_path / 'nested' / 'store.sqlite3'}")
    try:
        db.upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert (tmp_path / "nested" / "store.sqlite3").exists()
    finally:
        db.dispose()


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ("postgresql://u@db.example:5432/dlp", "postgresql+psycopg://u@db.example:5432/dlp"),
        ("postgres://u:pw@db.example/dlp", "postgresql+psycopg://u:pw@db.example/dlp"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg2://u@h/d", "postgresql+psycopg2://u@h/d"),
        ("sqlite:////tmp/x.sqlite3", "sqlite:////tmp/x.sqlite3"),
    ],
)
def test_plain_postgres_urls_are_served_by_psycopg3(configured: str, expected: str) -> None:
    assert driver_url(configured) == expected


def test_database_url_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setenv("DLP_DATABASE_URL", "  postgres://teacher:s3cret@db.example:5433/class  ")
    assert database_url() == "postgresql+psycopg://teacher:s3cret@db.example:5433/class"
    db = Database("postgres://teacher:s3cret@db.example:5433/class")  # no connection is made yet
    assert db.engine.dialect.name == "postgresql" and db.engine.dialect.driver == "psycopg"
    shown = safe_url(db.url)
    assert "s3cret" not in shown and "teacher" in shown and "db.example:5433/class" in shown
    db.dispose()

    monkeypatch.setenv("DLP_DATABASE_URL", "")
    monkeypatch.setenv("DLP_DATA_DIR", str(tmp_path))
    assert database_url() == f"sqlite:///{tmp_path / 'dlp.sqlite3'}"
