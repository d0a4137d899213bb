"""The class board's numbers: leaderboard rows, the model in one line, the
class sweep's cells and heatmap, and the CSV of every run (no Streamlit).

A post points at a stored run (``dlcore.store.classes.BoardPost``); every
number here is read from that run's settings (``meta``) and its Keras
History, so the board and the student's page can never disagree:

* **wine, overfitting**: the best validation MAE in wine-quality points,
  the scaled MAE (``val_loss`` of an MAE run, else Keras's ``val_mae``)
  times the quality range of the course's training split, as the wine page
  shows it (``lessons/wine/views.py``). A run on an uploaded table keeps
  the scaled MAE (its own units are unknown here) and ranks in its own group.
* **classification**: the best validation accuracy (``val_binary_accuracy``),
  and the best validation AUC (``val_auc``) where Keras recorded it; each
  data set ranks in its own group.

Lower MAE ranks first, higher accuracy ranks first; a run without the
metric (failed before its first epoch) is listed last without a rank.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pandas as pd

from dlcore.data import data_split, wine_split
from dlcore.diagnosis import constant_baseline, diagnose
from dlcore.spec import ACTIVATIONS, BATCHNORM_PLACEMENTS, OPTIMIZERS, ModelSpec, SettingError, TrainConfig, from_dict
from dlcore.store.classes import BoardPost
from dlcore.text import t

POSTED_PAGES: tuple[str, ...] = ("wine", "overfitting", "classification")
SWEEP_PAGES: tuple[str, ...] = ("overfitting", "wine")
TOP = 3  # runs highlighted on the overlaid curves
WINE = "wine"
UPLOAD = "upload"


# --- one run's numbers ---------------------------------------------------


def data_of(meta: dict[str, Any], page: str) -> dict[str, Any]:
    """A run's data choice (``meta["data"]``); the wine pages' runs without one used the course's wine."""
    data = meta.get("data")
    if isinstance(data, dict) and data.get("dataset"):
        return data
    return {"dataset": WINE} if page != "classification" else {"dataset": "?"}


def group_of(page: str, meta: dict[str, Any]) -> str:
    """The group a run ranks in: its data set (``"upload"`` for an uploaded table)."""
    return str(data_of(meta, page)["dataset"])


def metric_key(page: str, group: str) -> str:
    """The text key stem of a board's metric (``board.metric.<key>``)."""
    if page == "classification":
        return "accuracy"
    return "mae_points" if group == WINE else "mae_scaled"


def higher_is_better(page: str) -> bool:
    """Whether a larger metric ranks first (accuracy) or a smaller one (MAE)."""
    return page == "classification"


@functools.lru_cache(maxsize=1)
def wine_quality_span() -> float:
    """Quality points per scaled unit: the training split's quality range (max − min)."""
    return float(wine_split().target_range)


def _finite(values: Sequence[Any]) -> list[float | None]:
    out: list[float | None] = []
    for value in values:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        out.append(number if math.isfinite(number) else None)
    return out


def metric_curve(page: str, meta: dict[str, Any], history: dict[str, list[float]]) -> list[float | None]:
    """The run's validation metric per epoch, in the board's units (None where not finite).

    Args:
        page: The lesson's slug.
        meta: The run's settings.
        history: Its Keras History.

    Returns:
        One value per epoch.
    """
    if page == "classification":
        return _finite(history.get("val_binary_accuracy", []))
    loss = (meta.get("train") or {}).get("loss", "mae")
    scaled = _finite(history.get("val_loss" if loss == "mae" else "val_mae", []))
    scale = wine_quality_span() if group_of(page, meta) == WINE else 1.0
    return [None if v is None else v * scale for v in scaled]


def best_of(curve: Sequence[float | None], higher: bool) -> tuple[float, int] | None:
    """The best finite value of a curve and its epoch (1-based; the first on ties), or None."""
    present = [(v, epoch) for epoch, v in enumerate(curve, 1) if v is not None]
    if not present:
        return None
    best = max(v for v, _ in present) if higher else min(v for v, _ in present)
    return best, next(epoch for v, epoch in present if v == best)


def best_auc(history: dict[str, list[float]]) -> float | None:
    """The highest validation AUC Keras recorded, or None."""
    found = best_of(_finite(history.get("val_auc", [])), higher=True)
    return found[0] if found else None


