"""The worker process: imports Keras once, then runs jobs one at a time.

Started by ``dlcore.runtime.pool.WorkerPool`` as ``python -m dlcore.runtime.worker`` (a fresh
interpreter: no fork of the threaded server, and no re-import of the
server's ``__main__``, which under Streamlit is the page script). It talks to
the pool over two inherited socket pairs wrapped as multiprocessing
``Connection`` objects: one for messages, one that the pool writes control
commands to (one byte each: cancel, pause, resume, step), which the running
task reads through its ``dlcore.runtime.control.JobControl``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import traceback
from multiprocessing.connection import Connection
from typing import Any

from dlcore.runtime.control import BYTE_COMMANDS, JobControl
from dlcore.runtime.tasks import CORE_TASK_MODULES, resolve


def resident_megabytes() -> float:
    """This process's resident memory in MB (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _error_payload(exc: BaseException) -> dict[str, Any]:
    key = getattr(exc, "key", None)
    if key is not None:  # a dlcore.spec.SettingError: the UI translates it
        return {"key": key, "values": getattr(exc, "values", {})}
    return {
        "message": f"{type(exc).__name__}: {exc}",
        "traceback": traceback.format_exc(limit=8),
    }


def settle(threads: int, niceness: int) -> None:
    """Makes this worker a good neighbour of the web server on the same cores.

    A worker runs at a lower scheduling priority (``niceness`` added), so the
    server that draws every student's page is never starved by trainings, and
    TensorFlow uses ``threads`` threads for one op and one op at a time, so
    the pool's workers together do not oversubscribe the cores.

    Args:
        threads: TensorFlow intra-op threads (0: TensorFlow's default, all cores).
        niceness: Added to the process's nice value (0: unchanged).
    """
    if niceness > 0 and hasattr(os, "nice"):
        os.nice(niceness)
    if threads > 0:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)


def release_job_memory() -> None:
    """Frees what a finished job left behind: its datasets and callbacks are
    garbage once the task returns, but TensorFlow objects hold reference
    cycles that only a full collection frees."""
    gc.collect()


def pipe_reader(control: Connection) -> Any:
    """Reads the control pipe without blocking: the commands waiting in it."""

    def read() -> list[str]:
        commands = []
        while control.poll():
            commands.append(BYTE_COMMANDS.get(control.recv_bytes(), "cancel"))
        return commands

    return read


def worker_main(
    conn: Connection,
    control: Connection,
    max_rss_mb: float,
    threads: int = 0,
    niceness: int = 0,
    task_modules: tuple[str, ...] = CORE_TASK_MODULES,
) -> None:
    """Runs jobs received on ``conn`` until told to stop or orphaned.

    Protocol: the worker sends ``("ready", None, {})`` once warm; it receives
    ``(job_id, task, payload)`` tuples (``None`` means exit) and sends
    ``(kind, job_id, data)`` messages: any number of task messages (such as
    ``"epoch"``), then exactly one ``"done"`` (data = the task's result) or
    ``"error"``. After a job it sends ``("recycle", None, {...})`` and exits
    if its memory has grown past ``max_rss_mb``.

    Args:
        conn: This worker's end of a duplex pipe to the pool.
        control: The pool's control commands for the running job (one byte each).
        max_rss_mb: Resident memory above which the worker retires.
        threads: TensorFlow intra-op threads (see ``settle``).
        niceness: Scheduling priority to give away (see ``settle``).
        task_modules: Modules whose ``worker_task`` functions this worker
            runs; imported (with Keras) before the worker reports ready.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    for module in task_modules:
        importlib.import_module(module)
    settle(threads, niceness)
    conn.send(("ready", None, {"pid": os.getpid()}))
    while True:
        try:
            message = conn.recv()  # EOF when the server process is gone
        except (EOFError, OSError):
            return
        if message is None:
            return
        job_id, task, payload = message
        while control.poll():  # drop commands meant for an earlier job
            control.recv_bytes()

        def emit(kind: str, data: dict[str, Any], job_id: str = job_id) -> None:
            conn.send((kind, job_id, data))

        try:
            result = resolve(task)(payload, emit, JobControl(pipe_reader(control)))
        except Exception as exc:  # reported to the page, never raised there
            conn.send(("error", job_id, _error_payload(exc)))
        else:
            conn.send(("done", job_id, result))
        release_job_memory()
        rss = resident_megabytes()
        if rss > max_rss_mb:
            conn.send(("recycle", None, {"rss_mb": rss}))
            return


def main() -> None:
    """Entry point: ``python -m dlcore.runtime.worker --conn FD --control FD --max-rss MB [--threads N] [--nice N] [--tasks M1,M2]``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conn", type=int, required=True)
    parser.add_argument("--control", type=int, required=True)
    parser.add_argument("--max-rss", type=float, required=True)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--nice", type=int, default=0)
    parser.add_argument("--tasks", default=",".join(CORE_TASK_MODULES), help="comma-separated task modules")
    args = parser.parse_args()
    modules = tuple(name for name in args.tasks.split(",") if name)
    worker_main(Connection(args.conn), Connection(args.control), args.max_rss, args.threads, args.nice, modules)


if __name__ == "__main__":
    main()
