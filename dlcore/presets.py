"""Course presets: each code slide of the course one click away.

A preset is a model spec and a training config, named after the slide it
reproduces (text keys ``preset.<key>`` and ``preset.<key>.slide``). The
overfitting experiments are reused, not restated.
"""

from __future__ import annotations

from dataclasses import dataclass

from dlcore.data import WINE_FEATURES
from dlcore.experiments import EARLY_STOPPING, EXPERIMENTS
from dlcore.spec import ModelSpec, TrainConfig


@dataclass(frozen=True)
class Preset:
    """One slide's configuration.

    Attributes:
        key: Stable id (text keys and button keys use it).
        model: The model spec.
        train: The training config.
    """

    key: str
    model: ModelSpec
    train: TrainConfig


_EXPERIMENT = {e.key: e for e in EXPERIMENTS}

WINE_PRESETS: tuple[Preset, ...] = (
    Preset("linear_unit", ModelSpec(len(WINE_FEATURES), depth=0), TrainConfig()),
    Preset("course_wine", ModelSpec(len(WINE_FEATURES)), TrainConfig()),
    Preset("early_stopping", ModelSpec(len(WINE_FEATURES)), EARLY_STOPPING),
    *(Preset(k, _EXPERIMENT[k].model, _EXPERIMENT[k].train) for k in ("baseline", "wider", "deeper", "dropout", "bn_after", "bn_inside")),
)
