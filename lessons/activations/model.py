"""Activation functions: formulas, targets and task payloads (no Keras here).

The curves and derivatives themselves come from Keras in a worker
(``lessons.activations.tasks``): this module only names the functions, builds
the payloads, supplies the closed-form targets of the non-linearity demo and
writes the formulas and code the page shows; ``lessons.activations.figures``
draws what the worker returns.

Why a network needs activations: stacking linear layers stays linear,

    W₃(W₂(W₁x + b₁) + b₂) + b₃ = (W₃W₂W₁)x + (W₃W₂b₁ + W₃b₂ + b₃),

so without a non-linear function between the layers any depth can only draw
a straight line (course slide: 讓神經網路可以不再只有線性關係).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dlcore.spec import ACTIVATIONS
from dlcore.text import t

# The x window of the curve charts and its sampling.
X_MIN, X_MAX, GRID_POINTS = -5.0, 5.0, 401
MAX_POINTS = 5_000

# Each function as the course writes it (sigmoid and tanh in exponentials),
# with Keras's default constants: leaky_relu's negative_slope = 0.2 and
# ELU's alpha = 1.
FORMULAS: dict[str, str] = {
    "relu": r"\mathrm{ReLU}(x) = \max(0,\ x)",
    "sigmoid": r"\sigma(x) = \frac{e^{x}}{e^{x} + 1} = \frac{1}{1 + e^{-x}}",
    "tanh": r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
    "linear": r"f(x) = x",
    "elu": r"\mathrm{ELU}(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases},\quad \alpha = 1",
    "gelu": r"\mathrm{GELU}(x) = x\,\Phi(x) = \frac{x}{2}\left(1 + \operatorname{erf}\frac{x}{\sqrt{2}}\right)",
    "leaky_relu": r"\mathrm{LeakyReLU}(x) = \max(\alpha x,\ x),\quad \alpha = 0.2",
    "softplus": r"\mathrm{softplus}(x) = \ln\left(1 + e^{x}\right)",
    "swish": r"\mathrm{swish}(x) = x\,\sigma(x) = \frac{x}{1 + e^{-x}}",
}

# The function's symbol when applied to a neuron's output: a(wx + b).
SYMBOLS: dict[str, str] = {
    "relu": r"\mathrm{ReLU}",
    "sigmoid": r"\sigma",
    "tanh": r"\tanh",
    "linear": "",
    "elu": r"\mathrm{ELU}",
    "gelu": r"\mathrm{GELU}",
    "leaky_relu": r"\mathrm{LeakyReLU}",
    "softplus": r"\mathrm{softplus}",
    "swish": r"\mathrm{swish}",
}

# Targets of the non-linearity demo, on x ∈ [−2, 2].
TARGETS: dict[str, str] = {
    "square": r"y = x^{2}",
    "sine": r"y = \sin(2x)",
    "abs": r"y = |x|",
}
FIT_X_MIN, FIT_X_MAX, FIT_POINTS = -2.0, 2.0, 201

# The demo network: Dense(16, act) → Dense(16, act) → Dense(1), i.e. three
# Dense layers like the course's Sequential example.
FIT_DEPTH, FIT_WIDTH = 2, 16
FIT_LEARNING_RATE = 0.03
FIT_BATCH_SIZE = 32
# The 201 grid points repeated 60 times form one long epoch of 377
# minibatches. On such tiny data Keras's fixed cost per epoch dominates, so
# one long epoch trains as much as 60 short ones in a fraction of the time.
FIT_REPEATS = 60


def target_values(name: str, x: np.ndarray) -> np.ndarray:
    """The non-linear target y(x) the demo networks learn.

    Args:
        name: A key of ``TARGETS``.
        x: Inputs.

    Returns:
        y = x², sin(2x) or |x|.
    """
    if name == "square":
        return x**2
    if name == "sine":
        return np.sin(2 * x)
    if name == "abs":
        return np.abs(x)
    raise KeyError(name)


def label(name: str, lang: str) -> str:
    """The activation's display name, e.g. "ReLU"."""
    return t(f"activation.{name}", lang)


def fit_grid() -> np.ndarray:
    """The 201 evenly spaced inputs on [−2, 2] the demo trains and plots on."""
    return np.linspace(FIT_X_MIN, FIT_X_MAX, FIT_POINTS)


