"""The overfitting lesson's one-click experiments on the red-wine data.

Each follows a slide of the course's "過適&乏適" (overfitting & underfitting)
section: the baseline ``Dense(16, relu) + Dense(1)``, the wider and the deeper
model; the course's 3 × 512 model trained for 500 epochs with
``EarlyStopping(min_delta=0.001, patience=20, restore_best_weights=True)``,
then with ``Dropout(0.3)`` and with BatchNormalization in both of the slides'
placements. All compile with ``optimizer='adam', loss='mae'`` and fit with
``batch_size=256``; the capacity runs use the course's ``epochs=10`` (the
slides' only fit without a callback). Two more runs put six sigmoid layers
beside six ReLU layers to show vanishing gradients.
"""

from __future__ import annotations

from dataclasses import dataclass

from dlcore.data import WINE_FEATURES
from dlcore.spec import ModelSpec, TrainConfig

N_WINE = len(WINE_FEATURES)
COURSE_EPOCHS = 10
EARLY_STOPPING = TrainConfig(epochs=500, early_stopping=True, min_delta=0.001, patience=20, restore_best=True)
GROUPS: tuple[str, ...] = ("capacity", "remedies", "gradients")


@dataclass(frozen=True)
class Experiment:
    """One preset run.

    Attributes:
        key: Stable id (text keys ``overfit.exp.<key>`` and widget keys use it).
        group: One of ``GROUPS``.
        model: The model spec.
        train: The training config.
    """

    key: str
    group: str
    model: ModelSpec
    train: TrainConfig


EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment("baseline", "capacity", ModelSpec(N_WINE, units=(16,)), TrainConfig(epochs=COURSE_EPOCHS)),
    Experiment("wider", "capacity", ModelSpec(N_WINE, units=(32,)), TrainConfig(epochs=COURSE_EPOCHS)),
    Experiment("deeper", "capacity", ModelSpec(N_WINE, units=(16, 16)), TrainConfig(epochs=COURSE_EPOCHS)),
    Experiment("early_stopping", "remedies", ModelSpec(N_WINE, units=(512,) * 3), EARLY_STOPPING),
    Experiment("dropout", "remedies", ModelSpec(N_WINE, units=(512,) * 3, dropout=0.3), EARLY_STOPPING),
    Experiment("bn_after", "remedies", ModelSpec(N_WINE, units=(512,) * 3, batchnorm="after"), EARLY_STOPPING),
    Experiment(
        "bn_inside", "remedies", ModelSpec(N_WINE, units=(512,) * 3, batchnorm="before_activation"), EARLY_STOPPING
    ),
    Experiment(
        "deep_sigmoid", "gradients", ModelSpec(N_WINE, units=(32,) * 6, activation="sigmoid"), TrainConfig(epochs=30)
    ),
    Experiment(
        "deep_relu", "gradients", ModelSpec(N_WINE, units=(32,) * 6, activation="relu"), TrainConfig(epochs=30)
    ),
)

EXPERIMENTS_BY_KEY: dict[str, Experiment] = {e.key: e for e in EXPERIMENTS}


def in_group(group: str) -> list[Experiment]:
    """The experiments of one group, in course order."""
    return [e for e in EXPERIMENTS if e.group == group]
