"""Compiled models reused between jobs train exactly as fresh Keras models do.

The reference is Keras itself: a model built and compiled directly with
``keras_build`` in the same process, fitted on the same seeded data.
"""

from __future__ import annotations

import json

from tests.conftest import run_python

REUSE_SCRIPT = """
import json
import keras, numpy as np, tensorflow as tf
from dlcore.runtime.compiled_models import CompiledModels
from dlcore.data import data_split
from dlcore.runtime.keras_build import build_model, build_optimizer
from dlcore.spec import ModelSpec, TrainConfig
from dlcore.runtime.training import _metrics

split = data_split({"dataset": "wine"})
spec = ModelSpec(n_inputs=11, units=(32, 16), dropout=0.3, batchnorm="after")

def data(seed):
    train = (tf.data.Dataset.from_tensor_slices((split.x_train, split.y_train)).cache()
             .shuffle(len(split.y_train), seed=seed, reshuffle_each_iteration=True).batch(128))
    return train, tf.data.Dataset.from_tensor_slices((split.x_valid, split.y_valid)).batch(128).cache()

def fit(model, config):
    train, valid = data(config.seed)
    history = model.fit(train, validation_data=valid, epochs=4, verbose=0)
    return history.history, [w.tolist() for w in model.get_weights()]

def reference(config, steps):
    keras.utils.set_random_seed(config.seed)
    model = build_model(spec)
    model.compile(optimizer=build_optimizer(config), loss=config.loss, metrics=_metrics(config.loss),
                  steps_per_execution=steps)
    return fit(model, config)

cache = CompiledModels(capacity=2)
def cached(config, steps=1):
    return cache.model(spec, config, metrics=_metrics(config.loss), jit_compile=False, steps_per_execution=steps)

first = TrainConfig(optimizer="adam", learning_rate=0.01, seed=1)
again = TrainConfig(optimizer="adam", learning_rate=0.003, seed=7)
out = {}
model_a = cached(first); fit(model_a, first)
model_b = cached(again)
out["same_object"] = model_b is model_a
out["again"] = fit(model_b, again) == reference(again, 1)
momentum = TrainConfig(optimizer="momentum", momentum=0.5, learning_rate=0.01, seed=3)
model_m = cached(momentum)
out["momentum_new"] = model_m is not model_a
fit(model_m, momentum)
faster = TrainConfig(optimizer="momentum", momentum=0.5, learning_rate=0.05, seed=4)
model_f = cached(faster)
out["momentum_reused"] = model_f is model_m
out["momentum_reset"] = fit(model_f, faster) == reference(faster, 1)
out["momentum_constant_is_key"] = cached(TrainConfig(optimizer="momentum", momentum=0.8)) is not model_m
out["evicted"] = len(cache) == 2 and cached(again) is not model_a
out["stats"] = [cache.hits, cache.misses]
out["steps_equal"] = reference(again, 5)[0] == reference(again, 1)[0]
print(json.dumps(out))
"""


def test_reused_model_trains_exactly_like_a_fresh_keras_model() -> None:
    out = json.loads(run_python(REUSE_SCRIPT))
    assert out["same_object"], "the second run of one graph reuses the compiled model"
    assert out["again"], "a reused model (other seed and learning rate) must match a fresh one bit for bit"
    assert out["momentum_new"] and out["momentum_constant_is_key"], "optimizer constants are part of the key"
    assert out["momentum_reused"] and out["momentum_reset"], "the velocity of momentum is reset on reuse"
    assert out["evicted"], "the least recently used model leaves a full cache"
    assert out["steps_equal"], "several batches per traced call give Keras's own per-batch result"


CANCELLED_SCRIPT = """
import json
from dlcore.runtime.compiled_models import CompiledModels
from dlcore.spec import ModelSpec, TrainConfig
cache = CompiledModels()
spec, config = ModelSpec(n_inputs=3, units=(4,)), TrainConfig(seed=2)
never_trained = cache.model(spec, config, metrics=[], jit_compile=False, steps_per_execution=1)
# Its optimizer was never built (a run cancelled before the first step): not reusable.
second = cache.model(spec, config, metrics=[], jit_compile=False, steps_per_execution=1)
print(json.dumps({"fresh": second is not never_trained, "misses": cache.misses}))
"""


def test_model_whose_optimizer_never_ran_is_rebuilt() -> None:
    out = json.loads(run_python(CANCELLED_SCRIPT))
    assert out == {"fresh": True, "misses": 2}


def test_steps_per_execution_is_one_epoch_capped() -> None:
    # steps_per_execution lives in the worker-side module; its arithmetic is checked here by hand:
    # 1,119 training rows of the course's split in batches of 256 are 5 batches (⌈1119 / 256⌉);
    # 550,000 rows are 2,149 = 7 × 307 batches: a call never runs past an epoch's end, so 7.
    out = run_python(
        "from dlcore.runtime.training import steps_per_execution as s; "
        "print([s(1119, 256), s(1119, 2048), s(550_000, 256), s(1, 1)])"
    )
    assert out == "[5, 1, 7, 1]"
