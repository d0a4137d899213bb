"""The course model trained by a hand-written ``tf.function`` loop. Prints JSON.

Run as ``python -m benchmarks.tf_loop EPOCHS [--xla]`` in a fresh process: the
reference for what TensorFlow itself needs per epoch. The data sit in memory
as tensors; each epoch draws a fresh permutation, takes the minibatches of
256 rows with ``tf.gather`` and runs one traced Adam step on each, then the
validation MAE, as ``model.fit`` with validation data does. Only the epochs
are timed (after two warm-up epochs that trace the step).
"""

from __future__ import annotations

import json
import sys
import time

BATCH = 256


def main() -> None:
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    xla = "--xla" in sys.argv
    import keras
    import tensorflow as tf

    from dlcore.data import wine_split
    from dlcore.runtime.keras_build import build_model
    from dlcore.spec import ModelSpec

    keras.utils.set_random_seed(0)
    split = wine_split()
    model = build_model(ModelSpec(n_inputs=split.x_train.shape[1]))  # 3 × Dense(512, relu) + Dense(1)
    optimizer = keras.optimizers.Adam()
    x, y = tf.constant(split.x_train, tf.float32), tf.constant(split.y_train.reshape(-1, 1), tf.float32)
    x_valid, y_valid = tf.constant(split.x_valid, tf.float32), tf.constant(split.y_valid.reshape(-1, 1), tf.float32)
    rows = int(x.shape[0])

    @tf.function(jit_compile=xla)
    def train_step(xb: tf.Tensor, yb: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.abs(model(xb, training=True) - yb))  # MAE
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    @tf.function
    def valid_mae() -> tf.Tensor:
        return tf.reduce_mean(tf.abs(model(x_valid) - y_valid))

    def epoch() -> float:
        order = tf.random.shuffle(tf.range(rows))
        for start in range(0, rows, BATCH):
            batch = order[start : start + BATCH]
            train_step(tf.gather(x, batch), tf.gather(y, batch))
        return float(valid_mae())

    epoch(), epoch()  # trace the full and the last, partial batch
    started = time.perf_counter()
    for _ in range(epochs):
        last = epoch()
    seconds = time.perf_counter() - started
    print(json.dumps({"fit_seconds": seconds, "epochs": epochs, "last_val": last}))


if __name__ == "__main__":
    main()
