"""Choosing the data: the bundled table or the user's own CSV file.

Everything about reading and checking a file lives in ``dlcore.upload`` and
``dlcore.upload_target``; this view only shows its messages. Nothing a user
uploads is executed or unpickled: the bytes are parsed as CSV text, and the
clean numeric table travels to the worker inside the job payload.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from dlcore.data import SplitData, split_and_scale
from dlcore.export import DataSource
from dlcore.limits import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB
from dlcore.markup import md
from dlcore.text import t
from dlcore.upload import UploadResult, read_csv_upload
from dlcore.upload_target import TargetResult, candidate_targets, prepare_target, suggest_threshold
from ui import controls


@dataclass(frozen=True)
class UploadedData:
    """A user's table ready for training.

    Attributes:
        name: The file name.
        table: Features followed by the target (numeric).
        target: The target column's name.
        split: The course's split and scaling of ``table``.
        threshold: Classification of a numeric target with more than two
            values: target ≥ threshold is class 1 (None otherwise).
        class_one: Classification of a two-value target: the file's value
            that became class 1 (None for a threshold or a regressor).
        total_rows: The prepared table's rows; more than ``len(table)`` when
            the table is a random sample of them (to fit the time budget).
    """

    name: str
    table: pd.DataFrame
    target: str
    split: SplitData
    threshold: float | None = None
    class_one: str | float | None = None
    total_rows: int = 0

    @property
    def sampled(self) -> bool:
        return len(self.table) < self.total_rows

    def describe(self) -> dict[str, Any]:
        """What a run's ``meta["data"]`` records, to match runs with the current data."""
        described: dict[str, Any] = {"dataset": "upload", "name": self.name, "target": self.target}
        if self.threshold is not None:
            described["threshold"] = self.threshold
        if self.sampled:
            described["rows"] = len(self.table)
        return described

    def export_source(self, task: str) -> DataSource:
        """How the exported script reads the file, samples it and makes its target."""
        sample = len(self.table) if self.sampled else None
        if task != "classification":
            return DataSource(self.name, self.target, sample=sample)
        if isinstance(self.class_one, str):
            return DataSource(self.name, self.target, classification=True, positive=self.class_one, sample=sample)
        # A numeric class 1 is the larger of two values: target ≥ it → 1.
        threshold = self.threshold if self.threshold is not None else self.class_one
        return DataSource(self.name, self.target, classification=True, threshold=threshold, sample=sample)

    def payload(self, task: str) -> dict[str, Any]:
        """The job payload's ``data`` entry (the table travels as arrays)."""
        return {
            "dataset": "upload",
            "columns": list(self.table.columns),
            "values": self.table.to_numpy(dtype="float64"),
            "target": self.target,
            "task": task,
        }


# Session state: page slug → (the uploader's file id, its UploadResult). Only
# the file the page shows now is kept, and only in this session's state, so a
# session holds at most one parsed table per page and Streamlit drops it with
# the session; nothing is shared between sessions (no st.cache_data: it keeps
# entries for every session until evicted, bounded by count only).
_PARSED = "_upload_parsed"


def _read(page: str, file: UploadedFile) -> UploadResult:
    """The page's uploaded file read once per upload (see ``_PARSED``)."""
    parsed = st.session_state.setdefault(_PARSED, {})
    entry = parsed.get(page)
    if entry is None or entry[0] != file.file_id:
        parsed.pop(page, None)  # the previous file's table goes before the next is read
        entry = parsed[page] = (file.file_id, read_csv_upload(file.getvalue(), file.name))
    return entry[1]


def _forget(page: str) -> None:
    """Drops the page's parsed upload (bundled data chosen, or the file removed)."""
    st.session_state.get(_PARSED, {}).pop(page, None)


def _sample_key(page: str) -> str:
    return f"{page}_sample_rows"


def use_sample(page: str, rows: int) -> None:
    """Trains on a random ``rows`` of the page's current file from now on
    (a button callback; the sample is ``DataFrame.sample(n=rows, random_state=0)``)."""
    file = st.session_state.get(upload_key(page))
    if file is not None:
        st.session_state[_sample_key(page)] = (file.file_id, int(rows))


def use_all_rows(page: str) -> None:
    """Trains on every row again (a button callback)."""
    st.session_state.pop(_sample_key(page), None)


def _sampled(page: str, file: UploadedFile, table: pd.DataFrame) -> pd.DataFrame:
    """The table, or the random sample of it chosen for this file."""
    chosen = st.session_state.get(_sample_key(page))
    if chosen is None or chosen[0] != file.file_id or chosen[1] >= len(table):
        return table
    return table.sample(n=chosen[1], random_state=0)


def fallback_reason(page: str, uploaded: UploadedData | None) -> str | None:
    """Why the next run uses the bundled data although the user chose their
    own file: ``"waiting"`` (no file yet), ``"rejected"`` (the file, or the
    chosen target, has a problem shown on the page); None otherwise."""
    if uploaded is not None or st.session_state.get(source_key(page)) != "upload":
        return None
    return "waiting" if st.session_state.get(upload_key(page)) is None else "rejected"