def model_spec(meta: dict[str, Any]) -> ModelSpec | None:
    """The run's ModelSpec, or None if its settings cannot be read."""
    try:
        return from_dict(ModelSpec, meta["model"])
    except (KeyError, TypeError, SettingError):
        return None


def train_config(meta: dict[str, Any]) -> TrainConfig | None:
    """The run's TrainConfig, or None if its settings cannot be read."""
    try:
        return from_dict(TrainConfig, meta["train"])
    except (KeyError, TypeError, SettingError):
        return None


def model_line(meta: dict[str, Any], lang: str) -> str:
    """The model and its training in one short line: ``3×512 relu · adam · dropout 0.3``.

    Equal hidden layers are counted (``3×512``), unequal ones listed
    (``4→3``); the learning rate shows when it is not Adam's default 0.001;
    dropout, batch normalization, weight penalties and early stopping show
    when used.

    Args:
        meta: A run's settings (``model`` and ``train`` dicts).
        lang: Text language.

    Returns:
        The line (the run's own label if its settings cannot be read).
    """
    model, train = model_spec(meta), train_config(meta)
    if model is None or train is None:
        return str(meta.get("label", "?"))
    if model.depth == 0:
        parts = [t("board.line.linear", lang)]
    else:
        layers = f"{model.depth}×{model.units[0]}" if model.is_uniform else "→".join(str(u) for u in model.units)
        parts = [f"{layers} {model.activation}"]
    optimizer = train.optimizer if train.learning_rate == 0.001 else f"{train.optimizer} {train.learning_rate:g}"
    parts.append(optimizer)
    if model.dropout:
        parts.append(t("board.line.dropout", lang, rate=model.dropout))
    if model.batchnorm != "none":
        parts.append(t(f"board.line.bn_{model.batchnorm}", lang))
    if model.l1 or model.l2:
        parts.append(t("board.line.penalty", lang, l1=model.l1, l2=model.l2))
    if train.early_stopping:
        parts.append(t("board.line.es", lang))
    return " · ".join(parts)


@functools.lru_cache(maxsize=64)
def _baseline(loss: str, data_json: str) -> float | None:
    data = json.loads(data_json)
    if data.get("dataset") in (UPLOAD, "?"):
        return None  # an uploaded table's rows are not on the server any more
    try:
        split = wine_split() if data.get("dataset") == WINE and "train_fraction" not in data else data_split(data)
    except (KeyError, ValueError, TypeError):
        return None
    return constant_baseline(loss, split.y_train, split.y_valid)


def verdict_of(page: str, meta: dict[str, Any], history: dict[str, list[float]]) -> tuple[str, int | None]:
    """The run's diagnosis (``dlcore.diagnosis``): its verdict and epoch, against the constant prediction."""
    loss = (meta.get("train") or {}).get("loss", "mae")
    baseline = _baseline(loss, json.dumps(data_of(meta, page), sort_keys=True))
    diagnosis = diagnose(history.get("loss", []), history.get("val_loss", []), baseline=baseline)
    return diagnosis.verdict, diagnosis.epoch


