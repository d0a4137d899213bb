"""Model and training specs: the one source of truth for a configuration.

A ``ModelSpec`` describes a Sequential stack of Dense layers. Its ``layers()``
list is what the Keras model (``dlcore.runtime.keras_build``), the parameter count,
the summary table and the architecture diagram are all derived from, so they
cannot disagree. Nothing here imports Keras: the server process uses specs
freely, only worker processes build models.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

# Registries: user-facing name -> Keras identifier. Selectboxes list the keys.
ACTIVATIONS: dict[str, str] = {
    "relu": "relu",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "linear": "linear",
    "elu": "elu",
    "gelu": "gelu",
    "leaky_relu": "leaky_relu",
    "softplus": "softplus",
    "swish": "swish",
}

# Where BatchNormalization goes in each hidden layer (both course placements).
BATCHNORM_PLACEMENTS: tuple[str, ...] = ("none", "after", "before_activation")

LOSSES: dict[str, str] = {"mae": "mae", "mse": "mse", "huber": "huber"}


@dataclass(frozen=True)
class OptimizerChoice:
    """A Keras optimizer class and the fixed arguments that define a choice.

    Attributes:
        keras_class: Class name in ``keras.optimizers``.
        uses_momentum: Whether the ``momentum`` setting applies.
        nesterov: Nesterov momentum (SGD only).
    """

    keras_class: str
    uses_momentum: bool = False
    nesterov: bool = False


OPTIMIZERS: dict[str, OptimizerChoice] = {
    "sgd": OptimizerChoice("SGD"),
    "momentum": OptimizerChoice("SGD", uses_momentum=True),
    "nesterov": OptimizerChoice("SGD", uses_momentum=True, nesterov=True),
    "adagrad": OptimizerChoice("Adagrad"),
    "rmsprop": OptimizerChoice("RMSprop"),
    "adadelta": OptimizerChoice("Adadelta"),
    "adam": OptimizerChoice("Adam"),
    "adamw": OptimizerChoice("AdamW"),
}

MAX_PARAMS = 5_000_000
MAX_DEPTH = 8  # hidden layers
MAX_WIDTH = 1024  # units per hidden layer
MAX_EPOCHS = 1000

# The training panel's choices (``ui.panel``; a link value off these is
# ignored there) and the values a class sweep may give them.
LEARNING_RATES: tuple[float, ...] = (
    1e-5, 3e-5, 1e-4, 3e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0,
)  # fmt: skip
BATCH_SIZES: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048)
PENALTIES: tuple[float, ...] = (0.0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)  # L1 and L2


class SettingError(ValueError):
    """A setting out of its bounds. ``key`` and ``values`` name a catalogue text.

    Args:
        key: Text catalogue key of the message.
        **values: Values for the message's placeholders.
    """

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(f"{key}: {values}")
        self.key = key
        self.values = values


def check_range(name: str, value: float, low: float, high: float) -> None:
    """Raises ``SettingError("error.setting_range")`` unless low ≤ value ≤ high (finite)."""
    if not (isinstance(value, int | float) and math.isfinite(value) and low <= value <= high):
        raise SettingError("error.setting_range", name=name, value=value, low=low, high=high)


def _check_choice(name: str, value: str, choices: Any) -> None:
    if value not in choices:
        raise SettingError("error.setting_choice", name=name, value=value)


@dataclass(frozen=True)
class LayerSpec:
    """One Keras layer: its class name, constructor arguments and output width.

    Attributes:
        kind: ``"Dense"``, ``"BatchNormalization"``, ``"Activation"`` or
            ``"Dropout"``.
        units: Width of the layer's output.
        args: Constructor arguments as Keras takes them (plain values).
    """

    kind: str
    units: int
    args: tuple[tuple[str, Any], ...] = ()

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.args)


@dataclass(frozen=True)
class ModelSpec:
    """A Sequential model of Dense layers.

    Attributes:
        n_inputs: Number of input features.
        units: Units of each hidden Dense layer, input side first; ``()`` is
            the single linear unit y = wx + b, ``(4, 3)`` the course's
            Sequential Models slide, ``(512, 512, 512)`` its wine model.
        activation: Key of ``ACTIVATIONS`` for hidden layers.
        dropout: Dropout rate after each hidden layer (0 = none).
        batchnorm: One of ``BATCHNORM_PLACEMENTS``.
        l1: L1 weight penalty on every Dense kernel.
        l2: L2 weight penalty on every Dense kernel.
        output_activation: ``None`` (regression) or ``"sigmoid"`` (binary
            classification).
    """

    n_inputs: int
    units: tuple[int, ...] = (512, 512, 512)
    activation: str = "relu"
    dropout: float = 0.0
    batchnorm: str = "none"
    l1: float = 0.0
    l2: float = 0.0
    output_activation: str | None = None

    def __post_init__(self) -> None:
        # Job payloads travel as JSON, which turns the tuple into a list.
        object.__setattr__(self, "units", tuple(self.units))
        check_range("n_inputs", self.n_inputs, 1, 10_000)
        check_range("depth", self.depth, 0, MAX_DEPTH)
        for width in self.units:
            check_range("width", width, 1, MAX_WIDTH)
        _check_choice("activation", self.activation, ACTIVATIONS)
        check_range("dropout", self.dropout, 0.0, 0.8)
        _check_choice("batchnorm", self.batchnorm, BATCHNORM_PLACEMENTS)
        check_range("l1", self.l1, 0.0, 1.0)
        check_range("l2", self.l2, 0.0, 1.0)
        _check_choice("output_activation", self.output_activation, (None, "sigmoid"))
        count = self.param_count()
        if count > MAX_PARAMS:
            raise SettingError("error.too_many_params", count=count, limit=MAX_PARAMS)

    @classmethod
    def uniform(cls, n_inputs: int, depth: int, width: int, **settings: Any) -> ModelSpec:
        """A model whose ``depth`` hidden layers all have ``width`` units.

        Args:
            n_inputs: Number of input features.
            depth: Hidden Dense layers.
            width: Units of each.
            **settings: The other fields (activation, dropout, ...).

        Returns:
            The spec.
        """
        return cls(n_inputs, units=(width,) * depth, **settings)

    @property
    def depth(self) -> int:
        """Number of hidden Dense layers."""
        return len(self.units)

    @property
    def is_uniform(self) -> bool:
        """Whether every hidden layer has the same number of units."""
        return len(set(self.units)) <= 1

    def _dense_args(self, units: int, activation: str | None) -> tuple[tuple[str, Any], ...]:
        args: list[tuple[str, Any]] = [("units", units)]
        if activation is not None:
            args.append(("activation", ACTIVATIONS.get(activation, activation)))
        if self.l1 or self.l2:
            args.append(("kernel_regularizer", ("L1L2", self.l1, self.l2)))
        return tuple(args)

    def layers(self) -> list[LayerSpec]:
        """The layers in order, input excluded.

        Each hidden layer of ``w`` units is, by ``batchnorm`` placement (as on the course's
        Batch Normalization slides)::

            none:              Dense(w, act)
            after:             Dense(w, act), BatchNormalization()
            before_activation: Dense(w), BatchNormalization(), Activation(act)

        followed by ``Dropout(rate)`` when ``dropout > 0``; then ``Dense(1)``.

        Returns:
            The layer specs.
        """
        result: list[LayerSpec] = []
        for width in self.units:
            if self.batchnorm == "before_activation":
                result.append(LayerSpec("Dense", width, self._dense_args(width, None)))
                result.append(LayerSpec("BatchNormalization", width))
                result.append(LayerSpec("Activation", width, (("activation", ACTIVATIONS[self.activation]),)))
            else:
                result.append(LayerSpec("Dense", width, self._dense_args(width, self.activation)))
                if self.batchnorm == "after":
                    result.append(LayerSpec("BatchNormalization", width))
            if self.dropout > 0:
                result.append(LayerSpec("Dropout", width, (("rate", self.dropout),)))
        result.append(LayerSpec("Dense", 1, self._dense_args(1, self.output_activation)))
        return result

    def layer_params(self) -> list[int]:
        """Parameters per layer, as Keras counts them (``count_params``).

        Dense(n → m) has n·m weights and m biases; BatchNormalization has 4
        per unit (γ and β trained, moving mean and variance not); Dropout and
        Activation have none.

        Returns:
            One count per entry of ``layers()``.
        """
        counts = []
        fan_in = self.n_inputs
        for layer in self.layers():
            if layer.kind == "Dense":
                counts.append(fan_in * layer.units + layer.units)
            elif layer.kind == "BatchNormalization":
                counts.append(4 * layer.units)
            else:
                counts.append(0)
            fan_in = layer.units
        return counts

    def param_count(self) -> int:
        """Total parameters, trainable and not, as ``model.count_params()``."""
        return sum(self.layer_params())

    def summary_rows(self) -> list[dict[str, Any]]:
        """Rows like ``model.summary()``: Keras's layer names, shapes, params.

        Returns:
            One dict per layer with keys ``layer``, ``output_shape``, ``params``.
        """
        seen: dict[str, int] = {}
        rows = []
        for layer, params in zip(self.layers(), self.layer_params(), strict=True):
            base = _snake(layer.kind)
            n = seen.get(base, 0)
            seen[base] = n + 1
            name = base if n == 0 else f"{base}_{n}"
            rows.append(
                {"layer": f"{name} ({layer.kind})", "output_shape": f"(None, {layer.units})", "params": params}
            )
        return rows


def _snake(name: str) -> str:
    out = "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
    return out


@dataclass(frozen=True)
class TrainConfig:
    """How a model is compiled and fitted.

    Attributes:
        loss: Key of ``LOSSES`` (regression) or ``"binary_crossentropy"``.
        optimizer: Key of ``OPTIMIZERS``.
        learning_rate: Step size η.
        momentum: Momentum β for the momentum and Nesterov optimizers.
        batch_size: Samples per minibatch.
        epochs: Passes over the training data.
        early_stopping: Add ``EarlyStopping`` on ``val_loss``.
        min_delta: EarlyStopping's minimum improvement.
        patience: EarlyStopping's epochs without improvement.
        restore_best: EarlyStopping's ``restore_best_weights``.
        seed: Seed for ``keras.utils.set_random_seed``.
    """

    loss: str = "mae"
    optimizer: str = "adam"
    learning_rate: float = 0.001
    momentum: float = 0.9
    batch_size: int = 256
    epochs: int = 10
    early_stopping: bool = False
    min_delta: float = 0.001
    patience: int = 20
    restore_best: bool = True
    seed: int = 0

    def __post_init__(self) -> None:
        _check_choice("loss", self.loss, (*LOSSES, "binary_crossentropy"))
        _check_choice("optimizer", self.optimizer, OPTIMIZERS)
        check_range("learning_rate", self.learning_rate, 1e-6, 10.0)
        check_range("momentum", self.momentum, 0.0, 0.999)
        check_range("batch_size", self.batch_size, 1, 8192)
        check_range("epochs", self.epochs, 1, MAX_EPOCHS)
        check_range("min_delta", self.min_delta, 0.0, 1.0)
        check_range("patience", self.patience, 1, 1000)
        check_range("seed", self.seed, 0, 2**31 - 1)

    def optimizer_kwargs(self) -> dict[str, Any]:
        """Arguments for the Keras optimizer class of this choice."""
        choice = OPTIMIZERS[self.optimizer]
        kwargs: dict[str, Any] = {"learning_rate": self.learning_rate}
        if choice.uses_momentum:
            kwargs["momentum"] = self.momentum
        if choice.nesterov:
            kwargs["nesterov"] = True
        return kwargs


def to_dict(spec: ModelSpec | TrainConfig) -> dict[str, Any]:
    """A spec's fields as a plain dict (for job payloads and run tables)."""
    return asdict(spec)


def from_dict(cls: type, values: dict[str, Any]) -> Any:
    """Rebuilds a spec from ``to_dict`` output, ignoring unknown keys."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in values.items() if k in names})


__all__ = [
    "ACTIVATIONS",
    "BATCHNORM_PLACEMENTS",
    "BATCH_SIZES",
    "LEARNING_RATES",
    "LOSSES",
    "MAX_DEPTH",
    "MAX_EPOCHS",
    "MAX_PARAMS",
    "MAX_WIDTH",
    "OPTIMIZERS",
    "PENALTIES",
    "LayerSpec",
    "ModelSpec",
    "OptimizerChoice",
    "SettingError",
    "TrainConfig",
    "from_dict",
    "to_dict",
]
