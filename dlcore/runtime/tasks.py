"""The worker's entry points: one registry from task names to functions.

The worker is a second program inside the product: a page submits a job by
naming a task, and a worker process runs the function registered under that
name. Pages name tasks by ``Task`` members (``Task.TRAIN``), so a misspelt
task fails when the page is imported, and the registry refuses any name it
does not hold, so a job payload can never make a worker import arbitrary
code.

A task function registers itself where it is defined, as Keras's
``keras_export`` does::

    @worker_task(Task.NEURON_FIT)
    def fit_neuron(payload, emit, should_stop): ...

Task modules import Keras, so the server never imports them: a worker
imports its pool's ``task_modules`` (``CORE_TASK_MODULES`` plus the lessons'
``dlcore.lessons.TASK_MODULES``) once, before it reports ready. This module itself
is light and safe to import anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

# What a task gets besides its payload: ``emit(kind, data)`` streams an event
# to the page; ``should_stop()`` says whether the job was cancelled.
Emit = Callable[[str, dict[str, Any]], None]
ShouldStop = Callable[[], bool]
TaskFunction = Callable[[dict[str, Any], Emit, ShouldStop], dict[str, Any]]
F = TypeVar("F", bound=TaskFunction)

# Modules of the runtime's own tasks (training, prediction with a saved model).
CORE_TASK_MODULES: tuple[str, ...] = ("dlcore.runtime.training", "dlcore.runtime.predict")


class Task(StrEnum):
    """Every task the product runs in a worker, by name."""

    TRAIN = "train"  # dlcore.runtime.training.run_training
    PREDICT = "predict"  # dlcore.runtime.predict.predict
    NEURON_FIT = "neuron.fit"  # lessons.neuron.tasks.fit_neuron
    ACTIVATION_CURVES = "activations.curves"  # lessons.activations.tasks.activation_curves
    NONLINEAR_FIT = "activations.fit_nonlinear"  # lessons.activations.tasks.fit_nonlinear
    SGD_RUN = "sgd.run"  # lessons.sgd.tasks.run_sgd
    OPTIMIZER_RACE = "optimizers.race"  # lessons.optimizers.tasks.run_race
    LOSS_CURVES = "classification.loss_curves"  # lessons.classification.tasks.loss_curves


# Filled as task modules are imported (in a worker), read-only afterwards.
REGISTRY: dict[str, TaskFunction] = {}


def worker_task(name: str) -> Callable[[F], F]:
    """Registers the decorated function as the task ``name``.

    Args:
        name: A ``Task`` member (tests register their own plain names).

    Returns:
        A decorator that returns the function unchanged.

    Raises:
        ValueError: If another function already holds the name.
    """

    def register(function: F) -> F:
        held = REGISTRY.get(str(name))
        if held is not None and held is not function:
            raise ValueError(f"task {name!r} is already {held.__module__}.{held.__qualname__}")
        REGISTRY[str(name)] = function
        return function

    return register


def resolve(name: str) -> TaskFunction:
    """The function registered as ``name``.

    Raises:
        ValueError: If no imported task module registered that name.
    """
    try:
        return REGISTRY[str(name)]
    except KeyError:
        raise ValueError(f"not a registered task: {name!r}") from None
