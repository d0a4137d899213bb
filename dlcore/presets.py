"""Course presets: each code slide of the course one click away.

A preset is a model spec and a training config (and, for the classifier
page, a data set), named after the slide it reproduces (text keys
``preset.<key>`` and ``preset.<key>.slide``). The overfitting experiments are
reused, not restated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dlcore.data import WINE_FEATURES
from dlcore.experiments import EARLY_STOPPING, EXPERIMENTS
from dlcore.spec import ModelSpec, TrainConfig

_BINARY = {"loss": "binary_crossentropy", "optimizer": "adam"}


@dataclass(frozen=True)
class Preset:
    """One slide's configuration.

    Attributes:
        key: Stable id (text keys and button keys use it).
        model: The model spec.
        train: The training config.
        dataset: The bundled data set the slide needs (classifier page), or
            None to keep the page's data.
    """

    key: str
    model: ModelSpec
    train: TrainConfig
    dataset: str | None = None


_EXPERIMENT = {e.key: e for e in EXPERIMENTS}

WINE_PRESETS: tuple[Preset, ...] = (
    Preset("linear_unit", ModelSpec(len(WINE_FEATURES), units=()), TrainConfig()),
    Preset("course_wine", ModelSpec(len(WINE_FEATURES)), TrainConfig()),
    Preset("early_stopping", ModelSpec(len(WINE_FEATURES)), EARLY_STOPPING),
    *(Preset(k, _EXPERIMENT[k].model, _EXPERIMENT[k].train) for k in ("baseline", "wider", "deeper", "dropout", "bn_after", "bn_inside")),
)

CLASSIFIER_PRESETS: tuple[Preset, ...] = (
    # The Sequential Models slide's Dense(4) → Dense(3) → Dense(1) on its two
    # inputs (the 2-D circle), with the classifier's sigmoid output.
    Preset(
        "sequential_slide",
        ModelSpec(2, units=(4, 3), activation="relu", output_activation="sigmoid"),
        TrainConfig(**_BINARY, learning_rate=0.01, batch_size=16, epochs=100),
        dataset="circle",
    ),
    # compile(optimizer='adam', loss='binary_crossentropy',
    # metrics=['binary_accuracy']): Adam's default step 0.001, trained on the
    # Ionosphere network with the course's early stopping.
    Preset(
        "binary_compile",
        ModelSpec(34, units=(4, 4), activation="relu", output_activation="sigmoid"),
        replace(EARLY_STOPPING, **_BINARY, learning_rate=0.001, batch_size=16),
        dataset="ionosphere",
    ),
)