def affine_latex(w: float, b: float) -> str:
    """Writes wx + b with numbers, e.g. ``1.5x - 0.3`` (``x`` when w = 1, b = 0)."""
    if w == 0:
        slope = ""
    elif w == 1:
        slope = "x"
    elif w == -1:
        slope = "-x"
    else:
        slope = f"{w:g}x"
    if not slope:
        return f"{b:g}"
    if b == 0:
        return slope
    return f"{slope} {'+' if b > 0 else '-'} {abs(b):g}"


def neuron_latex(name: str, w: float, b: float) -> str:
    """The neuron's formula, symbolic and with the current numbers.

    For ReLU this is the course's ``max(0, wx + b)``.

    Args:
        name: Activation key.
        w: Weight.
        b: Bias.

    Returns:
        A LaTeX string for ``st.latex``.
    """
    line = affine_latex(w, b)
    if name == "relu":
        symbolic, numeric = r"\max(0,\ wx + b)", rf"\max(0,\ {line})"
    elif name == "linear":
        symbolic, numeric = "wx + b", line
    else:
        symbolic, numeric = rf"{SYMBOLS[name]}(wx + b)", rf"{SYMBOLS[name]}\left({line}\right)"
    return rf"\begin{{aligned}} y &= {symbolic} \\ &= {numeric} \end{{aligned}}"


def curves_payload(names: Sequence[str], w: float = 1.0, b: float = 0.0) -> dict[str, Any]:
    """The payload of ``activation_curves`` for the charts' x window.

    Args:
        names: Keys of ``ACTIVATIONS``.
        w: Weight of the neuron in front (1 = the bare function).
        b: Bias of the neuron in front.

    Returns:
        A JSON-serialisable payload.
    """
    return {"names": list(names), "x_min": X_MIN, "x_max": X_MAX, "points": GRID_POINTS, "w": w, "b": b}


def nonlinear_payload(target: str, activation: str, seed: int = 0) -> dict[str, Any]:
    """The payload of ``fit_nonlinear``: the linear stack against ``activation``."""
    return {"target": target, "activations": ["linear", activation], "seed": seed}


def least_squares_line(x: Sequence[float], y: Sequence[float]) -> tuple[float, float, float]:
    """The best straight line y ≈ ax + c in the least-squares sense.

    No stack of linear layers can beat it: it is the closed-form reference
    for what the linear network can reach.

    Args:
        x: Inputs.
        y: Targets.

    Returns:
        ``(slope, intercept, mse)``.
    """
    xs, ys = np.asarray(x, float), np.asarray(y, float)
    slope, intercept = np.polyfit(xs, ys, 1)
    mse = float(np.mean((slope * xs + intercept - ys) ** 2))
    return float(slope), float(intercept), mse


def curves_code(name: str) -> str:
    """The Keras code behind the curve charts, for ``st.code``."""
    return f"""import keras
import tensorflow as tf

x = tf.linspace({X_MIN}, {X_MAX}, {GRID_POINTS})
with tf.GradientTape() as tape:
    tape.watch(x)
    y = keras.activations.{ACTIVATIONS[name]}(x)
dy_dx = tape.gradient(y, x)  # a'(x) by automatic differentiation"""


def fit_code(activation: str) -> str:
    """The Keras code of the non-linearity demo, for ``st.code``."""
    hidden = "\n".join(
        f"        layers.Dense({FIT_WIDTH}, activation=activation)," for _ in range(FIT_DEPTH)
    )
    return f"""import keras
import numpy as np
from keras import layers

x = np.linspace({FIT_X_MIN}, {FIT_X_MAX}, {FIT_POINTS})
x_train = np.tile(x, {FIT_REPEATS})[:, None]  # one long epoch: the points {FIT_REPEATS} times
y_train = np.tile(target(x), {FIT_REPEATS})

for activation in ["linear", "{ACTIVATIONS[activation]}"]:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(1,)),
{hidden}
        layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate={FIT_LEARNING_RATE}), loss="mse")
    model.fit(x_train, y_train, batch_size={FIT_BATCH_SIZE}, epochs=1)"""
