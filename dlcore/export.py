"""Exports a configuration as the Keras script the course's slides are made of.

The script is generated from the same ``ModelSpec`` and ``TrainConfig`` the app
trains, so the two cannot drift apart: read the CSV, split 70/30 with
``random_state=0``, min-max scale with the training split's min and max, build
the Sequential model, compile, fit with the same callbacks, plot the history.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from dlcore.spec import OPTIMIZERS, LayerSpec, ModelSpec, TrainConfig
from dlcore.toy_data import FEATURE_CODE, FEATURE_COLUMNS, feature_tuple

# Keras's own defaults: an optimizer at its default learning rate is written
# as the course writes it, by name (optimizer='adam').
_DEFAULT_LEARNING_RATES = {"SGD": 0.01, "Adam": 0.001, "AdamW": 0.001, "RMSprop": 0.001, "Adagrad": 0.001, "Adadelta": 0.001}


@dataclass(frozen=True)
class DataSource:
    """Where the exported script reads its data and what it predicts.

    Attributes:
        csv: CSV file name, read from the script's folder.
        target: Target column.
        classification: Binary classification (sigmoid output, cross-entropy).
        positive: For a text target, the value that becomes 1 (e.g. ``"g"``).
        threshold: For a numeric target on a classifier, target ≥ threshold → 1.
        sample: Rows of the app's random sample of the table
            (``DataFrame.sample(n=sample, random_state=0)``), or None for all.
    """

    csv: str
    target: str
    classification: bool = False
    positive: str | None = None
    threshold: float | None = None
    sample: int | None = None


WINE = DataSource("winequality-red.csv", "quality")


def _value(value: object) -> str:
    return repr(value) if not isinstance(value, float) else f"{value:g}"


def layer_code(layer: LayerSpec) -> str:
    """One layer as the course writes it, e.g. ``layers.Dense(512, activation='relu')``."""
    kwargs = layer.kwargs
    if layer.kind == "Dense":
        parts = [str(kwargs.pop("units"))]
        if "activation" in kwargs:
            parts.append(f"activation={kwargs.pop('activation')!r}")
        if "kernel_regularizer" in kwargs:
            _, l1, l2 = kwargs.pop("kernel_regularizer")
            parts.append(f"kernel_regularizer=keras.regularizers.L1L2(l1={_value(l1)}, l2={_value(l2)})")
        return f"layers.Dense({', '.join(parts)})"
    if layer.kind == "Activation":
        return f"layers.Activation({kwargs['activation']!r})"
    if layer.kind == "Dropout":
        return f"layers.Dropout(rate={_value(kwargs['rate'])})"
    return f"layers.{layer.kind}()"


def model_code(spec: ModelSpec, name: str = "model") -> str:
    """The ``keras.Sequential([...])`` block for a spec.

    The input is declared with ``keras.Input(shape=(n,))``; the course's slides
    write ``input_shape=[n]`` in the first layer, which Keras 3 deprecates.
    """
    lines = [f"{name} = keras.Sequential([", f"    keras.Input(shape=({spec.n_inputs},)),"]
    lines += [f"    {layer_code(layer)}," for layer in spec.layers()]
    lines.append("])")
    return "\n".join(lines)


def optimizer_code(config: TrainConfig) -> str:
    """``'adam'`` for a default Adam, else e.g. ``keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)``."""
    choice = OPTIMIZERS[config.optimizer]
    kwargs = config.optimizer_kwargs()
    if set(kwargs) == {"learning_rate"} and kwargs["learning_rate"] == _DEFAULT_LEARNING_RATES.get(choice.keras_class):
        return repr(choice.keras_class.lower())
    args = ", ".join(f"{k}={_value(v)}" for k, v in kwargs.items())
    return f"keras.optimizers.{choice.keras_class}({args})"


def compile_code(config: TrainConfig, classification: bool) -> str:
    lines = ["model.compile(", f"    optimizer={optimizer_code(config)},", f"    loss={config.loss!r},"]
    if classification:
        lines.append("    metrics=['binary_accuracy'],")
    elif config.loss != "mae":
        lines.append("    metrics=['mae'],")
    lines.append(")")
    return "\n".join(lines)


def features_code(features: tuple[str, ...] | list[str]) -> str:
    """The function that adds the app's extra input columns (x1², sin x2…)
    to an array of x1, x2 rows, and its use on both splits."""
    chosen = feature_tuple(features)
    names = ", ".join(FEATURE_COLUMNS[f] for f in chosen)
    columns = ", ".join(["x1", "x2", *(FEATURE_CODE[f] for f in chosen)])
    return (
        "import numpy as np\n\n\ndef add_features(x):\n"
        f'    """x1, x2 and the columns the app added: {names}."""\n'
        "    x = np.asarray(x, dtype='float32')\n    x1, x2 = x[:, 0], x[:, 1]\n"
        f"    return np.column_stack([{columns}]).astype('float32')\n\n\n"
        "X_train = add_features(X_train)\nX_valid = add_features(X_valid)"
    )


def script_sections(
    spec: ModelSpec,
    config: TrainConfig,
    source: DataSource = WINE,
    *,
    epochs: int | None = None,
    features: tuple[str, ...] | list[str] = (),
) -> list[tuple[str, str]]:
    """The script as ``(heading, code)`` sections, in the course's order.

    Args:
        spec: The model spec the app trains.
        config: The training config the app uses.
        source: Data file and target.
        epochs: Override of ``config.epochs`` (tests run exported scripts short).
        features: The 2-D sets' extra input columns (``dlcore.toy_data.FEATURES``),
            added by an ``add_features`` function before the model.

    Returns:
        Sections: imports, data, split, scaling, features, model, compile,
        (early stopping), fit, plot.
    """
    target = source.target
    data = [f"red_wine = pd.read_csv({source.csv!r})" if source == WINE else f"df = pd.read_csv({source.csv!r})"]
    frame = "red_wine" if source == WINE else "df"
    if source.classification and source.positive is not None:
        data.append(f"{frame}[{target!r}] = ({frame}[{target!r}] == {source.positive!r}).astype(int)")
    elif source.classification and source.threshold is not None:
        data.append(f"{frame}[{target!r}] = ({frame}[{target!r}] >= {_value(source.threshold)}).astype(int)")
    if source.sample is not None:
        data.append(f"{frame} = {frame}.sample(n={source.sample}, random_state=0)  # the app's random sample of the rows")
    scale_target = not source.classification
    sections = [
        (
            "Imports",
            "import pandas as pd\nimport matplotlib.pyplot as plt\nfrom tensorflow import keras\nfrom keras import layers\n\n"
            f"keras.utils.set_random_seed({config.seed})  # same weights, shuffling and dropout every run",
        ),
        ("Read the data", "\n".join(data)),
        (
            "Split into training and validation data",
            f"df_train = {frame}.sample(frac=0.7, random_state=0)\ndf_valid = {frame}.drop(df_train.index)",
        ),
        (
            "Normalization (min-max, from the training split)",
            "max_ = df_train.max(axis=0)\nmin_ = df_train.min(axis=0)\n"
            + ("" if scale_target else f"max_[{target!r}], min_[{target!r}] = 1, 0  # keep the 0/1 labels\n")
            + "df_train = (df_train - min_) / (max_ - min_)\ndf_valid = (df_valid - min_) / (max_ - min_)",
        ),
        (
            "Features and target",
            f"X_train = df_train.drop({target!r}, axis=1)\nX_valid = df_valid.drop({target!r}, axis=1)\n"
            f"y_train = df_train[{target!r}]\ny_valid = df_valid[{target!r}]",
        ),
        *((("Input features", features_code(features)),) if feature_tuple(features) else ()),
        ("Model", model_code(spec)),
        ("Loss and optimizer", compile_code(config, source.classification)),
    ]
    callbacks = ""
    if config.early_stopping:
        sections.append(
            (
                "Early stopping",
                "from tensorflow.keras.callbacks import EarlyStopping\n\nearly_stopping = EarlyStopping(\n"
                f"    min_delta={_value(config.min_delta)},\n    patience={config.patience},\n"
                f"    restore_best_weights={config.restore_best},\n)",
            )
        )
        callbacks = "    callbacks=[early_stopping],\n"
    sections.append(
        (
            "Train the model",
            "history = model.fit(\n    X_train, y_train,\n    validation_data=(X_valid, y_valid),\n"
            f"    batch_size={config.batch_size},\n    epochs={epochs or config.epochs},\n{callbacks})",
        )
    )
    plot_columns = "['loss', 'val_loss']" if not source.classification else "['binary_accuracy', 'val_binary_accuracy']"
    plot = "history_df = pd.DataFrame(history.history)\n\nplt.plot(history_df['loss'], label='loss')\nplt.plot(history_df['val_loss'], label='val_loss')\nplt.legend()\nplt.show()"
    if source.classification:
        plot += f"\n\nhistory_df.loc[:, {plot_columns}].plot()\nplt.show()"
    if scale_target:
        plot += (
            f"\n\nbest = history_df['val_loss'].min()\nspan = max_[{target!r}] - min_[{target!r}]\n"
            # The target's name goes in as a literal (repr), never into the
            # f-string's code: an uploaded column may be called anything.
            f"print('Best validation loss: {{:.4f}} ({{:.2f}} {{}} points)'.format(best, best * span, {target!r}))"
        )
    sections.append(("Plot the learning curves", plot))
    return sections


def keras_script(spec: ModelSpec, config: TrainConfig, source: DataSource = WINE, *, epochs: int | None = None) -> str:
    """The complete runnable script (see ``script_sections``)."""
    body = "\n\n".join(f"# {heading}\n{code}" for heading, code in script_sections(spec, config, source, epochs=epochs))
    return f'"""Generated by DL Playground: the same model and training as in the app."""\n\n{body}\n'


def notebook(spec: ModelSpec, config: TrainConfig, source: DataSource = WINE) -> str:
    """The script as a Jupyter notebook (nbformat 4): a markdown heading and a
    code cell per section. Returns the ``.ipynb`` JSON text."""
    cells = []
    for heading, code in script_sections(spec, config, source):
        cells.append({"cell_type": "markdown", "metadata": {}, "source": [f"## {heading}"]})
        cells.append(
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": code.splitlines(keepends=True),
            }
        )
    document = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1, ensure_ascii=False)
