"""The shared model-and-training panel (wine, overfitting and classifier pages).

Widget keys are stable names used by tests and shareable links: ``depth``,
``width`` (every hidden layer's units), ``per_layer`` and ``units_1`` ...
``units_8`` (units layer by layer), ``activation``, ``dropout``, ``batchnorm``, ``l1``, ``l2``,
``loss``, ``optimizer``, ``learning_rate``, ``momentum``, ``batch_size``,
``epochs``, ``early_stopping``, ``min_delta``, ``patience``,
``restore_best``, ``seed``.

The widgets are shared, their values are not: each page has a *scope* (the
wine page the default one), and the panel keeps one saved copy of the values
per scope. When a scope other than the last drawn one draws the panel, its
own values come back, so a classifier's settings never leak into the wine
regressor and the other way round.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

import pandas as pd
import streamlit as st

from dlcore.spec import (
    ACTIVATIONS,
    BATCH_SIZES,
    BATCHNORM_PLACEMENTS,
    LEARNING_RATES,
    LOSSES,
    MAX_DEPTH,
    MAX_EPOCHS,
    MAX_WIDTH,
    OPTIMIZERS,
    PENALTIES,
    ModelSpec,
    SettingError,
    TrainConfig,
)
from dlcore.text import t
from ui import controls

UNIT_KEYS = tuple(f"units_{i}" for i in range(1, MAX_DEPTH + 1))
MODEL_KEYS = ("depth", "width", "per_layer", *UNIT_KEYS, "activation", "dropout", "batchnorm", "l1", "l2")
SPEC_KEYS = ("activation", "dropout", "batchnorm", "l1", "l2")  # the ModelSpec fields widgets hold as they are
COURSE_WIDTH = 512  # Dense(512): what the width shows before any model set it
TRAIN_KEYS = (
    "loss", "optimizer", "learning_rate", "momentum", "batch_size", "epochs",
    "early_stopping", "min_delta", "patience", "restore_best", "seed",
)  # fmt: skip
PANEL_KEYS = MODEL_KEYS + TRAIN_KEYS
DEFAULT_SCOPE = "shared"
_SAVED = "panel_saved"  # {scope: {key: value}}
_DRAWN = "panel_scope"  # the scope whose values the widgets hold


def _saved(scope: str) -> dict[str, Any]:
    return st.session_state.setdefault(_SAVED, {}).setdefault(scope, {})


def apply_settings(model: ModelSpec | None, train: TrainConfig | None, scope: str = DEFAULT_SCOPE) -> None:
    """Puts a spec's values into the panel's widgets (presets use this).

    Must run before the panel's widgets are drawn in a script run (or from a
    button callback).

    Args:
        model: Model settings, or None to leave them.
        train: Training settings, or None to leave them.
        scope: The page scope the values belong to.
    """
    values: dict[str, Any] = {}
    if model is not None:
        values.update(_model_widgets(model))
    if train is not None:
        values.update({k: v for k, v in asdict(train).items() if k in TRAIN_KEYS})
    if st.session_state.get(_DRAWN, DEFAULT_SCOPE) == scope:
        for key, value in values.items():
            st.session_state[key] = value
    _saved(scope).update(values)


def _model_widgets(model: ModelSpec) -> dict[str, Any]:
    """The widget values that show ``model`` (the inverse of ``_hidden_units``).

    Equal hidden layers show as depth × width; unequal ones switch on
    ``per_layer``. Layers past the depth repeat the last width, so adding a
    layer starts from its neighbour. The linear unit leaves the widths alone.
    """
    values: dict[str, Any] = {k: v for k, v in asdict(model).items() if k in SPEC_KEYS}
    values["depth"] = model.depth
    values["per_layer"] = not model.is_uniform
    if model.units:
        values["width"] = model.units[0]
        values.update({key: model.units[min(i, model.depth - 1)] for i, key in enumerate(UNIT_KEYS)})
    return values


def _hidden_units(state: Any) -> tuple[int, ...]:
    """The hidden layers' units the widgets describe."""
    depth = int(state["depth"])
    if state.get("per_layer"):
        return tuple(int(state[key]) for key in UNIT_KEYS[:depth])
    return (int(state["width"]),) * depth


