"""Compiled models kept warm between jobs. Imported only in worker processes.

Tracing a new model's training step costs 0.5–1 s before its first epoch,
and every freshly traced model stays in the process (about 13 MB a run on
the course model, measured over 25 runs). So each worker keeps the models it
compiled last, keyed by everything that is baked into the traced graph, and
hands one out *re-initialised*: its variables (kernels, biases, batch-norm
statistics, dropout seed states) are copied from a model freshly built with
the run's seed, and its optimizer's variables (step count, learning rate,
moments) from a freshly built optimizer. The learning rate is a variable in
Keras 3, so it is not part of the key. A reused model therefore trains
exactly as a fresh one would: the tests compare histories and weights bit
for bit.

A worker runs one job at a time, so one cache per worker process needs no
lock.
"""

from __future__ import annotations

import collections
import functools
from dataclasses import dataclass
from typing import Any

import keras

from dlcore.runtime.keras_build import build_model, build_optimizer
from dlcore.spec import ModelSpec, TrainConfig

CAPACITY = 6  # compiled models a worker keeps; a few MB of weights each


@dataclass(frozen=True)
class GraphKey:
    """What a traced training step depends on.

    Attributes:
        spec: The model (layers, widths, rates and penalties are constants
            in the graph).
        optimizer: The optimizer's key and its constant arguments (momentum,
            Nesterov), without the learning rate.
        loss: The loss key (it also decides the metrics).
        jit_compile: Whether XLA compiles the step.
        steps_per_execution: Batches per call of the traced function.
    """

    spec: ModelSpec
    optimizer: tuple[Any, ...]
    loss: str
    jit_compile: bool
    steps_per_execution: int


def graph_key(spec: ModelSpec, config: TrainConfig, *, jit_compile: bool, steps_per_execution: int) -> GraphKey:
    """The cache key of a run's compiled model."""
    constants = sorted((k, v) for k, v in config.optimizer_kwargs().items() if k != "learning_rate")
    return GraphKey(spec, (config.optimizer, *constants), config.loss, jit_compile, steps_per_execution)


def _same_layout(target: list[keras.Variable], source: list[keras.Variable]) -> bool:
    return [tuple(v.shape) for v in target] == [tuple(v.shape) for v in source]


def _reset(cached: keras.Model, fresh: keras.Model, optimizer: keras.optimizers.Optimizer) -> bool:
    """Copies a fresh model's and optimizer's variables into a cached model.

    Returns:
        False (and changes nothing) when they do not line up, for instance
        when the cached model's optimizer was never built (a run cancelled
        before its first step).
    """
    optimizer.build(fresh.trainable_variables)
    pairs = ((cached.variables, fresh.variables), (cached.optimizer.variables, optimizer.variables))
    if not all(_same_layout(mine, theirs) for mine, theirs in pairs):
        return False
    for mine, theirs in pairs:
        for variable, value in zip(mine, theirs, strict=True):
            variable.assign(value)
    return True


class CompiledModels:
    """The last ``capacity`` compiled models of this worker, least recently used evicted.

    Args:
        capacity: How many models to keep.
    """

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._models: collections.OrderedDict[GraphKey, keras.Model] = collections.OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._models)

    def model(
        self,
        spec: ModelSpec,
        config: TrainConfig,
        *,
        metrics: list[Any],
        jit_compile: bool,
        steps_per_execution: int,
    ) -> keras.Model:
        """A compiled model in the state a fresh build with ``config.seed`` has.

        Seeds Keras (``keras.utils.set_random_seed``) as a fresh run does.

        Args:
            spec: The model spec.
            config: The training config (seed, optimizer, loss).
            metrics: Metrics to compile a new model with (a function of the loss).
            jit_compile: Whether XLA compiles the step.
            steps_per_execution: Batches per call of the traced function.

        Returns:
            The model, ready for ``fit``.
        """
        key = graph_key(spec, config, jit_compile=jit_compile, steps_per_execution=steps_per_execution)
        # One seed covers Python's, NumPy's and the backend's generators: weight
        # initialisation, shuffling and dropout masks repeat run after run.
        keras.utils.set_random_seed(config.seed)
        fresh = build_model(spec)
        cached = self._models.pop(key, None)
        if cached is not None and _reset(cached, fresh, build_optimizer(config)):
            self.hits += 1
            model = cached
        else:
            self.misses += 1
            fresh.compile(
                optimizer=build_optimizer(config),
                loss=config.loss,
                metrics=metrics,
                jit_compile=jit_compile,
                steps_per_execution=steps_per_execution,
            )
            model = fresh
        self._models[key] = model
        while len(self._models) > self.capacity:
            self._models.popitem(last=False)
        return model


@functools.cache
def worker_models() -> CompiledModels:
    """This worker process's cache (one per process; workers run one job at a time)."""
    return CompiledModels()
