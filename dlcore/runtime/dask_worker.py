"""The Dask side of ``DaskExecutor``: a worker preload and the job runner.

A school starts a worker on any machine that has the project's package and
its requirements::

    dask worker tcp://SCHEDULER:8786 --nthreads 1 --preload dlcore.runtime.dask_worker

The preload (``dask_setup``) imports the task modules
(``dlcore.lessons.TASK_MODULES``, hence TensorFlow) once, before the worker
registers with the scheduler, so a worker the scheduler knows is warm and
keeps TensorFlow imported between jobs. It then runs jobs as
``run_job(...)``: ``resolve(task)(payload, emit, should_stop)``, as the local
pool's worker process does (``dlcore.runtime.worker``), one job at a time per
worker thread (``--nthreads 1``: one training at a time per worker).

How a job talks back, with what dask.distributed provides (no files):

* ``emit(kind, data)`` publishes ``{"job", "n", "message"}`` on the
  executor's event topic (``Worker.log_event``); the scheduler pushes it to
  the executor's client (``Client.subscribe_topic``) while the job runs.
* ``should_stop`` is a ``dlcore.runtime.control.JobControl`` fed from a
  local inbox by two waiter threads: one waits on the job's
  ``distributed.Event`` (set by ``DaskExecutor.cancel``), one on the job's
  ``distributed.Queue`` (``DaskExecutor.control``: pause, resume, step).
  Both waits are held open on the scheduler: nothing polls.
* The return value says how many events were sent, so the executor files the
  result only after every epoch has arrived.

The Streamlit server never imports this module: the executor submits
``dask_executor.run_on_worker``, which imports it by name in the worker.
"""

from __future__ import annotations

import gc
import importlib
import os
import pickle
import queue
import threading
from typing import Any

import click

from dlcore.runtime.control import JobControl
from dlcore.runtime.dask_jobs import STARTED
from dlcore.runtime.executor import CANCEL
from dlcore.runtime.tasks import resolve

_END = "_end"  # put on a job's control queue by its own runner: the reader stops

# The local pool's worker module (error payloads, clean-up, TensorFlow
# settings), imported by name as worker.py imports the task modules: it is
# worker-side code, which the server's modules must not name.
WORKER_MODULE = "dlcore.runtime.worker"


def _worker_module() -> Any:
    return importlib.import_module(WORKER_MODULE)


def run_job(
    job_id: str, task: str, payload: dict[str, Any], topic: str, cancel_name: str, control_name: str
) -> dict[str, Any]:
    """Runs one job in a Dask worker thread and streams its messages.

    Args:
        job_id: The executor's job id (sent with every message).
        task: A registered task name; others are refused as in the local pool.
        payload: The task's arguments.
        topic: The event topic the executor subscribed to.
        cancel_name: The name of the job's ``distributed.Event`` (set = stop).
        control_name: The name of the job's ``distributed.Queue`` of commands.

    Returns:
        ``{"status": "done", "result": ..., "events": n}`` or
        ``{"status": "error", "error": {...}, "events": n}``: a failure is
        returned, not raised, so Dask never retries a job or pickles a
        traceback, and the page gets the same error payload as from the local pool.
    """
    from distributed import Event, Queue, get_client, get_worker

    worker = get_worker()
    client = get_client()  # the worker's client, usable from any thread
    sent = 0

    def emit(kind: str, data: dict[str, Any]) -> None:
        nonlocal sent
        # Pickled, as the local pool's pipe does: the page gets the same types
        # (tuples, NumPy numbers) that the task sent, not msgpack's lists.
        worker.log_event(topic, {"job": job_id, "n": sent, "message": pickle.dumps((kind, data))})
        sent += 1

    inbox: queue.SimpleQueue[str] = queue.SimpleQueue()
    cancel = Event(cancel_name, client=client)
    commands = Queue(control_name, client=client)  # open before the executor may send to it
    emit(STARTED, {"worker": worker.address, "pid": os.getpid()})
    waiters = [
        threading.Thread(target=_wait_for_cancel, args=(cancel, inbox), name=f"dlp-cancel-{job_id}", daemon=True),
        threading.Thread(target=_read_commands, args=(commands, inbox), name=f"dlp-control-{job_id}", daemon=True),
    ]
    for waiter in waiters:
        waiter.start()
    try:
        control = JobControl(lambda: _drain(inbox))
        outcome: dict[str, Any] = {"status": "done", "result": resolve(task)(payload, emit, control)}
    except Exception as exc:  # reported to the page, never raised there
        outcome = {"status": "error", "error": _worker_module()._error_payload(exc)}
    finally:
        _release(cancel, commands, waiters)
        _worker_module().release_job_memory()
    outcome["events"] = sent
    return outcome


def _wait_for_cancel(cancel: Any, inbox: queue.SimpleQueue[str]) -> None:
    try:
        cancel.wait()
    except Exception:  # the scheduler is gone: the executor fails the job itself
        pass
    inbox.put(CANCEL)


def _read_commands(commands: Any, inbox: queue.SimpleQueue[str]) -> None:
    while True:
        try:
            command = commands.get()
        except Exception:  # the scheduler is gone
            return
        if command == _END:
            return
        inbox.put(str(command))


def _drain(inbox: queue.SimpleQueue[str]) -> list[str]:
    taken = []
    while True:
        try:
            taken.append(inbox.get_nowait())
        except queue.Empty:
            return taken


def _release(cancel: Any, commands: Any, waiters: list[threading.Thread]) -> None:
    """Ends the waiters (by setting the event, by an end marker on the
    queue) and removes both from the scheduler (clear with no waiters
    deletes the event; the last close deletes the queue)."""
    try:
        cancel.set()
        commands.put(_END, timeout=5)
        for waiter in waiters:
            waiter.join(timeout=5)
        cancel.clear()
        commands.close()
    except Exception:
        pass  # the scheduler is gone; nothing is left to clean there


def import_task_modules(modules: tuple[str, ...]) -> None:
    """Imports every task module (registering its tasks; loads Keras)."""
    for module in modules:
        importlib.import_module(module)


@click.command()
@click.option("--dlp-tasks", default="", help="Extra task modules, comma-separated (tests add tests.fake_tasks).")
@click.option("--dlp-only", is_flag=True, help="Import only --dlp-tasks, not the course's task modules.")
@click.option("--dlp-threads", type=int, default=0, help="TensorFlow threads per job (0: cores / worker threads).")
@click.option("--dlp-nice", type=int, default=10, help="Scheduling priority the worker gives away.")
def dask_setup(worker: Any, dlp_tasks: str, dlp_only: bool, dlp_threads: int, dlp_nice: int) -> None:
    """Dask's preload hook: warms the worker before it joins the cluster.

    Args:
        worker: The ``distributed.Worker`` starting up.
        dlp_tasks: Extra task modules.
        dlp_only: Skip the course's modules (fast, Keras-free test workers).
        dlp_threads: TensorFlow intra-op threads (see ``dlcore.runtime.worker.settle``).
        dlp_nice: Niceness added (the worker is a good neighbour on a lab PC).
    """
    from dlcore.lessons import TASK_MODULES

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    extra = tuple(name for name in dlp_tasks.split(",") if name)
    import_task_modules(extra if dlp_only else TASK_MODULES + extra)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    threads = dlp_threads or max(1, cores // max(1, worker.state.nthreads))
    _worker_module().settle(threads if not dlp_only else 0, dlp_nice)
    # TensorFlow's objects live as long as the worker: out of the collector's
    # generations, the full collection after each job takes milliseconds.
    gc.freeze()
