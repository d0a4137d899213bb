"""Your own data, second step: choosing a target and preparing it for training.

``prepare_target(frame, target, task, threshold)`` checks the chosen target
of a table that ``dlcore.upload.read_csv_upload`` read, for the regressor or
the classifier page, and returns the feature table and the target (0/1 for
classification), dropping text and constant features. Pure (no Streamlit, no
Keras) and never raising on bad data: problems and notes are
``dlcore.upload.Message``\\ s.

Decisions:

- For classification a two-value target maps its larger value (numbers) or its
  alphabetically later value (text) to 1: ionosphere's "g" (good) → 1, "b"
  (bad) → 0; yes/no → 1/0. A note states the mapping; a 0/1 column is used as
  is. A numeric target with more values needs a threshold: y ≥ threshold → 1.
- Constant columns are dropped from the features when the target is chosen
  (not when reading), so a constant column chosen as target gets its own
  message; ionosphere's V2 (always 0) is dropped this way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dlcore.upload import Message, quoted_names

TASKS: tuple[str, ...] = ("regression", "classification")


@dataclass(frozen=True)
class TargetResult:
    """Features and target for one task, or the reasons they cannot be used.

    Attributes:
        features: Numeric, non-constant input columns; None on problems.
        target: The target column (0/1 int64 for classification); None on
            problems.
        problems: Blocking errors.
        notes: Dropped columns and the class mapping.
    """

    features: pd.DataFrame | None
    target: pd.Series | None
    problems: tuple[Message, ...] = ()
    notes: tuple[Message, ...] = ()

    @property
    def ok(self) -> bool:
        return self.features is not None and self.target is not None and not self.problems

    @property
    def table(self) -> pd.DataFrame:
        """Features followed by the target: the input of ``dlcore.data.split_and_scale``."""
        if not self.ok:
            raise ValueError("no table: the target has problems")
        return pd.concat([self.features, self.target], axis=1)


def candidate_targets(frame: pd.DataFrame, task: str) -> tuple[str, ...]:
    """Columns that can be predicted, in file order.

    A regressor needs a numeric column, a classifier any column with two or
    more values (a two-value column as is, a numeric one with a threshold).
    Tables usually end with their target, so pages may preselect the last one.

    Args:
        frame: ``UploadResult.frame``.
        task: ``"regression"`` or ``"classification"``.

    Returns:
        The column names.
    """
    _check_task(task)
    return tuple(
        c
        for c in frame.columns
        if frame[c].nunique() >= 2 and (task == "classification" or pd.api.types.is_numeric_dtype(frame[c]))
    )


def suggest_threshold(frame: pd.DataFrame, target: str, task: str) -> float | None:
    """The default class threshold for a target: its median, when one is needed.

    Args:
        frame: ``UploadResult.frame``.
        target: The chosen target column.
        task: ``"regression"`` or ``"classification"``.

    Returns:
        The median for a numeric classification target with more than two
        values; None when no threshold applies.
    """
    _check_task(task)
    if task != "classification" or target not in frame.columns:
        return None
    y = frame[target]
    if not pd.api.types.is_numeric_dtype(y) or y.nunique() <= 2:
        return None
    return float(y.median())


def _cell_text(value: Any) -> str:
    """A cell value for a message: 6 rather than 6.0 or np.int64(6)."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value.item() if isinstance(value, np.generic) else value)


def _check_task(task: str) -> None:
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, not {task!r}")


def _binary_target(y: pd.Series, threshold: float | None) -> tuple[pd.Series, Message | None] | Message:
    """Maps a classification target to 0/1 (see the module's decisions).

    Returns:
        ``(target, note)`` with the note stating the mapping (None for a
        column that is already 0/1), or the blocking problem.
    """
    name = str(y.name)
    numeric = pd.api.types.is_numeric_dtype(y)
    values = sorted(y.unique()) if numeric else sorted(y.unique(), key=str)
    if len(values) == 2:
        if numeric and {float(v) for v in values} == {0.0, 1.0}:
            return y.astype("int64"), None
        zero, one = values
        binary = (y == one).astype("int64")
        ones = int(binary.sum())
        note = Message(
            "upload.note.class_mapping",
            {"target": name, "zero": _cell_text(zero), "one": _cell_text(one), "zeros": len(y) - ones, "ones": ones},
        )
        return binary, note
    if threshold is None:
        return Message(
            "upload.error.needs_threshold", {"target": name, "distinct": len(values), "median": float(y.median())}
        )
    if not math.isfinite(threshold):
        return Message("upload.error.bad_threshold", {"threshold": threshold})
    # Class 1 is every row at or above the threshold: y ≥ threshold.
    binary = (y >= threshold).astype("int64")
    ones = int(binary.sum())
    if ones in (0, len(y)):
        return Message(
            "upload.error.single_class",
            {
                "target": name,
                "threshold": threshold,
                "rows": len(y),
                "cls": int(ones > 0),
                "low": float(y.min()),
                "high": float(y.max()),
            },
        )
    note = Message(
        "upload.note.threshold", {"target": name, "threshold": threshold, "ones": ones, "zeros": len(y) - ones}
    )
    return binary, note


def prepare_target(frame: pd.DataFrame, target: str, task: str, threshold: float | None = None) -> TargetResult:
    """Checks a chosen target and splits the table into features and target.

    Regression needs a numeric target with at least two values. Classification
    needs two classes: a 0/1 column is used as is, another two-value column is
    mapped to 0/1, and a numeric column with more values needs ``threshold``
    (rows with target ≥ threshold are class 1; ``suggest_threshold`` gives the
    median). Text and constant feature columns are dropped with a note.

    Args:
        frame: ``UploadResult.frame``.
        target: The column to predict.
        task: ``"regression"`` or ``"classification"``.
        threshold: Class threshold for a numeric target with more than two
            values (classification only; ignored otherwise).

    Returns:
        Features and target, or the problems that block training.
    """
    _check_task(task)

    def fail(problem: Message) -> TargetResult:
        return TargetResult(None, None, (problem,), ())

    if target not in frame.columns:
        return fail(Message("upload.error.unknown_target", {"target": target}))
    y = frame[target]
    if y.nunique() < 2:
        only = _cell_text(y.iloc[0])
        return fail(Message("upload.error.target_constant", {"target": target, "value": only, "rows": len(y)}))
    notes: list[Message] = []
    if task == "regression":
        if not pd.api.types.is_numeric_dtype(y):
            shown = ", ".join(f"“{v}”" for v in sorted(map(str, y.unique())))
            return fail(Message("upload.error.target_text", {"target": target, "values": shown}))
    else:
        binary = _binary_target(y, threshold)
        if isinstance(binary, Message):
            return fail(binary)
        y, note = binary
        if note is not None:
            notes.append(note)

    features = frame.drop(columns=[target])
    text = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    if text:
        notes.append(Message("upload.note.text_features", {"count": len(text), "names": quoted_names(text)}))
    constant = [c for c in features.columns if c not in text and features[c].nunique() < 2]
    if constant:
        notes.append(Message("upload.note.constant_columns", {"count": len(constant), "names": quoted_names(constant)}))
    features = features.drop(columns=text + constant)
    if features.shape[1] == 0:
        return TargetResult(None, None, (Message("upload.error.no_features", {"target": target}),), tuple(notes))
    return TargetResult(features, y, (), tuple(notes))