# --- the board -----------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    """One posted run as the board shows it.

    Attributes:
        post_id: The post (the teacher removes it by this id).
        member: The student's number in the class.
        name: The display name, or "Student N" when names are hidden (plain text).
        page: The lesson's slug.
        group: The data set it ranks among.
        cell: The sweep cell the student was given, if any.
        model: The model in one line.
        params: Parameter count (None if the settings cannot be read).
        metric: The best validation metric in the board's units, or None.
        best_epoch: Its epoch.
        epochs: Epochs trained.
        auc: Best validation AUC (classification), or None.
        verdict: The diagnosis (``dlcore.diagnosis.VERDICTS``).
        verdict_epoch: The epoch of an over-fitting or unstable verdict.
        curve: The validation metric per epoch.
        meta: The run's settings.
        outcome: How the run ended (``completed``, ``stopped``, ``early_stopping``, ``diverged``, ``failed``).
        posted_at: When it was posted.
        rank: 1, 2, … within its page and group; None without a metric.
    """

    post_id: int
    member: int
    name: str
    page: str
    group: str
    cell: int | None
    model: str
    params: int | None
    metric: float | None
    best_epoch: int | None
    epochs: int
    auc: float | None
    verdict: str
    verdict_epoch: int | None
    curve: tuple[float | None, ...]
    meta: dict[str, Any] = field(repr=False)
    outcome: str
    posted_at: datetime
    rank: int | None = None


def shown_name(post: BoardPost, hide_names: bool, lang: str) -> str:
    """The name the board shows: as typed, or "Student N" when hidden."""
    return t("board.student", lang, number=post.member) if hide_names else post.display_name


def board_row(post: BoardPost, *, hide_names: bool, lang: str) -> BoardRow:
    """One post as a board row (not ranked yet)."""
    record = post.record
    meta = record.meta or {}
    curve = metric_curve(post.page, meta, record.history)
    best = best_of(curve, higher_is_better(post.page))
    verdict, verdict_epoch = verdict_of(post.page, meta, record.history)
    spec = model_spec(meta)
    return BoardRow(
        post_id=post.post_id,
        member=post.member,
        name=shown_name(post, hide_names, lang),
        page=post.page,
        group=group_of(post.page, meta),
        cell=post.cell,
        model=model_line(meta, lang),
        params=spec.param_count() if spec is not None else None,
        metric=best[0] if best else None,
        best_epoch=best[1] if best else None,
        epochs=record.epochs_run,
        auc=best_auc(record.history) if post.page == "classification" else None,
        verdict=verdict,
        verdict_epoch=verdict_epoch,
        curve=tuple(curve),
        meta=meta,
        outcome=record.stop_reason,
        posted_at=post.created_at,
    )


def rank(rows: Sequence[BoardRow]) -> list[BoardRow]:
    """One leaderboard: best metric first (ties: the earlier post), unranked rows last.

    Args:
        rows: Rows of one page and group.

    Returns:
        The rows in order, each with its ``rank``.
    """
    if not rows:
        return []
    higher = higher_is_better(rows[0].page)
    ranked = sorted(
        (r for r in rows if r.metric is not None),
        key=lambda r: (-r.metric if higher else r.metric, r.posted_at, r.post_id),  # type: ignore[operator]
    )
    unranked = sorted((r for r in rows if r.metric is None), key=lambda r: (r.posted_at, r.post_id))
    return [BoardRow(**{**r.__dict__, "rank": i}) for i, r in enumerate(ranked, 1)] + unranked


def leaderboards(posts: Sequence[BoardPost], *, hide_names: bool, lang: str) -> dict[str, dict[str, list[BoardRow]]]:
    """Every leaderboard of a class: page → group → ranked rows.

    Pages come in course order (``POSTED_PAGES``, then any other), groups by
    how many runs they hold (most first).
    """
    by_page: dict[str, dict[str, list[BoardRow]]] = {}
    for post in posts:
        row = board_row(post, hide_names=hide_names, lang=lang)
        by_page.setdefault(row.page, {}).setdefault(row.group, []).append(row)
    order = {page: i for i, page in enumerate(POSTED_PAGES)}
    return {
        page: {group: rank(rows) for group, rows in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0]))}
        for page, groups in sorted(by_page.items(), key=lambda p: (order.get(p[0], len(order)), p[0]))
    }


# --- a row's setup as a link -----------------------------------------------


def _text(value: Any) -> str:
    """A value as the pages' links write it (``ui.controls``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, float) else str(value)


def setup_params(page: str, meta: dict[str, Any]) -> dict[str, str]:
    """The query parameters that open a run's setup on its lesson page.

    The keys are the panel's widget keys (``ui.panel``): depth and width (or
    ``per_layer`` and ``units_1`` …), activation, regularisation, the loss,
    the optimizer (with momentum where it applies), batch size, epochs,
    early stopping (with its settings when on) and the seed; on the
    classifier page also the bundled data set and its split.

    Args:
        page: The lesson's slug.
        meta: The run's settings.

    Returns:
        Parameter name → value, in the panel's order (empty if unreadable).
    """
    model, train = model_spec(meta), train_config(meta)
    if model is None or train is None:
        return {}
    params: dict[str, Any] = {"depth": model.depth}
    if model.depth:
        if model.is_uniform:
            params.update(per_layer=False, width=model.units[0])
        else:
            params["per_layer"] = True
            params.update({f"units_{i}": units for i, units in enumerate(model.units, 1)})
    params.update(
        activation=model.activation, dropout=model.dropout, batchnorm=model.batchnorm, l1=model.l1, l2=model.l2
    )
    params.update(loss=train.loss, optimizer=train.optimizer, learning_rate=train.learning_rate)
    if OPTIMIZERS[train.optimizer].uses_momentum:
        params["momentum"] = train.momentum
    params.update(batch_size=train.batch_size, epochs=train.epochs, early_stopping=train.early_stopping)
    if train.early_stopping:
        params.update(min_delta=train.min_delta, patience=train.patience, restore_best=train.restore_best)
    params["seed"] = train.seed
    if page == "classification":
        params.update(_classification_data(data_of(meta, page)))
    return {key: _text(value) for key, value in params.items()}