# Texts that differ by page: the wine page's bundled data is one table, the
# classifier page offers several sets.
_TASK_TEXTS: dict[str, dict[str, str]] = {
    "regression": {
        "bundled": "upload.source.bundled",
        "waiting": "upload.waiting",
        "no_target": "upload.no_target",
    },
    "classification": {
        "bundled": "upload.source.bundled_sets",
        "waiting": "upload.waiting_sets",
        "no_target": "upload.no_target_classes",
    },
}


def _show_messages(outcome: UploadResult | TargetResult, lang: str) -> None:
    """Problems as errors, notes (what was dropped or assumed) as captions."""
    for message in outcome.problems:
        st.error(message.markdown(lang))
    for message in outcome.notes:
        st.caption(message.markdown(lang))


def source_key(page: str) -> str:
    """The key of a page's data-source radio (``"bundled"`` or ``"upload"``)."""
    return f"{page}_source"


def upload_key(page: str) -> str:
    """The key of a page's file uploader."""
    return f"{page}_upload"


def data_source(page: str, lang: str, task: str) -> UploadedData | None:
    """The data choice: returns the user's prepared table, or None for the
    bundled data (also while the upload is missing or has problems, which
    are shown; the session stays usable).

    Widget keys: ``{page}_source``, ``{page}_upload``, ``{page}_target`` and,
    for a classifier's numeric target with more than two values,
    ``{page}_threshold``.

    Args:
        page: Page slug (widget keys).
        lang: Text language.
        task: ``"regression"`` or ``"classification"``.
    """
    texts = _TASK_TEXTS[task]
    source = controls.radio(
        t("upload.source", lang),
        ["bundled", "upload"],
        key=source_key(page),
        horizontal=True,
        format_func=lambda k: t(texts["bundled"], lang) if k == "bundled" else t("upload.source.upload", lang),
    )
    if source != "upload":
        _forget(page)
        return None
    file = st.file_uploader(
        t("upload.file", lang, limit=MAX_UPLOAD_MB, limit_bytes=MAX_UPLOAD_BYTES),
        type=["csv", "txt", "tsv"],
        key=upload_key(page),
    )
    if file is None:
        _forget(page)
        st.info(t(texts["waiting"], lang))
        return None
    result = _read(page, file)
    _show_messages(result, lang)
    if not result.ok:
        return None
    frame = result.frame
    targets = list(candidate_targets(frame, task))
    if not targets:
        st.error(t(texts["no_target"], lang))
        return None
    # Tables usually end with their target: it is offered (and preselected)
    # even when it cannot be predicted, so its problem is explained, e.g. a
    # target with a single class.
    last = str(frame.columns[-1])
    options = targets if last in targets else [*targets, last]
    key = f"{page}_target"
    if st.session_state.get(key) not in options:  # a value left from another file
        st.session_state.pop(key, None)
    target = controls.selectbox(t("upload.target", lang), options, index=len(options) - 1, key=key)
    prepared = prepare_target(frame, target, task)
    threshold = None
    if [message.key for message in prepared.problems] == ["upload.error.needs_threshold"]:
        st.info(prepared.problems[0].markdown(lang))
        threshold = _threshold_input(page, lang, frame, target, result.name)
        prepared = prepare_target(frame, target, task, threshold)
    _show_messages(prepared, lang)
    if not prepared.ok:
        return None
    table = _sampled(page, file, prepared.table)
    split = split_and_scale(table, target, scale_target=task == "regression")
    if len(split.y_train) < 2 or len(split.y_valid) < 1:
        st.error(t("upload.too_small_split", lang))
        return None
    st.success(
        t("upload.ready", lang, name=md(result.name), rows=len(table), features=table.shape[1] - 1, target=md(target),
          train=len(split.y_train), valid=len(split.y_valid))
    )  # fmt: skip
    if len(table) < len(prepared.table):
        note, button = st.columns([4, 1])
        note.caption(t("upload.sampled", lang, rows=len(table), total=len(prepared.table)))
        button.button(t("upload.all_rows", lang), key=f"{page}_all_rows", on_click=use_all_rows, args=(page,))
    st.dataframe(table.head(5), width="stretch")
    class_one = _class_one(frame[target], prepared, task, threshold)
    return UploadedData(result.name, table, target, split, threshold, class_one, len(prepared.table))


def _threshold_input(page: str, lang: str, frame: pd.DataFrame, target: str, name: str) -> float:
    """The class threshold of a numeric target (target ≥ threshold → class 1),
    starting at the target's median; a new file or target starts again there."""
    key = f"{page}_threshold"
    chosen_for = f"{page}_threshold_for"
    if st.session_state.get(chosen_for) != (name, target):
        st.session_state.pop(key, None)
        st.session_state[chosen_for] = (name, target)
    y = frame[target]
    return float(
        controls.number_input(
            t("upload.threshold", lang, target=md(target)),
            min_value=float(y.min()),
            max_value=float(y.max()),
            value=suggest_threshold(frame, target, "classification"),
            key=key,
            help=t("upload.threshold_help", lang, target=md(target)),
        )
    )


def _class_one(y: pd.Series, prepared: TargetResult, task: str, threshold: float | None) -> str | float | None:
    """The file's value that became class 1 of a two-value target."""
    if task != "classification" or threshold is not None:
        return None
    value = y[prepared.target == 1].iloc[0]
    return str(value) if isinstance(value, str) else float(value)
