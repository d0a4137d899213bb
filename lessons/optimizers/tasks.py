"""The optimizer race with Keras: the task behind the optimizers page.

Runs only in worker processes (it imports Keras and TensorFlow). Each racer
is a real ``keras.optimizers`` object applied to a ``tf.Variable`` holding
the point; ``tf.GradientTape`` differentiates the surface at the point and
``optimizer.apply_gradients`` takes the step, exactly as in ``model.fit``.

The step loop is compiled with ``tf.function`` once per (surface, optimizer
class, fixed arguments) and kept in a small cache: the learning rate is a
Keras variable and the start point and step count are tensor arguments, so
changing them re-runs the compiled loop without tracing it again.
"""

from __future__ import annotations

import collections
import functools
import time
from collections.abc import Callable
from typing import Any

import keras
import tensorflow as tf

from dlcore.runtime.tasks import Task, worker_task
from lessons.optimizers.model import RaceSettings
from lessons.optimizers.racers import keras_optimizer
from lessons.optimizers.surfaces import SURFACES, Surface

DTYPE = tf.float64
CACHE_SIZE = 64


class Racer:
    """One optimizer on one surface: its variable, its state and its loop.

    Args:
        surface: The surface to descend.
        class_name: ``keras.optimizers`` class name.
        kwargs: Constructor arguments other than ``learning_rate``.
    """

    def __init__(self, surface: Surface, class_name: str, kwargs: dict[str, Any]) -> None:
        self.surface = surface
        self.point = tf.Variable(tf.zeros([surface.dims], DTYPE), name="point")
        self.optimizer = getattr(keras.optimizers, class_name)(learning_rate=0.01, **kwargs)
        self.optimizer.build([self.point])
        self.slot = momentum_slot(self.optimizer, self.point)
        self.fresh_state = [v.numpy() for v in self.optimizer.variables]
        # tf.function counts traces per code object (and warns about "frequent
        # retracing" after five); a partial has none, so each racer's loop is
        # counted on its own and traces exactly once.
        self.loop = tf.function(functools.partial(self._loop))

    def _loss(self) -> tf.Tensor:
        return self.surface(*tf.unstack(self.point))

    def _loop(self, start: tf.Tensor, steps: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """``steps`` optimizer steps from ``start``.

        Returns:
            The points (``steps + 1``, start first), the loss at each, the
            gradient each step applied and the momentum slot's value after
            each step (zeros for an optimizer without one).
        """
        self.point.assign(start)
        points = tf.TensorArray(DTYPE, size=steps + 1)
        losses = tf.TensorArray(DTYPE, size=steps + 1)
        gradients = tf.TensorArray(DTYPE, size=steps)
        slots = tf.TensorArray(DTYPE, size=steps)
        for k in tf.range(steps):
            with tf.GradientTape() as tape:
                loss = self._loss()
            points = points.write(k, self.point.read_value())
            losses = losses.write(k, loss)
            gradient = tape.gradient(loss, self.point)
            gradients = gradients.write(k, gradient)
            self.optimizer.apply_gradients([(gradient, self.point)])
            # The optimizer's own variable, read after the step it took.
            slot = tf.identity(self.slot.value) if self.slot is not None else tf.zeros_like(gradient)
            slots = slots.write(k, slot)
        points = points.write(steps, self.point.read_value())
        losses = losses.write(steps, self._loss())
        return points.stack(), losses.stack(), gradients.stack(), slots.stack()

    def run(self, start: list[float], steps: int, learning_rate: float) -> dict[str, Any]:
        """Resets the optimizer (``set_weights`` to its fresh state, which
        zeroes ``iterations`` and the slots) and races.

        Args:
            start: Start point.
            steps: Number of steps.
            learning_rate: η.

        Returns:
            ``{"path", "losses", "gradients", "slots"}`` as lists (``slots``
            is None for an optimizer without a momentum variable).
        """
        self.optimizer.set_weights(self.fresh_state)
        self.optimizer.learning_rate = learning_rate
        points, losses, gradients, slots = self.loop(tf.constant(start, DTYPE), tf.constant(steps, tf.int32))
        return {
            "path": points.numpy().tolist(),
            "losses": losses.numpy().tolist(),
            "gradients": gradients.numpy().tolist(),
            "slots": slots.numpy().tolist() if self.slot is not None else None,
        }


def momentum_slot(optimizer: keras.optimizers.Optimizer, point: tf.Variable) -> Any:
    """The optimizer's momentum variable for ``point``, if it keeps one.

    Keras names a slot ``<variable name>_momentum`` (``point:0`` becomes
    ``point_0_momentum``): SGD's velocity v (only when ``momentum`` is not
    0) and Adam's first moment m. The optimizer holds ``point`` alone, so
    the one such variable is its slot.

    Args:
        optimizer: A built optimizer.
        point: The variable it optimizes.

    Returns:
        The Keras variable, or None.
    """
    slots = [v for v in optimizer.variables if v.name.endswith("_momentum") and tuple(v.shape) == tuple(point.shape)]
    return slots[0] if len(slots) == 1 else None


_racers: collections.OrderedDict[tuple[Any, ...], Racer] = collections.OrderedDict()


def racer(surface: Surface, class_name: str, kwargs: dict[str, Any]) -> Racer:
    """A cached ``Racer`` (least recently used ones are dropped)."""
    key = (surface.key, class_name, tuple(sorted(kwargs.items())))
    if key in _racers:
        _racers.move_to_end(key)
    else:
        _racers[key] = Racer(surface, class_name, kwargs)
        while len(_racers) > CACHE_SIZE:
            _racers.popitem(last=False)
    return _racers[key]


@worker_task(Task.OPTIMIZER_RACE)
def run_race(payload: dict[str, Any], emit: Callable[..., None], should_stop: Callable[[], bool]) -> dict[str, Any]:
    """Races the chosen optimizers on one surface from one start.

    Args:
        payload: ``RaceSettings.to_payload()``.
        emit: Unused (a race takes a fraction of a second).
        should_stop: Unused.

    Returns:
        ``{"paths": {racer: [[x, (y)], ...]}, "losses": {racer: [...]},
        "gradients": {racer: [...]}, "slots": {racer: [...] | None},
        "seconds": float}`` with ``steps + 1`` points and losses per racer
        (start first), and the gradient of each step and the momentum slot
        after it (``steps`` each).
    """
    started = time.perf_counter()
    settings = RaceSettings.from_payload(payload)
    surface = SURFACES[settings.surface]
    paths: dict[str, list[list[float]]] = {}
    losses: dict[str, list[float]] = {}
    gradients: dict[str, list[list[float]]] = {}
    slots: dict[str, list[list[float]] | None] = {}
    for name, hypers in settings.racers.items():
        class_name, kwargs = keras_optimizer(name, hypers)
        learning_rate = kwargs.pop("learning_rate")
        run = racer(surface, class_name, kwargs).run(list(settings.start), settings.steps, learning_rate)
        paths[name], losses[name], gradients[name], slots[name] = (
            run["path"],
            run["losses"],
            run["gradients"],
            run["slots"],
        )
    return {
        "paths": paths,
        "losses": losses,
        "gradients": gradients,
        "slots": slots,
        "seconds": time.perf_counter() - started,
    }