def _classification_data(data: dict[str, Any]) -> dict[str, Any]:
    """The classifier page's data controls for a bundled data set (an upload cannot travel)."""
    if data.get("dataset") in (UPLOAD, "?"):
        return {}
    params: dict[str, Any] = {"dataset": data["dataset"]}
    if "train_fraction" in data:
        params["train_ratio"] = float(data["train_fraction"])
    if "seed" in data:
        params["data_seed"] = int(data["seed"])
    if "noise" in data:
        params["noise"] = float(data["noise"])
    if "n_points" in data:
        params["n_points"] = int(data["n_points"])
    return params


def app_url(page_url: str, slug: str) -> str:
    """The address of another page of the app, from the current page's address.

    Args:
        page_url: The current page's address (``st.context.url``), e.g.
            ``http://host:8501/class`` or ``http://host/dlp/class``.
        slug: The page's URL path (``"wine"``), or ``""`` for the home page.

    Returns:
        The page's address without a query.
    """
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/")
    root = path[: path.rfind("/") + 1] if "/" in path else "/"
    return urlunsplit((parts.scheme, parts.netloc, root + slug, "", ""))


# --- the class sweep ------------------------------------------------------

# The panel's choices (``ui.panel``; a link value off these is ignored there).
LEARNING_RATES: tuple[float, ...] = (1e-5, 3e-5, 1e-4, 3e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_SIZES: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048)
PENALTIES: tuple[float, ...] = (0.0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
MAX_VALUES = 8  # per control
MAX_AXES = 2


@dataclass(frozen=True)
class SweepControl:
    """A control a class sweep may vary.

    Attributes:
        kind: ``"int"``, ``"float"`` or ``"choice"``.
        low: Smallest number allowed.
        high: Largest number allowed.
        choices: The allowed values of a choice (numbers or names).
    """

    kind: str
    low: float = 0
    high: float = 0
    choices: tuple[Any, ...] = ()


SWEEP_CONTROLS: dict[str, SweepControl] = {
    "width": SweepControl("int", 1, 1024),
    "depth": SweepControl("int", 0, 8),
    "dropout": SweepControl("float", 0.0, 0.8),
    "learning_rate": SweepControl("choice", choices=LEARNING_RATES),
    "batchnorm": SweepControl("choice", choices=BATCHNORM_PLACEMENTS),
    "activation": SweepControl("choice", choices=tuple(ACTIVATIONS)),
    "optimizer": SweepControl("choice", choices=tuple(OPTIMIZERS)),
    "batch_size": SweepControl("choice", choices=BATCH_SIZES),
    "l2": SweepControl("choice", choices=PENALTIES),
    "epochs": SweepControl("int", 1, 1000),
}


class SweepError(ValueError):
    """A sweep the teacher typed that cannot be used; ``key`` and ``values`` name its message."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Sweep:
    """A class sweep: one lesson, one or two controls and their values.

    The first control varies along the heatmap's columns, the second along
    its rows; cell ``i`` is row ``i // columns``, column ``i % columns``.
    """

    page: str
    axes: tuple[tuple[str, tuple[Any, ...]], ...]

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, columns)``."""
        columns = len(self.axes[0][1])
        return (len(self.axes[1][1]) if len(self.axes) > 1 else 1), columns

    @property
    def size(self) -> int:
        """How many cells."""
        rows, columns = self.shape
        return rows * columns

    def to_dict(self) -> dict[str, Any]:
        """As stored with the class (JSON)."""
        return {"page": self.page, "axes": [[name, list(values)] for name, values in self.axes]}


def parse_values(control: str, text: str) -> tuple[Any, ...]:
    """The values a teacher typed for a control (comma or space separated).

    Raises:
        SweepError: An unknown control, a value it cannot take, none, too
            many, or one given twice.
    """
    spec = SWEEP_CONTROLS.get(control)
    if spec is None:
        raise SweepError("board.sweep.error.control", control=control)
    raw = [part for part in text.replace(",", " ").replace("，", " ").split() if part]
    if not raw:
        raise SweepError("board.sweep.error.empty", control=control)
    if len(raw) > MAX_VALUES:
        raise SweepError("board.sweep.error.too_many", control=control, most=MAX_VALUES)
    values = tuple(_parse_one(control, spec, part) for part in raw)
    if len(set(values)) != len(values):
        raise SweepError("board.sweep.error.twice", control=control)
    return values


def _parse_one(control: str, spec: SweepControl, raw: str) -> Any:
    if spec.kind == "choice":
        for choice in spec.choices:
            if raw == str(choice) or (not isinstance(choice, str) and _close(raw, choice)):
                return choice
        raise SweepError("board.sweep.error.value", control=control, value=raw)
    try:
        number = float(raw)
    except ValueError:
        raise SweepError("board.sweep.error.value", control=control, value=raw) from None
    if (
        not math.isfinite(number)
        or not spec.low <= number <= spec.high
        or (spec.kind == "int" and not number.is_integer())
    ):
        raise SweepError("board.sweep.error.value", control=control, value=raw)
    return int(number) if spec.kind == "int" else number


def _close(raw: str, number: float) -> bool:
    try:
        return math.isclose(float(raw), number, rel_tol=1e-9, abs_tol=1e-12)
    except ValueError:
        return False


def make_sweep(page: str, axes: Sequence[tuple[str, str]]) -> Sweep:
    """A sweep from the teacher's choices: a lesson and one or two (control, typed values).

    Raises:
        SweepError: A lesson without sweeps, no control, the same control
            twice, or values that cannot be used.
    """
    if page not in SWEEP_PAGES:
        raise SweepError("board.sweep.error.page")
    if not 1 <= len(axes) <= MAX_AXES:
        raise SweepError("board.sweep.error.axes")
    if len({name for name, _ in axes}) != len(axes):
        raise SweepError("board.sweep.error.same")
    return Sweep(page, tuple((name, parse_values(name, text)) for name, text in axes))


def sweep_from_dict(stored: dict[str, Any] | None) -> Sweep | None:
    """The stored sweep of a class, or None (none, or unreadable)."""
    if not stored:
        return None
    try:
        axes = tuple((str(name), tuple(values)) for name, values in stored["axes"])
        sweep = Sweep(str(stored["page"]), axes)
    except (KeyError, TypeError, ValueError):
        return None
    ok = (
        sweep.page in SWEEP_PAGES
        and 1 <= len(axes) <= MAX_AXES
        and all(name in SWEEP_CONTROLS and values for name, values in axes)
    )
    return sweep if ok else None


def cell_values(sweep: Sweep, cell: int) -> dict[str, Any]:
    """The settings of one cell: control → value."""
    rows, columns = sweep.shape
    if not 0 <= cell < rows * columns:
        raise IndexError(cell)
    indexes = (cell % columns, cell // columns)
    return {name: values[index] for (name, values), index in zip(sweep.axes, indexes, strict=False)}


def cell_label(sweep: Sweep, cell: int, lang: str) -> str:
    """``width 64 · dropout 0.3``: a cell's settings in one line."""
    return " · ".join(
        f"{t(f'board.control.{name}', lang)} {_text(value)}" for name, value in cell_values(sweep, cell).items()
    )


def cell_params(sweep: Sweep, cell: int) -> dict[str, str]:
    """The query parameters that put a cell's settings in the panel (a
    width applies to every layer, so ``per_layer`` is switched off)."""
    values = cell_values(sweep, cell)
    params = {name: _text(value) for name, value in values.items()}
    if "width" in values:
        params["per_layer"] = "false"
    return params


def _setting(meta: dict[str, Any], control: str) -> Any:
    model, train = meta.get("model") or {}, meta.get("train") or {}
    if control == "width":
        units = list(model.get("units") or [])
        return units[0] if units and len(set(units)) == 1 else None
    if control == "depth":
        return len(model.get("units") or [])
    return model.get(control, train.get(control))


def _matches(value: Any, wanted: Any) -> bool:
    if isinstance(wanted, str) or isinstance(value, str) or value is None:
        return value == wanted
    return math.isclose(float(value), float(wanted), rel_tol=1e-9, abs_tol=1e-12)


def run_cell(sweep: Sweep, page: str, meta: dict[str, Any]) -> int | None:
    """The cell whose settings a run has, or None (another lesson, another
    setting, or an uploaded table): the heatmap counts what was trained,
    whichever cell the student was given."""
    if page != sweep.page or group_of(page, meta) != WINE:
        return None
    for cell in range(sweep.size):
        if all(_matches(_setting(meta, name), value) for name, value in cell_values(sweep, cell).items()):
            return cell
    return None


@dataclass(frozen=True)
class Heatmap:
    """The sweep's heatmap: the best validation metric per cell.

    Attributes:
        x_control: The control along the columns.
        x_values: Its values.
        y_control: The control along the rows (None for a one-control sweep).
        y_values: Its values (``("",)`` for one control).
        best: ``best[row][column]``: the lowest validation MAE (quality
            points) of the cell's runs, None where none came in.
        runs: How many runs each cell holds.
    """

    x_control: str
    x_values: tuple[Any, ...]
    y_control: str | None
    y_values: tuple[Any, ...]
    best: tuple[tuple[float | None, ...], ...]
    runs: tuple[tuple[int, ...], ...]


def heatmap(sweep: Sweep, rows: Sequence[BoardRow]) -> Heatmap:
    """Fills the sweep's cells with the best metric of the runs that match them."""
    n_rows, n_columns = sweep.shape
    best: list[list[float | None]] = [[None] * n_columns for _ in range(n_rows)]
    counts = [[0] * n_columns for _ in range(n_rows)]
    for row in rows:
        cell = run_cell(sweep, row.page, row.meta)
        if cell is None:
            continue
        r, c = divmod(cell, n_columns)
        counts[r][c] += 1
        if row.metric is not None and (best[r][c] is None or row.metric < best[r][c]):  # type: ignore[operator]
            best[r][c] = row.metric
    y_control, y_values = sweep.axes[1] if len(sweep.axes) > 1 else (None, ("",))
    return Heatmap(
        sweep.axes[0][0],
        sweep.axes[0][1],
        y_control,
        y_values,
        tuple(tuple(line) for line in best),
        tuple(tuple(line) for line in counts),
    )


# --- the CSV of every run ---------------------------------------------------

CSV_COLUMNS = (
    "student", "number", "lesson", "data", "model", "settings", "epochs", "best_val_mae_points",
    "best_val_mae_scaled", "best_val_accuracy", "best_val_auc", "best_epoch", "diagnosis", "outcome", "posted_at",
)  # fmt: skip


def csv_frame(rows: Sequence[BoardRow], lang: str) -> pd.DataFrame:
    """One row per posted run, oldest post first (the teacher's download).

    ``settings`` is the run's model and training settings as JSON; the
    metric columns are empty where they do not apply.
    """
    records = []
    for row in sorted(rows, key=lambda r: (r.posted_at, r.post_id)):
        key = metric_key(row.page, row.group)
        records.append(
            {
                "student": row.name,
                "number": row.member,
                "lesson": row.page,
                "data": row.group,
                "model": row.model,
                "settings": json.dumps(
                    {"model": row.meta.get("model"), "train": row.meta.get("train")}, sort_keys=True
                ),
                "epochs": row.epochs,
                "best_val_mae_points": row.metric if key == "mae_points" else None,
                "best_val_mae_scaled": row.metric if key == "mae_scaled" else None,
                "best_val_accuracy": row.metric if key == "accuracy" else None,
                "best_val_auc": row.auc,
                "best_epoch": row.best_epoch,
                "diagnosis": t(f"dx.verdict.{row.verdict}", lang, epoch=row.verdict_epoch),
                "outcome": row.outcome,
                "posted_at": row.posted_at.isoformat(timespec="seconds"),
            }
        )
    return pd.DataFrame(records, columns=list(CSV_COLUMNS))


def all_rows(boards: dict[str, dict[str, list[BoardRow]]]) -> list[BoardRow]:
    """Every row of ``leaderboards`` output, flat."""
    return list(itertools.chain.from_iterable(rows for groups in boards.values() for rows in groups.values()))
