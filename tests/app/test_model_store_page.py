"""Saved models: in the app's own data folder, owner-only, within a byte budget."""

from __future__ import annotations

from dlcore.runtime.model_store import new_model_id
from dlcore.runtime.runs import RunRecord
from dlcore.spec import ModelSpec, TrainConfig, to_dict
from tests.conftest import open_page


def test_the_page_says_when_the_runs_model_was_pruned() -> None:
    model = ModelSpec(11, units=(4,))
    record = RunRecord(
        number=1,
        meta={"model": to_dict(model), "train": to_dict(TrainConfig(epochs=1)), "label": "1 × 4",
              "model_id": new_model_id(), "data": {"dataset": "wine"}},
        history={"loss": [0.2], "val_loss": [0.1]},
        result={"stop_reason": "completed", "seconds": 0.5, "final": {}, "best_epoch": 1},
    )  # fmt: skip
    at = open_page("pages/6_wine.py", runs={"wine": [record]})
    assert not at.exception
    labels = [button.label for button in at.get("download_button")]
    assert "Download the model (.keras)" not in labels and "Download the history (CSV)" in labels
    assert any("no longer on the server" in info.value and "6 hours" in info.value for info in at.info)
    assert "Predict one wine" not in [header.value for header in at.subheader]