def _link_keys(state: Any) -> list[str]:
    """Panel keys that apply to the current setup (what a shared link holds)."""
    per_layer = bool(state.get("per_layer"))
    hidden = {"width"} if per_layer else set(UNIT_KEYS)
    hidden |= set(UNIT_KEYS[int(state["depth"]) :])
    return [key for key in PANEL_KEYS if key not in hidden]


def _switch_per_layer() -> None:
    # Layer by layer starts from the common width; back to one width takes
    # the first layer's.
    state = st.session_state
    saved = _saved(state.get(_DRAWN, DEFAULT_SCOPE))  # what an undrawn widget held
    if state["per_layer"]:
        width = state.get("width", saved.get("width", COURSE_WIDTH))
        for key in UNIT_KEYS:
            state[key] = saved[key] = width
    else:
        first = UNIT_KEYS[0]
        state["width"] = saved["width"] = state.get(first, saved.get(first, COURSE_WIDTH))


def _seed_state(defaults: dict[str, Any], scope: str) -> None:
    # Streamlit forgets a widget's value when a run does not draw it (another
    # page was open), so the panel keeps its own copy per scope and restores
    # from it; a scope change restores every value.
    saved = _saved(scope)
    switched = st.session_state.get(_DRAWN, DEFAULT_SCOPE) != scope
    st.session_state[_DRAWN] = scope
    for key, default in defaults.items():
        if switched or key not in st.session_state:
            st.session_state[key] = saved.get(key, default)


def _save_state(scope: str) -> None:
    saved = _saved(scope)
    for key in PANEL_KEYS:
        if key in st.session_state:
            saved[key] = st.session_state[key]


def _link_parsers(losses: tuple[str, ...]) -> dict[str, Any]:
    """How each panel setting is read from a shared link (the widgets' bounds)."""
    return {
        "depth": controls.range_parser(0, MAX_DEPTH, integer=True),
        "width": controls.range_parser(1, MAX_WIDTH, integer=True),
        "per_layer": controls.flag_parser(),
        **{key: controls.range_parser(1, MAX_WIDTH, integer=True) for key in UNIT_KEYS},
        "activation": controls.options_parser(list(ACTIVATIONS)),
        "dropout": controls.range_parser(0.0, 0.8, integer=False),
        "batchnorm": controls.options_parser(BATCHNORM_PLACEMENTS),
        "l1": controls.options_parser(PENALTIES),
        "l2": controls.options_parser(PENALTIES),
        "loss": controls.options_parser(losses),
        "optimizer": controls.options_parser(list(OPTIMIZERS)),
        "learning_rate": controls.options_parser(LEARNING_RATES),
        "momentum": controls.range_parser(0.0, 0.99, integer=False),
        "batch_size": controls.options_parser(BATCH_SIZES),
        "epochs": controls.range_parser(1, MAX_EPOCHS, integer=True),
        "early_stopping": controls.flag_parser(),
        "min_delta": controls.range_parser(0.0, 1.0, integer=False),
        "patience": controls.range_parser(1, 1000, integer=True),
        "restore_best": controls.flag_parser(),
        "seed": controls.range_parser(0, 2**31 - 1, integer=True),
    }


def _apply_link(losses: tuple[str, ...], scope: str) -> None:
    # A shared link's settings win over the defaults and the saved values.
    given: dict[str, Any] = {}
    for key, parse in _link_parsers(losses).items():
        ok, value = controls.take_link_value(key, parse)
        if ok:
            given[key] = value
    # A hand-written link may name layer units without per_layer=true, or
    # give one width to a layer-by-layer setup.
    if "per_layer" not in given and any(key in given for key in UNIT_KEYS):
        given["per_layer"] = True
    if given.get("per_layer") and "width" in given:
        for key in UNIT_KEYS:
            given.setdefault(key, given["width"])
    for key, value in given.items():
        st.session_state[key] = value
        _saved(scope)[key] = value


def _nearest(options: tuple[Any, ...], key: str) -> None:
    value = st.session_state.get(key)
    if value not in options:
        st.session_state[key] = min(options, key=lambda o: abs(o - float(value or 0)))


