"""Texts of the run store: saved runs, the workspace, interrupted runs, deleting runs."""

EN: dict[str, str] = {
    "store.interrupted": (
        "Interrupted at epoch {epoch} of {epochs} (the server restarted); its curves up to there are kept."
    ),
    "store.unsaved": (
        "Your runs are not being saved yet: the database cannot be reached. Training works as usual, "
        "and your runs will be written when the database is back."
    ),
    "store.unsaved_pending": "Run updates waiting in memory: {pending}.",
    "store.ws_replaced": "The workspace in the link was not valid, so this browser got a new, empty workspace.",
    "store.cap_dropped": "Oldest {count} runs removed: this workspace keeps at most {cap}.",
    "store.kept": (
        "This page shows your last {shown} runs. They are saved under this page's address "
        "(keep or bookmark it: a reload or a server restart brings them back); at most {cap} are kept."
    ),
    "store.delete_pick": "Run to delete",
    "store.delete": "Delete this run",
    "store.delete_all": "Delete all runs",
    "store.delete_all_ask": "Delete all {count} runs of this page? They cannot be brought back.",
    "store.delete_all_yes": "Yes, delete them all",
    "store.delete_all_no": "Cancel",
    "store.deleted_one": "Run {number} deleted.",
    "store.deleted_all": "{count} runs deleted.",
    "store.delete_failed": ("The database cannot be reached, so nothing was deleted. Try again when it is back."),
    "store.status.completed": "completed",
    "store.status.early_stopping": "early stopping",
    "store.status.cancelled": "stopped",
    "store.status.diverged": "diverged",
    "store.status.failed": "failed",
    "store.status.interrupted": "interrupted",
}
