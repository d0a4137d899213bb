"""The course's code, bare: read, split, scale, build, compile, fit. Prints JSON.

Run as ``python -m benchmarks.bare_fit EPOCHS`` in a fresh process; only the
``model.fit`` call is timed (imports and data preparation are not).
"""

from __future__ import annotations

import json
import sys
import time

import pandas as pd

from dlcore.data import DATA_DIR


def main() -> None:
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    from keras import layers
    from tensorflow import keras

    keras.utils.set_random_seed(0)
    red_wine = pd.read_csv(DATA_DIR / "winequality-red.csv")
    df_train = red_wine.sample(frac=0.7, random_state=0)
    df_valid = red_wine.drop(df_train.index)
    max_ = df_train.max(axis=0)
    min_ = df_train.min(axis=0)
    df_train = (df_train - min_) / (max_ - min_)
    df_valid = (df_valid - min_) / (max_ - min_)
    X_train = df_train.drop("quality", axis=1)
    X_valid = df_valid.drop("quality", axis=1)
    y_train = df_train["quality"]
    y_valid = df_valid["quality"]
    model = keras.Sequential(
        [
            keras.Input(shape=(11,)),
            layers.Dense(512, activation="relu"),
            layers.Dense(512, activation="relu"),
            layers.Dense(512, activation="relu"),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mae")
    started = time.perf_counter()
    history = model.fit(
        X_train, y_train, validation_data=(X_valid, y_valid), batch_size=256, epochs=epochs, verbose=0
    )
    seconds = time.perf_counter() - started
    print(json.dumps({"fit_seconds": seconds, "epochs": len(history.history["loss"]), "last_val": history.history["val_loss"][-1]}))


if __name__ == "__main__":
    main()
