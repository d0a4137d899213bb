"""The PostgreSQL fixtures run a real server: it answers SQL, a stopped server
refuses connections, and a restarted one still has its data."""

from __future__ import annotations

import psycopg
import pytest

from tests.conftest import require_postgres
from tests.postgres import PostgresServer

CONNECT_TIMEOUT = 5  # seconds; a refused connection fails at once


def test_session_database_is_real_postgres(postgres_url: str) -> None:
    assert postgres_url.startswith("postgresql://postgres@127.0.0.1:")
    assert postgres_url.endswith("/dlp")
    with psycopg.connect(postgres_url, connect_timeout=CONNECT_TIMEOUT) as conn:
        assert "PostgreSQL" in conn.execute("SELECT version()").fetchone()[0]
        assert conn.execute("SELECT current_database()").fetchone()[0] == "dlp"


def test_stopped_server_refuses_and_restart_keeps_data(postgres_server: PostgresServer) -> None:
    url, port = postgres_server.url, postgres_server.port
    with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT) as conn:
        conn.execute("CREATE TABLE kept (value text)")
        conn.execute("INSERT INTO kept VALUES ('before the stop')")

    postgres_server.stop()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT)

    postgres_server.start()
    assert (postgres_server.url, postgres_server.port) == (url, port)
    with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT) as conn:
        assert conn.execute("SELECT value FROM kept").fetchall() == [("before the stop",)]

    postgres_server.restart()
    with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT) as conn:
        assert conn.execute("SELECT count(*) FROM kept").fetchone()[0] == 1


def test_open_connection_ends_on_stop(postgres_server: PostgresServer) -> None:
    """A fast stop ends open sessions, so the app sees a dropped connection, not a hang."""
    conn = psycopg.connect(postgres_server.url, connect_timeout=CONNECT_TIMEOUT, autocommit=True)
    try:
        postgres_server.stop()
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    finally:
        conn.close()


def test_close_removes_the_directory() -> None:
    require_postgres()
    with PostgresServer() as server:
        directory = server.directory
        assert directory is not None and (directory / "PG_VERSION").exists()
    assert not directory.exists()
    assert server.directory is None and not server.running
