"""The linear unit y = wx + b on the red-wine data: maths, payloads, code.

Everything here is closed-form NumPy (the line, its residuals, MAE and MSE)
or the course code shown on the page; the charts are in
``lessons.neuron.figures`` and the Keras fit itself runs in a worker
(``lessons.neuron.tasks``).

Units: the course's min-max scaled training split, x′ = (x − min)/(max − min)
with min and max of the 1,119 training wines, for the feature and for the
quality alike, so both axes run from 0 (lowest) to 1 (highest).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dlcore.data import wine_split

DEFAULT_FEATURE = "alcohol"
MULTI_DEFAULTS: tuple[str, str, str] = ("alcohol", "volatile acidity", "sulphates")

# Slider ranges (scaled units). Every least-squares line of one wine feature
# has |w| < 0.5 and b < 0.7; every three-feature fit has |wᵢ|, |b| < 0.8.
W_RANGE, B_RANGE = (-2.0, 2.0), (-1.0, 1.0)
MULTI_W_RANGE = (-1.5, 1.5)

# The fit: plain SGD on MSE with minibatches of 32 (Keras's default).
# With η = 0.1 the single-feature line visibly walks to the least-squares
# line in about 30 epochs; three features need the larger η = 0.3 (still
# below the stability limit 2/λ_max ≈ 0.8 of that problem).
FIT_LEARNING_RATE = 0.1
MULTI_FIT_LEARNING_RATE = 0.3
MULTI_FIT_EPOCHS = 20
BATCH_SIZE = 32
MAX_EPOCHS = 200


def feature_data(features: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Scaled training-split columns of some wine features, and the quality.

    Args:
        features: Names from ``WINE_FEATURES``.

    Returns:
        ``(x, y)``: x of shape ``(n, len(features))``, y of shape ``(n,)``.
    """
    split = wine_split()
    columns = [split.feature_names.index(name) for name in features]
    return split.x_train[:, columns].astype(float), split.y_train.astype(float)


def raw_range(column: str) -> tuple[float, float]:
    """The training split's (min, max) of a column in raw units."""
    split = wine_split()
    low = float(split.minimum[column])
    return low, low + float(split.span[column])


def raw_value(column: str, scaled: float) -> float:
    """Undoes the min-max scaling: x = min + x′·(max − min)."""
    low, high = raw_range(column)
    return low + scaled * (high - low)


def predict(x: np.ndarray, weights: Sequence[float], bias: float) -> np.ndarray:
    """The linear unit's output ŷ = Σᵢ wᵢxᵢ + b for every row of ``x``.

    Args:
        x: Inputs, shape ``(n, k)``.
        weights: k weights.
        bias: b.

    Returns:
        ŷ, shape ``(n,)``.
    """
    return np.asarray(x, float) @ np.asarray(weights, float) + bias


def errors(y: np.ndarray, prediction: np.ndarray) -> tuple[float, float]:
    """MAE = mean|ŷ − y| and MSE = mean (ŷ − y)².

    Returns:
        ``(mae, mse)``.
    """
    residual = np.asarray(prediction, float) - np.asarray(y, float)
    return float(np.mean(np.abs(residual))), float(np.mean(residual**2))


def least_squares(x: np.ndarray, y: np.ndarray) -> tuple[list[float], float]:
    """The weights and bias with the smallest MSE, in closed form.

    Solves min ‖[x 1]·[w; b] − y‖² with ``numpy.linalg.lstsq``: the point an
    MSE fit by gradient descent converges to.

    Args:
        x: Inputs, shape ``(n, k)``.
        y: Targets, shape ``(n,)``.

    Returns:
        ``(weights, bias)``.
    """
    design = np.column_stack([np.asarray(x, float), np.ones(len(y))])
    solution = np.linalg.lstsq(design, np.asarray(y, float), rcond=None)[0]
    return [float(v) for v in solution[:-1]], float(solution[-1])


def slider_value(value: float, bounds: tuple[float, float]) -> float:
    """Rounds to the sliders' 0.01 step and keeps the value inside their range."""
    return float(np.clip(round(value, 2), *bounds))


