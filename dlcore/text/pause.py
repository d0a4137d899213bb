"""Texts of pausing, stepping, resuming and continuing a run."""

EN: dict[str, str] = {
    "pause.pause": "Pause",
    "pause.resume": "Resume",
    "pause.step": "Step one epoch",
    "pause.pausing": "Pausing after this epoch…",
    "pause.status": "Paused after epoch {epoch} of {epochs}.",
    "pause.status_freed": (
        "Paused after epoch {epoch} of {epochs}. The trainer was handed to others meanwhile; "
        "the model is saved with its optimizer state, so Resume or Step carries on from there."
    ),
    "pause.help": "Resume trains on to the last epoch; Step trains exactly one more epoch and pauses again.",
    "pause.more_epochs": "More epochs",
    "pause.train_more": "Train more epochs",
    "pause.train_more_help": (
        "Continues this run's model (same weights, same optimizer state); the new epochs are appended "
        "to the same curves."
    ),
    "pause.model_gone": "This run's saved model is no longer kept, so the run cannot be continued.",
    "pause.continuing": "Continuing run {number} from epoch {epoch}.",
    "store.status.paused": "paused",
}
