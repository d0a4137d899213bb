"""Builds Keras objects from specs. Imported only in worker processes."""

from __future__ import annotations

import keras

from dlcore.spec import OPTIMIZERS, LayerSpec, ModelSpec, TrainConfig


def _layer(layer: LayerSpec) -> keras.layers.Layer:
    kwargs = layer.kwargs
    regularizer = kwargs.pop("kernel_regularizer", None)
    if regularizer is not None:
        _, l1, l2 = regularizer
        kwargs["kernel_regularizer"] = keras.regularizers.L1L2(l1=l1, l2=l2)
    return getattr(keras.layers, layer.kind)(**kwargs)


def build_model(spec: ModelSpec) -> keras.Sequential:
    """Builds the Sequential model a spec describes.

    Args:
        spec: The model spec.

    Returns:
        An uncompiled, built ``keras.Sequential``.
    """
    return keras.Sequential(
        [keras.Input(shape=(spec.n_inputs,)), *(_layer(layer) for layer in spec.layers())]
    )


def build_optimizer(config: TrainConfig) -> keras.optimizers.Optimizer:
    """Creates the optimizer a training config names.

    Args:
        config: The training config.

    Returns:
        A fresh ``keras.optimizers.Optimizer``.
    """
    cls = getattr(keras.optimizers, OPTIMIZERS[config.optimizer].keras_class)
    return cls(**config.optimizer_kwargs())