def training_panel(
    lang: str,
    *,
    n_inputs: int,
    model_defaults: ModelSpec,
    train_defaults: TrainConfig,
    losses: tuple[str, ...] = tuple(LOSSES),
    scope: str = DEFAULT_SCOPE,
) -> tuple[ModelSpec | None, TrainConfig | None]:
    """Draws the model and training controls and returns the chosen specs.

    Args:
        lang: Text language.
        n_inputs: Number of input features of the page's data.
        model_defaults: Initial model settings (the course's model).
        train_defaults: Initial training settings.
        losses: Loss choices offered.
        scope: Whose saved values the panel shows (one scope per page).

    Returns:
        ``(model_spec, train_config)``; either is None (with an error shown)
        when the settings are out of bounds, e.g. too many parameters.
    """
    defaults = _panel_defaults(model_defaults, train_defaults)
    _prepare_state(defaults, losses, scope)
    model_col, train_col = st.columns(2, gap="large")
    with model_col:
        st.markdown(f"**{t('panel.model', lang)}**")
        _architecture_controls(lang)
        _regularisation_controls(lang)
    with train_col:
        st.markdown(f"**{t('panel.training', lang)}**")
        _optimizer_controls(lang, losses)
        _training_controls(lang)
    _save_state(scope)
    _mirror_link(defaults)
    return _chosen_specs(lang, n_inputs, model_defaults.output_activation, defaults)


def _panel_defaults(model_defaults: ModelSpec, train_defaults: TrainConfig) -> dict[str, Any]:
    """Every widget's default: the given specs, the course's width where the model sets none."""
    defaults: dict[str, Any] = {"width": COURSE_WIDTH, **dict.fromkeys(UNIT_KEYS, COURSE_WIDTH)}
    defaults.update(_model_widgets(model_defaults))
    defaults.update({f.name: getattr(train_defaults, f.name) for f in fields(TrainConfig) if f.name in TRAIN_KEYS})
    return defaults


def _prepare_state(defaults: dict[str, Any], losses: tuple[str, ...], scope: str) -> None:
    """Fills the widgets' state before they are drawn: the scope's saved values
    (or the defaults), then a shared link's settings, snapped to offered choices."""
    _seed_state(defaults, scope)
    _apply_link(losses, scope)
    for key, options in (("learning_rate", LEARNING_RATES), ("batch_size", BATCH_SIZES), ("l1", PENALTIES), ("l2", PENALTIES)):
        _nearest(options, key)
    if st.session_state["loss"] not in losses:
        st.session_state["loss"] = losses[0]


def _architecture_controls(lang: str) -> None:
    """Depth, the hidden layers' units, and their activation."""
    _draw(st, "slider", t("panel.depth", lang), 0, MAX_DEPTH, key="depth", help=t("panel.depth_help", lang))
    _units_inputs(lang)
    _draw(
        st,
        "selectbox",
        t("panel.activation", lang),
        list(ACTIVATIONS),
        key="activation",
        format_func=lambda k: t(f"activation.{k}", lang),
    )


def _regularisation_controls(lang: str) -> None:
    """Dropout, batch normalization, and the L1 and L2 weight penalties."""
    _draw(st, "slider", t("panel.dropout", lang), 0.0, 0.8, step=0.05, key="dropout", help=t("panel.dropout_help", lang))
    _draw(
        st,
        "selectbox",
        t("panel.batchnorm", lang),
        list(BATCHNORM_PLACEMENTS),
        key="batchnorm",
        format_func=lambda k: t(f"panel.batchnorm.{k}", lang),
    )
    c1, c2 = st.columns(2)
    _draw(c1, "select_slider", t("panel.l1", lang), PENALTIES, key="l1")
    _draw(c2, "select_slider", t("panel.l2", lang), PENALTIES, key="l2")


def _optimizer_controls(lang: str, losses: tuple[str, ...]) -> None:
    """The loss, the optimizer, its learning rate and (if it uses one) momentum."""
    c1, c2 = st.columns(2)
    _draw(c1, "selectbox", t("panel.loss", lang), list(losses), key="loss", format_func=lambda k: t(f"loss.{k}", lang))
    _draw(
        c2,
        "selectbox",
        t("panel.optimizer", lang),
        list(OPTIMIZERS),
        key="optimizer",
        format_func=lambda k: t(f"optimizer.{k}", lang),
    )
    _draw(
        st,
        "select_slider",
        t("panel.learning_rate", lang),
        LEARNING_RATES,
        key="learning_rate",
        format_func=lambda v: f"{v:g}",
    )
    if OPTIMIZERS[st.session_state["optimizer"]].uses_momentum:
        _draw(st, "slider", t("panel.momentum", lang), 0.0, 0.99, step=0.01, key="momentum")


