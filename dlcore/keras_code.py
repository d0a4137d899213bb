"""The Keras lines of a configuration, as on the course's slides.

A thin view of ``dlcore.export``'s generated script (one source for all code
the app shows): the input features' function (2-D sets with extra columns),
the model, ``compile``, the EarlyStopping callback if any, and ``fit``, without the data preparation around them.
"""

from __future__ import annotations

from dlcore.export import WINE, DataSource, script_sections
from dlcore.spec import ModelSpec, TrainConfig

CODE_SECTIONS = ("Input features", "Model", "Loss and optimizer", "Early stopping", "Train the model")


def keras_code(
    model: ModelSpec, train: TrainConfig, source: DataSource = WINE, *, features: tuple[str, ...] | list[str] = ()
) -> str:
    """The model, compile, callback and fit lines of the exported script.

    Args:
        model: The model spec.
        train: The training config.
        source: The data source (decides the loss, metrics and output layer).
        features: The 2-D sets' extra input columns (the feature function first).

    Returns:
        Python source text.
    """
    sections = script_sections(model, train, source, features=features)
    return "\n\n".join(code for heading, code in sections if heading in CODE_SECTIONS)