def multi_slider_values(weights: Sequence[float], bias: float) -> tuple[list[float], float, bool]:
    """A three-input fit's weights and bias as the sliders can hold them.

    Args:
        weights: w₀, w₁, w₂ as Keras left them.
        bias: b as Keras left it.

    Returns:
        ``(weights, bias, clipped)``: each rounded to 0.01 and kept inside
        ``MULTI_W_RANGE`` (weights) or ``B_RANGE`` (bias); ``clipped`` says
        whether some value lay outside its range.
    """
    clipped = (
        any(not MULTI_W_RANGE[0] <= v <= MULTI_W_RANGE[1] for v in weights) or not B_RANGE[0] <= bias <= B_RANGE[1]
    )
    return [slider_value(v, MULTI_W_RANGE) for v in weights], slider_value(bias, B_RANGE), clipped


def fit_payload(
    features: Sequence[str],
    weights: Sequence[float],
    bias: float,
    *,
    epochs: int,
    learning_rate: float = FIT_LEARNING_RATE,
) -> dict[str, Any]:
    """The payload of ``fit_neuron``: start from the given w and b.

    Args:
        features: Wine feature names (one per input).
        weights: Starting weights (the sliders' values).
        bias: Starting bias.
        epochs: Passes over the training split.
        learning_rate: SGD's η.

    Returns:
        A JSON-serialisable payload.
    """
    return {
        "features": list(features),
        "w0": [float(w) for w in weights],
        "b0": float(bias),
        "epochs": int(epochs),
        "learning_rate": learning_rate,
    }


def _num(value: float) -> str:
    """A float literal for generated code: 4 significant digits, always a float."""
    text = f"{value:.4g}"
    return text if any(c in text for c in ".en") else f"{text}.0"


def _array(values: Sequence[float]) -> str:
    return ", ".join(_num(v) for v in values)


def fit_code(feature: str, w: float, b: float, epochs: int) -> str:
    """The Keras code of "Let Keras fit it", with the current values.

    Args:
        feature: The input feature.
        w: Starting weight.
        b: Starting bias.
        epochs: Epochs.

    Returns:
        Python source for ``st.code``.
    """
    return f"""import keras
import numpy as np
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(1,)),
    layers.Dense(units=1),
])
model.layers[0].set_weights([np.array([[{_num(w)}]]), np.array([{_num(b)}])])  # start from your w, b
model.compile(optimizer=keras.optimizers.SGD(learning_rate={FIT_LEARNING_RATE}), loss="mse")


class WeightRecorder(keras.callbacks.Callback):
    \"\"\"Keeps (w, b) after every epoch.\"\"\"

    def on_epoch_end(self, epoch, logs=None):
        kernel, bias = self.model.layers[0].get_weights()
        path.append((kernel[0, 0], bias[0]))


path = []
history = model.fit(
    X_train[["{feature}"]], y_train,
    epochs={epochs}, batch_size={BATCH_SIZE},
    callbacks=[WeightRecorder()],
)"""


def course_multi_code() -> str:
    """The course's three-input linear unit, exactly as on the slide."""
    return """from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Dense(units=1, input_shape=[3])
])"""


def modern_multi_code(weights: Sequence[float], bias: float, inputs: Sequence[float]) -> str:
    """The same unit in Keras 3 style, set to the sliders and run on one wine.

    Args:
        weights: w₀, w₁, w₂.
        bias: b.
        inputs: The wine's scaled x₀, x₁, x₂.

    Returns:
        Python source for ``st.code``.
    """
    prediction = float(np.dot(weights, inputs) + bias)
    kernel = ", ".join(f"[{_num(w)}]" for w in weights)
    return f"""import keras
import numpy as np
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(3,)),
    layers.Dense(units=1),
])
model.layers[0].set_weights([np.array([{kernel}]), np.array([{_num(bias)}])])
model.predict(np.array([[{_array(inputs)}]]))  # [[{prediction:.4f}]]"""
