"""A real, throw-away PostgreSQL server for tests.

``PostgresServer`` runs Debian's PostgreSQL binaries (``/usr/lib/postgresql/<ver>/bin``,
the newest version present) in a fresh temporary directory that holds the data,
the server log (``log``) and the Unix socket, listening on 127.0.0.1 and a free
TCP port. PostgreSQL refuses to run as root, so as root the directory belongs to
the ``postgres`` user and the server commands run through ``runuser``; otherwise
they run as the current user.

Example:
    with PostgresServer() as server:
        psycopg.connect(server.url)
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

PG_ROOT = Path("/usr/lib/postgresql")
DATABASE = "dlp"
SUPERUSER = "postgres"
OS_USER = "postgres"  # the account that owns the server when the tests run as root
START_TIMEOUT = 60  # seconds pg_ctl waits for the server to accept connections
LOG_TAIL = 3000  # characters of the server log quoted in errors


def _bin_dir() -> Path | None:
    """The ``bin`` directory of the newest installed PostgreSQL, or None."""
    versions = []
    for initdb in PG_ROOT.glob("*/bin/initdb"):
        version = initdb.parent.parent.name
        try:
            key = tuple(int(part) for part in version.split("."))
        except ValueError:
            continue
        versions.append((key, initdb.parent))
    return max(versions)[1] if versions else None


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_root() -> bool:
    return os.geteuid() == 0


class PostgresServerError(RuntimeError):
    """A server command failed; the message quotes its output and the server log."""


class PostgresServer:
    """A PostgreSQL server in its own temporary directory, for one test or session.

    The database ``dlp`` exists after the first ``start()``. ``stop()`` and
    ``restart()`` keep the directory and the port, so a test can take the
    database down and bring it back with its data; ``close()`` removes everything.

    Attributes:
        port: The TCP port on 127.0.0.1 (fixed for the object's lifetime).
        directory: The data directory (also holds ``log`` and the socket), None once closed.
    """

    def __init__(self) -> None:
        bin_dir = _bin_dir()
        if bin_dir is None or not self.available():
            raise PostgresServerError(
                f"PostgreSQL is not installed (no {PG_ROOT}/<version>/bin/initdb"
                + (", or no runuser / 'postgres' user for running it as root" if _as_root() else "")
                + "); on Debian: apt-get install postgresql"
            )
        self._bin = bin_dir
        self.port = _free_port()
        self.directory: Path | None = None
        self.running = False
        self._created = False

    @classmethod
    def available(cls) -> bool:
        """Whether a server can be run here: the binaries exist, and as root also
        ``runuser`` and the ``postgres`` user.

        Returns:
            True if ``PostgresServer()`` can start a server.
        """
        bin_dir = _bin_dir()
        if bin_dir is None or not all((bin_dir / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            return False
        if _as_root():
            if shutil.which("runuser") is None:
                return False
            try:
                pwd.getpwnam(OS_USER)
            except KeyError:
                return False
        return True

    @property
    def url(self) -> str:
        """The database URL, ``postgresql://postgres@127.0.0.1:PORT/dlp`` (plain scheme, no driver)."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def log_path(self) -> Path | None:
        """The server's log file (None once closed)."""
        return self.directory / "log" if self.directory is not None else None

    def start(self) -> None:
        """Starts the server; the first start creates the cluster and the database ``dlp``.

        Raises:
            PostgresServerError: initdb, pg_ctl or createdb failed (with the server log's tail).
        """
        if self.running:
            return
        if self.directory is None:
            self.directory = self._make_directory()
            self._server_command("initdb", "-D", str(self.directory), "-A", "trust", "-U", SUPERUSER, "-E", "UTF8",
                                 "--no-locale")
        for attempt in range(3):
            try:
                self._pg_ctl_start()
                break
            except PostgresServerError as exc:
                # Another process took the free port between our check and the bind: on the
                # first start (nobody knows the URL yet) a new port is fine.
                if self._created or attempt == 2 or "could not bind" not in str(exc):
                    raise
                self.port = _free_port()
        self.running = True
        if not self._created:
            self._client_command("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, DATABASE)
            self._created = True

    def _pg_ctl_start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self._server_command("pg_ctl", "-D", str(self.directory), "-l", str(self.log_path), "-w",
                             "-t", str(START_TIMEOUT), "-o", options, "start")

    def stop(self) -> None:
        """Stops the server (fast shutdown: open connections are ended); data and port are kept.

        Raises:
            PostgresServerError: pg_ctl could not stop it.
        """
        if not self.running or self.directory is None:
            return
        self._server_command("pg_ctl", "-D", str(self.directory), "-m", "fast", "-w", "stop")
        self.running = False

    def restart(self) -> None:
        """Stops the server if it runs, then starts it again on the same port with the same data."""
        self.stop()
        self.start()

    def close(self) -> None:
        """Stops the server and deletes its directory (also after a failed start)."""
        if self.directory is None:
            return
        if self.running or (self.directory / "postmaster.pid").exists():
            try:
                self._server_command("pg_ctl", "-D", str(self.directory), "-m", "fast", "-w", "stop")
            except PostgresServerError:
                # A stale pid file (nothing to stop) or a stuck server: try harder, then remove anyway.
                try:
                    self._server_command("pg_ctl", "-D", str(self.directory), "-m", "immediate", "-w", "stop")
                except PostgresServerError:
                    pass
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory = None
        self.running = False

    def __enter__(self) -> PostgresServer:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"PostgresServer({self.url}, {state}, {self.directory})"

    def log_tail(self) -> str:
        """The last characters of the server log ("" if there is none yet)."""
        try:
            return self.log_path.read_text(errors="replace")[-LOG_TAIL:] if self.log_path else ""
        except OSError:
            return ""

    def _make_directory(self) -> Path:
        directory = Path(tempfile.mkdtemp(prefix="dlp-pg-"))
        if _as_root():
            user = pwd.getpwnam(OS_USER)
            os.chown(directory, user.pw_uid, user.pw_gid)
        return directory

    def _server_command(self, name: str, *args: str) -> None:
        """Runs a server binary, as the ``postgres`` user when we are root."""
        command = [str(self._bin / name), *args]
        if _as_root():
            command = ["runuser", "-u", OS_USER, "--", *command]
        self._run(command)

    def _client_command(self, name: str, *args: str) -> None:
        self._run([str(self._bin / name), *args])

    def _run(self, command: list[str]) -> None:
        # cwd: the postgres user may not be allowed into the test's working directory.
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        started = time.monotonic()
        try:
            proc = subprocess.run(command, cwd=self.directory, env=env, capture_output=True, text=True,
                                  timeout=START_TIMEOUT + 30, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PostgresServerError(self._describe(command, f"timed out after {exc.timeout} s", "")) from None
        if proc.returncode != 0:
            output = (proc.stdout + proc.stderr).strip()
            took = time.monotonic() - started
            raise PostgresServerError(self._describe(command, f"exit {proc.returncode} after {took:.1f} s", output))

    def _describe(self, command: list[str], outcome: str, output: str) -> str:
        tail = self.log_tail()
        return (
            f"PostgreSQL command failed ({outcome}): {shlex.join(command)}\n"
            f"--- output ---\n{output[-LOG_TAIL:] or '(none)'}\n"
            f"--- server log {self.log_path} (tail) ---\n{tail or '(empty)'}"
        )
