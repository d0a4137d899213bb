"""The classification page's views: data controls, class balance, the
cross-entropy explainer and the live decision boundary; after a run, the
threshold, confusion matrix, ROC curve and baseline."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dlcore.data import TABLE_CLASSIFIERS, SplitData, data_split
from dlcore.diagnosis import constant_baseline, diagnose
from dlcore.export import DataSource
from dlcore.figures.curves import run_colour
from dlcore.figures.neuron_view import NeuronState, input_names, neuron_figure, neuron_state, unit_figure, unit_option
from dlcore.keras_code import keras_code
from dlcore.markup import md
from dlcore.runtime.runs import RunRecord, latest_probe
from dlcore.runtime.tasks import Task
from dlcore.spec import ModelSpec, TrainConfig, to_dict
from dlcore.text import error_text, t
from dlcore.toy_data import (
    FEATURES,
    GRID_SIZE,
    NEURON_GRID,
    TOY_KINDS,
    Grid,
    decode_probabilities,
    decode_probability_text,
    feature_tuple,
    grid_for,
)
from lessons.classification.figures import (
    boundary_figure,
    class_balance_figure,
    confusion_figure,
    cross_entropy_figure,
    curves_figure,
    roc_figure,
)
from lessons.classification.model import SUGGESTIONS, auc, confusion, majority_accuracy, roc_curve
from ui import controls
from ui.charts import memoized, project, show, show_memoized
from ui.compute import ComputeError, compute
from ui.curve_controls import frame_run_number
from ui.diagnosis_view import show_diagnosis
from ui.distributions import distributions_view, with_weights_probe
from ui.export_view import export_section
from ui.live import LiveFrame
from ui.panel import apply_settings

PAGE = "classification"
DATASETS: tuple[str, ...] = (*TABLE_CLASSIFIERS, *TOY_KINDS)
BOUNDARY_INTERVAL = 0.25  # seconds between two streamed grids: at most 4 per second
NEURON_INTERVAL = 1 / 3  # seconds between two neuron-view snapshots: at most 3 per second
# The bundled tables as the exported script reads them (labels made 0/1 there).
SOURCES: dict[str, DataSource] = {
    "ionosphere": DataSource("ionosphere.csv", "Class", classification=True, positive="g"),
    "wine_good": DataSource("winequality-red.csv", "quality", classification=True, threshold=7),
}
TOY_SOURCE = DataSource("", "label", classification=True)  # 2-D sets: no file, code lines only


def suggested_specs(dataset: str) -> tuple[ModelSpec, TrainConfig]:
    """The suggested model (sigmoid output) and training for a data set."""
    s = SUGGESTIONS[dataset]
    model = ModelSpec(n_inputs=2, units=s.units, activation=s.activation, output_activation="sigmoid")
    train = TrainConfig(
        loss="binary_crossentropy",
        optimizer="adam",
        learning_rate=s.learning_rate,
        batch_size=s.batch_size,
        epochs=s.epochs,
    )
    return model, train


def _apply_suggestion() -> None:
    dataset = st.session_state["dataset"]
    apply_settings(*suggested_specs(dataset), scope=PAGE)
    st.session_state[f"{PAGE}_suggested"] = dataset
    st.session_state.pop(f"{PAGE}_preset_loaded", None)  # the panel no longer holds the preset


def data_controls(lang: str) -> dict[str, Any]:
    """Data set, noise, size, seed and split controls.

    Widget keys: ``dataset``, ``noise``, ``n_points``, ``data_seed``,
    ``train_ratio`` (noise and size only for the 2-D sets).

    Returns:
        The job payload's ``data`` dict for the current choice.
    """
    c1, c2 = st.columns([2, 3])
    dataset = controls.selectbox(
        t("clf.dataset", lang),
        list(DATASETS),
        index=DATASETS.index("ionosphere"),
        key="dataset",
        format_func=lambda k: t(f"clf.ds.{k}", lang),
        on_change=_apply_suggestion,
        where=c1,
    )
    with c2:
        controls.explain(t(f"clf.ds.{dataset}.about", lang))
    toy = dataset in TOY_KINDS
    c1, c2, c3, c4 = st.columns(4)
    train_ratio = controls.slider(
        t("clf.train_ratio", lang),
        0.1,
        0.9,
        0.7,
        step=0.05,
        key="train_ratio",
        help=t("clf.train_ratio_help", lang),
        where=c1,
    )
    data_seed = controls.number_input(
        t("clf.data_seed", lang), 0, 10_000, 0, step=1, key="data_seed", help=t("clf.data_seed_help", lang), where=c2
    )
    data: dict[str, Any] = {"dataset": dataset, "train_fraction": float(train_ratio), "seed": int(data_seed)}
    if toy:
        noise = controls.slider(
            t("clf.noise", lang), 0.0, 0.5, 0.1, step=0.01, key="noise", help=t("clf.noise_help", lang), where=c3
        )
        n_points = controls.select_slider(
            t("clf.n_points", lang), (100, 200, 400, 800, 1600), value=400, key="n_points", where=c4
        )
        data.update(noise=float(noise), n_points=int(n_points))
        features = feature_controls(lang)
        if features:  # only when chosen: runs and links without features stay as they were
            data["features"] = list(features)
    if st.session_state.get(f"{PAGE}_suggested") == dataset:
        st.caption(t("clf.suggested", lang, name=t(f"clf.ds.{dataset}", lang)))
    return data


def feature_controls(lang: str) -> tuple[str, ...]:
    """The 2-D sets' optional input features, one checkbox each (keys
    ``feature_x1sq``, ``feature_x2sq``, ``feature_x1x2``, ``feature_sin1``,
    ``feature_sin2``; bound to the link).

    Returns:
        The chosen feature names, in ``FEATURES`` order.
    """
    st.caption(t("nv.features", lang), help=t("nv.features_help", lang))
    columns = st.columns(len(FEATURES))
    chosen = [
        name
        for name, col in zip(FEATURES, columns, strict=True)
        if controls.checkbox(t(f"nv.feature.{name}", lang), key=f"feature_{name}", where=col)
    ]
    return feature_tuple(chosen)


def plane_grid(data: dict[str, Any], size: int = GRID_SIZE) -> Grid:
    """The grid over the plane a 2-D set's maps are drawn on: framed by x1
    and x2 only, carrying the set's features (the model's extra inputs)."""
    split = data_split(data)
    frame = grid_for(np.vstack([split.x_train[:, :2], split.x_valid[:, :2]]), size)
    return Grid(frame.extent, size, feature_tuple(data.get("features")))


def run_split(data: dict[str, Any], current: dict[str, Any], split: SplitData) -> SplitData | None:
    """The split a run was trained on.

    Args:
        data: The run's ``meta["data"]``.
        current: The current data choice (as a run's ``meta["data"]`` records it).
        split: The current choice's split.

    Returns:
        ``split`` for a run on the current data; the recomputed split of a
        bundled set; None for another uploaded table (its rows are gone).
    """
    if data == current:
        return split
    return None if data.get("dataset") == "upload" else data_split(data)


def class_balance(split: SplitData, lang: str) -> None:
    """Counts of each class per split and the majority-class baseline (chart
    key ``classification_balance``)."""
    counts = {
        t("clf.balance.train", lang): (int(np.sum(split.y_train < 0.5)), int(np.sum(split.y_train > 0.5))),
        t("clf.balance.valid", lang): (int(np.sum(split.y_valid < 0.5)), int(np.sum(split.y_valid > 0.5))),
    }
    majority, share = majority_accuracy(split.y_train, split.y_valid)
    positive_rate = float(np.mean(np.r_[split.y_train, split.y_valid]))
    chart_col, text_col = st.columns([3, 2])
    show(class_balance_figure(counts, lang=lang), key="classification_balance", where=chart_col)
    text_col.markdown(t("clf.balance.text", lang, rate=positive_rate, cls=t(f"clf.class{majority}", lang), share=share))
    if min(positive_rate, 1 - positive_rate) < 0.25:
        text_col.warning(t("clf.balance.imbalanced", lang, share=share))


def cross_entropy_explainer(lang: str) -> None:
    """−log p beside MAE and MSE on probabilities, from Keras's own loss
    functions (chart key ``classification_ce_chart``)."""
    try:
        curves = compute(Task.LOSS_CURVES, {"points": 201})
    except ComputeError as exc:
        st.warning(error_text(exc.error, lang))
        return
    show(cross_entropy_figure(curves, lang=lang), key="classification_ce_chart")
    p = curves["p"]
    rows = []
    for target in (0.01, 0.1, 0.5, 0.9, 0.99):
        i = min(range(len(p)), key=lambda j: abs(p[j] - target))
        rows.append(
            {
                t("clf.ce.col.p", lang): f"{p[i]:.2f}",
                t("clf.ce.col.bce", lang): round(curves["bce_1"][i], 3),
                t("clf.ce.col.mae", lang): round(curves["mae_1"][i], 3),
                t("clf.ce.col.mse", lang): round(curves["mse_1"][i], 3),
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="classification_ce_table")


def live_curves(frame: LiveFrame, lang: str) -> go.Figure:
    """Loss and accuracy curves of the running job or the latest run, in
    the run's colour (as in the run history and the distributions)."""
    result = (frame.record.result or {}) if frame.record is not None else {}
    return curves_figure(
        frame.history,
        lang=lang,
        total_epochs=frame.total_epochs,
        best_epoch=result.get("best_epoch"),
        stopped_epoch=result.get("stopped_epoch"),
        colour=run_colour(frame_run_number(PAGE, frame)),
    )


def boundary_view(frame: LiveFrame, current: dict[str, Any], lang: str) -> None:
    """The decision boundary of the running job (its latest streamed grid)
    or of the latest run, over the data's points; the points alone before a
    run on the current data (chart key ``classification_boundary``). After a
    run, an earlier epoch chosen on the neuron view's scrubber shows that
    snapshot's (coarser) output map instead."""
    data = frame.meta["data"] if frame.running and frame.meta else current
    if data["dataset"] not in TOY_KINDS:
        return
    split = data_split(data)
    grid = plane_grid(data)
    boundary = None
    if frame.running:
        boundary = latest_probe(frame.events, "boundary")
    elif frame.record is not None and frame.record.meta.get("data") == current:
        boundary = frame.record.extras.get("boundary")
        replay = _replayed(_snapshots(frame, current))
        if replay is not None:
            grid = plane_grid(data, int(replay["size"]))
            boundary = {"epoch": replay["epoch"], "text": replay["output"]}

    def figure() -> go.Figure:
        z = None
        if boundary and "text" in boundary:
            z = decode_probability_text(boundary["text"], grid.size)
        elif boundary:
            z = decode_probabilities(boundary["p"], grid.size)
        return boundary_figure(
            grid,
            z,
            split.x_train,
            split.y_train,
            split.x_valid,
            split.y_valid,
            lang=lang,
            epoch=boundary["epoch"] if boundary else None,
        )

    # Redrawn at every poll; rebuilt only when a new grid arrived.
    version = (frame.source, boundary["epoch"] if boundary else None)
    show_memoized(figure, key="classification_boundary", signature=(repr(data), version, lang))
    if boundary is None:
        st.caption(t("clf.boundary.before", lang))


def _snapshots(frame: LiveFrame, current: dict[str, Any]) -> list[dict[str, Any]]:
    """The neuron-view snapshots to show: the running job's latest, or the
    latest run's kept ones (when it ran on the current data)."""
    if frame.running:
        latest = latest_probe(frame.events, "neurons")
        return [latest] if latest is not None else []
    if frame.record is not None and frame.record.meta.get("data") == current:
        return list(frame.record.extras.get("neurons", []))
    return []


def _replayed(snapshots: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The snapshot chosen on the scrubber (key ``neuron_epoch``) when it is
    not the last one, else None (the final model is shown)."""
    epoch = st.session_state.get("neuron_epoch")
    epochs = [s["epoch"] for s in snapshots]
    if epoch not in epochs[:-1]:
        return None
    return snapshots[epochs.index(epoch)]


def _unit_options(state: NeuronState) -> list[str]:
    """The picker's options: ``"out"`` and ``"layer:unit"`` (layer 1-based)."""
    hidden = len(state.layers)
    return [
        "out",
        *(unit_option(n, u, hidden) for n, layer in enumerate(state.layers, 1) for u in range(layer.maps.shape[0])),
    ]


def _keep_valid(key: str, options: list[Any]) -> None:
    """Drops a widget's stored value that the new options no longer hold
    (another run, another network), so the widget falls back to its default."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


NEURONS_CHART = "classification_neurons"


def _unit_clicked() -> None:
    """Chart callback: a click on a unit's map makes it the picker's choice
    (its click layer's ``customdata``, ``dlcore.figures.neuron_view``)."""
    selection = (st.session_state.get(NEURONS_CHART) or {}).get("selection") or {}
    picked = [point["customdata"] for point in selection.get("points") or [] if point.get("customdata")]
    if picked:
        option = picked[-1]
        st.session_state["neuron_unit"] = option[0] if isinstance(option, list) else option


def neuron_view(frame: LiveFrame, current: dict[str, Any], lang: str) -> None:
    """Every unit's map and every weight (2-D sets), live while a run trains
    and kept afterwards; a unit picker (``neuron_unit``) shows one unit
    large with its weights in and bias (a click on a unit's map picks it
    too); after a run, a scrubber
    (``neuron_epoch``) replays the kept snapshots (chart keys
    ``classification_neurons``, ``classification_unit``)."""
    data = frame.meta["data"] if frame.running and frame.meta else current
    if data["dataset"] not in TOY_KINDS:
        return
    st.subheader(t("nv.header", lang))
    controls.explain(t("nv.text", lang))
    snapshots = _snapshots(frame, current)
    if not snapshots:
        st.caption(t("nv.before", lang) if frame.record is None or frame.running else t("nv.other_data", lang))
        return
    snapshot = snapshots[-1]
    if not frame.running and len(snapshots) > 1:
        epochs = [s["epoch"] for s in snapshots]
        _keep_valid("neuron_epoch", epochs)
        epoch = st.select_slider(
            t("nv.epoch", lang), epochs, value=epochs[-1], key="neuron_epoch", help=t("nv.epoch_help", lang)
        )
        snapshot = snapshots[epochs.index(epoch)]
    state = neuron_state(snapshot)
    grid = plane_grid(data, int(snapshot["size"]))
    options = _unit_options(state)
    _keep_valid("neuron_unit", options)
    meta = frame.meta or {}
    # The picker is drawn below the network, but the network frames the
    # chosen unit: read the choice first (a pick reruns this fragment).
    chosen = st.session_state.get("neuron_unit", "out")
    column, unit = (len(state.layers) + 1, 0) if chosen == "out" else tuple(int(v) for v in chosen.split(":"))
    signature = (frame.source, state.epoch, chosen, lang, repr(data), bool(st.session_state.get("projector")))

    def network() -> go.Figure:
        fig = neuron_figure(state, grid, lang=lang, selected=(column, unit))
        if st.session_state.get("projector"):
            project(fig)
            fig.update_layout(margin={"b": 10})  # no legend to move below: the maps keep their room
        return fig

    st.plotly_chart(
        memoized(NEURONS_CHART, signature, network),
        key=NEURONS_CHART,
        width="stretch",
        on_select=_unit_clicked,
        selection_mode="points",
    )
    pick_col, big_col = st.columns([2, 3])
    with pick_col:
        st.selectbox(
            t("nv.unit", lang),
            options,
            key="neuron_unit",
            help=t("nv.unit_help", lang),
            format_func=lambda o: _unit_label(o, state, lang),
        )
    _unit_detail(
        state,
        grid,
        data,
        (column, unit),
        str(meta.get("model", {}).get("activation", "")),
        lang,
        pick_col,
        big_col,
        signature,
    )


def _unit_label(option: str, state: NeuronState, lang: str) -> str:
    if option == "out":
        return t("nv.unit.output", lang)
    n, unit = (int(v) for v in option.split(":"))
    return t("nv.unit.hidden", lang, n=n, unit=unit, index=state.layers[n - 1].index)


def _unit_detail(
    state: NeuronState,
    grid: Grid,
    data: dict[str, Any],
    selected: tuple[int, int],
    activation: str,
    lang: str,
    text_col: Any,
    chart_col: Any,
    signature: tuple,
) -> None:
    """The chosen unit: its map large (the output with the data over it),
    its incoming weights as a table, its bias."""
    column, unit = selected
    weights = state.weights[column - 1]
    kernel = np.asarray(weights["kernel"], dtype=float)[:, unit]
    bias = float(np.asarray(weights["bias"])[unit])
    senders = (
        input_names(grid.features)
        if column == 1
        else [
            t("nv.unit.hidden", lang, n=column - 1, unit=i, index=state.layers[column - 2].index)
            for i in range(len(kernel))
        ]
    )
    output = column == len(state.layers) + 1
    with text_col:
        st.markdown(t("nv.unit.bias", lang, bias=bias, act="sigmoid" if output else md(activation)))
        table = pd.DataFrame({t("nv.col.from", lang): senders, t("nv.col.weight", lang): np.round(kernel, 4)})
        st.dataframe(table, hide_index=True, width="stretch", key="classification_unit_weights")
        if not output:
            st.caption(t("nv.unit.scale", lang, scale=state.layers[column - 1].scale))

    def figure() -> go.Figure:
        if output:
            split = data_split(data)
            title = t("nv.unit.title_output", lang, index=weights["index"], name=weights["name"])
            points = (split.x_train[:, :2], split.y_train, split.x_valid[:, :2], split.y_valid)
            return unit_figure(state.output, grid, title=title, zrange=1.0, lang=lang, probability=True, points=points)
        layer = state.layers[column - 1]
        title = t("nv.unit.title", lang, index=layer.index, name=layer.name, unit=unit)
        return unit_figure(layer.maps[unit], grid, title=title, zrange=layer.scale, lang=lang)

    show_memoized(figure, key="classification_unit", signature=signature, where=chart_col)


def live_extra(frame: LiveFrame, current: dict[str, Any], split: SplitData, lang: str) -> None:
    """Below the live curves: the decision boundary and the neuron view
    (2-D sets) and the diagnosis (against the constant prediction when the
    run's split is known)."""
    boundary_view(frame, current, lang)
    neuron_view(frame, current, lang)
    distributions_view(PAGE, frame, lang)  # TensorBoard's distributions (ui.distributions)
    if frame.meta is not None and frame.history.get("val_loss"):
        trained = run_split(frame.meta["data"], current, split)
        baseline = (
            None if trained is None else constant_baseline("binary_crossentropy", trained.y_train, trained.y_valid)
        )
        diagnosis = diagnose(frame.history.get("loss", []), frame.history["val_loss"], baseline=baseline)
        show_diagnosis(diagnosis, lang, running=frame.running, key="classification_dx")


def payload_for(model: ModelSpec, train: TrainConfig, data: dict[str, Any]) -> dict[str, Any]:
    """The training job's payload; 2-D sets add the boundary probe."""
    payload: dict[str, Any] = {"model": to_dict(model), "train": to_dict(train), "data": data}
    if data["dataset"] in TOY_KINDS:
        grid = plane_grid(data)
        features = list(grid.features)
        payload["probes"] = {
            "boundary": {"extent": grid.extent, "size": grid.size, "interval": BOUNDARY_INTERVAL, "features": features},
            "neurons": {"extent": grid.extent, "size": NEURON_GRID, "interval": NEURON_INTERVAL, "features": features},
        }
    return with_weights_probe(payload)  # TensorBoard's distributions (ui.distributions)


def code_section(
    model: ModelSpec,
    train: TrainConfig,
    dataset: str,
    lang: str,
    source: DataSource | None = None,
    features: tuple[str, ...] | list[str] = (),
) -> None:
    """The Keras code of the settings: the full downloadable script for the
    tables (``source`` for an uploaded one), the feature function (if any),
    model, compile and fit lines for the 2-D sets."""
    source = source or SOURCES.get(dataset)
    if source is not None:
        export_section(model, train, lang, page=PAGE, source=source)
        return
    with st.expander(t("clf.code", lang)):
        st.code(keras_code(model, train, TOY_SOURCE, features=features), language="python")


def _pct(value: float) -> str:
    return "–" if np.isnan(value) else f"{value:.1%}"


def classification_results(record: RunRecord, split: SplitData | None, lang: str) -> None:
    """The latest run's validation predictions read at a chosen threshold.

    Widgets and charts: slider ``threshold``; charts ``classification_confusion``
    and ``classification_roc``.

    Args:
        record: The latest run (its ``predictions`` are validation probabilities).
        split: The split the run was trained on (``run_split``); None when it
            is not at hand (an uploaded table since replaced).
        lang: Text language.
    """
    if split is None:
        st.caption(t("clf.results.other_data", lang, number=record.number))
        return
    y, p = split.y_valid, np.asarray(record.predictions, dtype=float)
    if len(p) != len(y):
        return
    st.subheader(t("clf.results.title", lang, number=record.number))
    controls.explain(t("clf.results.text", lang))
    threshold = controls.slider(
        t("clf.threshold", lang), 0.0, 1.0, 0.5, step=0.01, key="threshold", help=t("clf.threshold_help", lang)
    )
    counts = confusion(y, p, threshold)
    majority, majority_acc = majority_accuracy(split.y_train, y)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        t("clf.accuracy", lang),
        _pct(counts.accuracy),
        delta=t("clf.vs_majority", lang, points=(counts.accuracy - majority_acc) * 100),
        delta_color="normal" if counts.accuracy > majority_acc else "inverse",
    )
    c2.metric(
        t("clf.majority", lang),
        _pct(majority_acc),
        help=t("clf.majority_help", lang, cls=t(f"clf.class{majority}", lang)),
    )
    c3.metric(t("clf.precision", lang), _pct(counts.precision), help=t("clf.precision_help", lang))
    c4.metric(t("clf.recall", lang), _pct(counts.recall), help=t("clf.recall_help", lang))
    st.caption(
        t(
            "clf.read_accuracy",
            lang,
            acc=counts.accuracy,
            majority=majority_acc,
            cls=t(f"clf.class{majority}", lang),
            errors=counts.fp + counts.fn,
            fp=counts.fp,
            fn=counts.fn,
        )
    )
    cm_col, roc_col = st.columns(2)
    show(confusion_figure(counts, lang=lang), key="classification_confusion", where=cm_col)
    try:
        fpr, tpr, _ = roc_curve(y, p)
    except ValueError:
        roc_col.warning(t("clf.roc.one_class", lang))
        return
    area = auc(fpr, tpr)
    show(
        roc_figure(fpr, tpr, area, lang=lang, point=(counts.false_positive_rate, counts.recall), threshold=threshold),
        key="classification_roc",
        where=roc_col,
    )
    keras_auc = (record.result or {}).get("final", {}).get("val_auc")
    roc_col.caption(
        t("clf.roc.caption", lang, auc=area)
        + (" " + t("clf.roc.keras", lang, auc=keras_auc) if keras_auc is not None else "")
    )
