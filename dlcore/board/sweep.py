"""The class sweep: the controls a teacher may vary, their typed values, the
cells and the links that hand them out, and the heatmap of what came in."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dlcore.board.metrics import WINE, group_of
from dlcore.board.rows import BoardRow
from dlcore.share import link_value
from dlcore.spec import (
    ACTIVATIONS,
    BATCH_SIZES,
    BATCHNORM_PLACEMENTS,
    LEARNING_RATES,
    MAX_DEPTH,
    MAX_EPOCHS,
    MAX_WIDTH,
    OPTIMIZERS,
    PENALTIES,
)
from dlcore.text import t

SWEEP_PAGES: tuple[str, ...] = ("overfitting", "wine")  # the lessons a class sweep can vary
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
    "width": SweepControl("int", 1, MAX_WIDTH),
    "depth": SweepControl("int", 0, MAX_DEPTH),
    "dropout": SweepControl("float", 0.0, 0.8),
    "learning_rate": SweepControl("choice", choices=LEARNING_RATES),
    "batchnorm": SweepControl("choice", choices=BATCHNORM_PLACEMENTS),
    "activation": SweepControl("choice", choices=tuple(ACTIVATIONS)),
    "optimizer": SweepControl("choice", choices=tuple(OPTIMIZERS)),
    "batch_size": SweepControl("choice", choices=BATCH_SIZES),
    "l2": SweepControl("choice", choices=PENALTIES),
    "epochs": SweepControl("int", 1, MAX_EPOCHS),
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
        f"{t(f'board.control.{name}', lang)} {link_value(value)}" for name, value in cell_values(sweep, cell).items()
    )


def cell_params(sweep: Sweep, cell: int) -> dict[str, str]:
    """The query parameters that put a cell's settings in the panel (a
    width applies to every layer, so ``per_layer`` is switched off)."""
    values = cell_values(sweep, cell)
    params = {name: link_value(value) for name, value in values.items()}
    if "width" in values:
        params["per_layer"] = "false"
    return params


# --- the heatmap: which cell each run trained ------------------------------


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