def _training_controls(lang: str) -> None:
    """Batch size, epochs, early stopping (with its settings when on), and the seed."""
    c1, c2 = st.columns(2)
    _draw(c1, "select_slider", t("panel.batch_size", lang), BATCH_SIZES, key="batch_size")
    _draw(c2, "number_input", t("panel.epochs", lang), 1, MAX_EPOCHS, step=1, key="epochs")
    _draw(st, "toggle", t("panel.early_stopping", lang), key="early_stopping")
    if st.session_state["early_stopping"]:
        c1, c2, c3 = st.columns(3)
        _draw(c1, "number_input", t("panel.min_delta", lang), 0.0, 1.0, step=0.001, format="%.4f", key="min_delta")
        _draw(c2, "number_input", t("panel.patience", lang), 1, 1000, step=1, key="patience")
        _draw(c3, "checkbox", t("panel.restore_best", lang), key="restore_best")
    _draw(st, "number_input", t("panel.seed", lang), 0, 2**31 - 1, step=1, key="seed", help=t("panel.seed_help", lang))


def _mirror_link(defaults: dict[str, Any]) -> None:
    """Mirrors the settings that apply into the page's link (defaults are left out)."""
    state = st.session_state
    for key in _link_keys(state):
        if key in state:
            controls.write_link(key, state[key], defaults[key])


def _chosen_specs(
    lang: str, n_inputs: int, output_activation: str | None, defaults: dict[str, Any]
) -> tuple[ModelSpec | None, TrainConfig | None]:
    """The specs the widgets describe, or ``(None, None)`` (reason shown) when out of bounds."""
    state = st.session_state
    try:
        model = ModelSpec(
            n_inputs=n_inputs,
            units=_hidden_units(state),
            **{k: state[k] for k in SPEC_KEYS},
            output_activation=output_activation,
        )
        train = TrainConfig(**{k: state.get(k, defaults[k]) for k in TRAIN_KEYS})
    except SettingError as exc:
        st.error(t(exc.key, lang, **exc.values))
        return None, None
    return model, train


def _draw(where: Any, widget: str, label: str, *args: Any, key: str, **kwargs: Any) -> None:
    """Draws one panel widget in ``where`` (``st`` or a column), unless the
    presenter hid it: a hidden setting keeps its value and still applies.

    The value persists across pages (``persist_state="session"``): a widget
    that one run does not draw (a deselected optimizer's momentum, a layer
    past the depth) has its value back when it is drawn again.
    """
    if key not in controls.hidden_keys():
        getattr(where, widget)(label, *args, key=key, persist_state="session", **kwargs)


def _units_inputs(lang: str) -> None:
    """Units of the hidden layers: one number for all, or one per layer."""
    state = st.session_state
    depth = state["depth"]
    if depth < 2 and state["per_layer"]:  # one layer or none: nothing to set layer by layer
        state["per_layer"] = False
        state["width"] = state.get(UNIT_KEYS[0], state.get("width", COURSE_WIDTH))
    _draw(
        st,
        "toggle",
        t("panel.per_layer", lang),
        key="per_layer",
        on_change=_switch_per_layer,
        disabled=depth < 2,
        help=t("panel.per_layer_help", lang),
    )
    if not state["per_layer"]:
        _draw(st, "number_input", t("panel.width", lang), 1, MAX_WIDTH, step=1, key="width", disabled=depth == 0)
        return
    columns = st.columns(4)
    for i, key in enumerate(UNIT_KEYS[:depth]):
        _draw(columns[i % 4], "number_input", t("panel.layer_units", lang, n=i + 1), 1, MAX_WIDTH, step=1, key=key)


def summary_table(model: ModelSpec, lang: str) -> pd.DataFrame:
    """The model summary (layer, output shape, params) as a table."""
    rows = model.summary_rows()
    return pd.DataFrame(
        {
            t("panel.summary.layer", lang): [r["layer"] for r in rows],
            t("panel.summary.shape", lang): [r["output_shape"] for r in rows],
            t("panel.summary.params", lang): [r["params"] for r in rows],
        }
    )
