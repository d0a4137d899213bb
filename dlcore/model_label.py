"""A model's short name for run tables and chart legends."""

from __future__ import annotations

from dlcore.spec import ModelSpec
from dlcore.text import t


def layers_label(model: ModelSpec, lang: str) -> str:
    """The hidden layers in a few characters.

    Equal layers are counted ("3×Dense(512, ReLU)"), unequal ones listed
    ("Dense(4, ReLU) → Dense(3, ReLU)"); no hidden layer is the linear unit.

    Args:
        model: The model spec.
        lang: Text language.

    Returns:
        The label.
    """
    if model.depth == 0:
        return t("model.label.linear", lang)
    activation = t(f"activation.{model.activation}", lang)
    if model.is_uniform:
        return t("model.label.uniform", lang, depth=model.depth, width=model.units[0], activation=activation)
    return " → ".join(t("model.label.layer", lang, width=width, activation=activation) for width in model.units)
