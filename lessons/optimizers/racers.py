"""The racers of the optimizer race: which optimizers, with which arguments.

Role: the racers' identity (order, colour, marker), the ranges of their
arguments and Keras's defaults, and how each becomes a ``keras.optimizers``
object. Pure Python (no Keras): the worker task builds the object from the
class name and arguments given here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dlcore.figures.style import OKABE_ITO
from dlcore.spec import OPTIMIZERS


@dataclass(frozen=True)
class Hyper:
    """The range and choices of one optimizer argument (keyed by its Keras name).

    Attributes:
        low: Smallest accepted value.
        high: Largest accepted value.
        options: Values offered by the select-slider.
    """

    low: float
    high: float
    options: tuple[float, ...]


LEARNING_RATES: tuple[float, ...] = (
    1e-4, 2e-4, 5e-4, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0,
)  # fmt: skip
HYPERS: dict[str, Hyper] = {
    "learning_rate": Hyper(1e-6, 10.0, LEARNING_RATES),
    "momentum": Hyper(0.0, 0.99, (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)),
    "beta_1": Hyper(0.0, 0.99, (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)),
    "beta_2": Hyper(0.5, 0.9999, (0.9, 0.99, 0.999, 0.9999)),
    "rho": Hyper(0.0, 0.999, (0.5, 0.8, 0.9, 0.95, 0.99, 0.999)),
    "epsilon": Hyper(1e-12, 1.0, (1e-10, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1.0)),
}

# The racers, in the course's order; each is a key of ``dlcore.spec.OPTIMIZERS``.
RACERS: tuple[str, ...] = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam")
RACER_COLORS: dict[str, str] = dict(zip(RACERS, (*OKABE_ITO[:6], OKABE_ITO[7]), strict=True))
RACER_SYMBOLS: dict[str, str] = dict(
    zip(RACERS, ("circle", "diamond", "square", "triangle-up", "triangle-down", "pentagon", "star"), strict=True)
)

# Keras's defaults (keras/src/optimizers/*.py), except momentum: Keras's SGD
# defaults to 0.0 (plain SGD); the momentum racers use the customary 0.9.
RACER_HYPERS: dict[str, dict[str, float]] = {
    "sgd": {"learning_rate": 0.01},
    "momentum": {"learning_rate": 0.01, "momentum": 0.9},
    "nesterov": {"learning_rate": 0.01, "momentum": 0.9},
    "adagrad": {"learning_rate": 0.001, "epsilon": 1e-7},
    "rmsprop": {"learning_rate": 0.001, "rho": 0.9, "epsilon": 1e-7},
    "adadelta": {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-7},
    "adam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
}


def keras_optimizer(racer: str, hypers: Mapping[str, float]) -> tuple[str, dict[str, Any]]:
    """The ``keras.optimizers`` class name and constructor arguments of a racer.

    Args:
        racer: A key of ``RACERS``.
        hypers: Its settings (the names in ``RACER_HYPERS[racer]``).

    Returns:
        ``(class_name, kwargs)``, e.g. ``("SGD", {"learning_rate": 0.01,
        "momentum": 0.9, "nesterov": True})``.
    """
    choice = OPTIMIZERS[racer]
    kwargs: dict[str, Any] = {name: float(hypers[name]) for name in RACER_HYPERS[racer]}
    if choice.nesterov:
        kwargs["nesterov"] = True
    return choice.keras_class, kwargs


def keras_code(racer: str, hypers: Mapping[str, float]) -> str:
    """The Python line that creates this racer's optimizer in Keras."""
    class_name, kwargs = keras_optimizer(racer, hypers)
    args = ", ".join(f"{k}={v!r}" if isinstance(v, bool) else f"{k}={v:g}" for k, v in kwargs.items())
    return f"keras.optimizers.{class_name}({args})"
