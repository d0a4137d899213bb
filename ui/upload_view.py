"""Choosing the data: the bundled table or the user's own CSV file.

Everything about reading and checking a file lives in ``dlcore.upload``; this
view only shows its messages. Nothing a user uploads is executed or
unpickled: the bytes are parsed as CSV text, and the clean numeric table
travels to the worker inside the job payload.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from dlcore.data import SplitData, split_and_scale
from dlcore.upload import MAX_UPLOAD_BYTES, candidate_targets, prepare_target, read_csv_upload
from dlcore.text import t
from ui import controls


@dataclass(frozen=True)
class UploadedData:
    """A user's table ready for training.

    Attributes:
        name: The file name.
        table: Features followed by the target (numeric).
        target: The target column's name.
        split: The course's split and scaling of ``table``.
    """

    name: str
    table: pd.DataFrame
    target: str
    split: SplitData

    def payload(self, task: str) -> dict[str, Any]:
        """The job payload's ``data`` entry (the table travels as arrays)."""
        return {
            "dataset": "upload",
            "columns": list(self.table.columns),
            "values": self.table.to_numpy(dtype="float64"),
            "target": self.target,
            "task": task,
        }


@st.cache_data(show_spinner=False, max_entries=16)
def _read(data: bytes, name: str):  # cached per file content for every session
    return read_csv_upload(data, name)


def data_source(page: str, lang: str, task: str) -> UploadedData | None:
    """The data choice: returns the user's prepared table, or None for the
    bundled data (also while the upload is missing or has problems, which
    are shown; the session stays usable).

    Args:
        page: Page slug (widget keys).
        lang: Text language.
        task: ``"regression"`` or ``"classification"``.
    """
    source = controls.radio(
        t("upload.source", lang),
        ["bundled", "upload"],
        key=f"{page}_source",
        horizontal=True,
        format_func=lambda k: t(f"upload.source.{k}", lang),
    )
    if source != "upload":
        return None
    file = st.file_uploader(
        t("upload.file", lang, limit=MAX_UPLOAD_BYTES // 2**20),
        type=["csv", "txt", "tsv"],
        key=f"{page}_upload",
    )
    if file is None:
        st.info(t("upload.waiting", lang))
        return None
    result = _read(file.getvalue(), file.name)
    for message in result.problems:
        st.error(message.text(lang))
    for message in result.notes:
        st.caption(message.text(lang))
    if not result.ok:
        return None
    targets = candidate_targets(result.frame, task)
    if not targets:
        st.error(t("upload.no_target", lang))
        return None
    target = st.selectbox(t("upload.target", lang), list(targets), index=len(targets) - 1, key=f"{page}_target")
    prepared = prepare_target(result.frame, target, task)
    for message in prepared.problems:
        st.error(message.text(lang))
    for message in prepared.notes:
        st.caption(message.text(lang))
    if not prepared.ok:
        return None
    table = prepared.table
    split = split_and_scale(table, target, scale_target=task == "regression")
    if len(split.y_train) < 2 or len(split.y_valid) < 1:
        st.error(t("upload.too_small_split", lang))
        return None
    st.success(
        t("upload.ready", lang, name=result.name, rows=len(table), features=table.shape[1] - 1, target=target,
          train=len(split.y_train), valid=len(split.y_valid))
    )  # fmt: skip
    st.dataframe(table.head(5), width="stretch")
    return UploadedData(result.name, table, target, split)
