"""One worker process of the pool: start it, stop it, close its pipes.

Each worker is ``python -m dlcore.runtime.worker`` with two socket pipes of
its own: one for jobs and messages, one for control commands (cancel, pause,
resume, step: one byte each, ``dlcore.runtime.control.COMMAND_BYTES``). The pool
(``dlcore.runtime.pool``) schedules jobs on these handles.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dlcore.runtime.pool import _Job

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class WorkerProcess:
    """A running worker and its pipes.

    Attributes:
        index: The worker's slot in the pool.
        process: The ``python -m dlcore.runtime.worker`` process.
        conn: Jobs out, messages back.
        control: Control commands out (one byte each: cancel, pause, resume, step).
        ready: Whether the worker has reported that Keras is imported.
        job: The job it runs, if any.
    """

    index: int
    process: subprocess.Popen[bytes]
    conn: Connection
    control: Connection
    ready: bool = False
    job: _Job | None = None


@dataclass(frozen=True)
class WorkerOptions:
    """How every worker of a pool runs (see ``dlcore.runtime.worker``'s flags).

    Attributes:
        max_rss_mb: Resident memory at which a worker retires after a job.
        threads: TensorFlow threads per worker.
        niceness: Scheduling priority the worker gives away.
        task_modules: Modules whose registered tasks the worker runs.
    """

    max_rss_mb: float
    threads: int
    niceness: int
    task_modules: tuple[str, ...]

    def flags(self) -> list[str]:
        """The command-line flags that pass these options to the worker."""
        return [
            "--max-rss",
            str(self.max_rss_mb),
            "--threads",
            str(self.threads),
            "--nice",
            str(self.niceness),
            "--tasks",
            ",".join(self.task_modules),
        ]


def spawn_worker(index: int, options: WorkerOptions) -> WorkerProcess:
    """Starts a worker process with a message pipe and a control pipe.

    Args:
        index: The worker's slot in the pool.
        options: How the worker runs.

    Returns:
        The handle; the worker sends ``"ready"`` once Keras is imported.
    """
    ours, theirs = socket.socketpair()
    control_ours, control_theirs = socket.socketpair()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dlcore.runtime.worker",
            "--conn",
            str(theirs.fileno()),
            "--control",
            str(control_theirs.fileno()),
            *options.flags(),
        ],
        pass_fds=(theirs.fileno(), control_theirs.fileno()),
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    theirs.close()
    control_theirs.close()
    return WorkerProcess(index, process, Connection(ours.detach()), Connection(control_ours.detach()))


def kill_worker(worker: WorkerProcess) -> None:
    """Kills the worker if it still runs, reaps it and closes its pipes."""
    if worker.process.poll() is None:
        worker.process.kill()
    worker.process.wait(timeout=5)
    close_pipes(worker)


def close_pipes(worker: WorkerProcess) -> None:
    """Closes the worker's message and control pipes."""
    worker.conn.close()
    worker.control.close()
