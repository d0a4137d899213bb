"""Run records: what a session keeps of each finished or stopped run.

Only histories and small metadata are kept (never models), at most
``RUN_CAP`` runs per page, so a class of sessions stays light on the server.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field, replace
from typing import Any

from dlcore.runtime.executor import DONE, JobSnapshot

RUN_CAP = 20


@dataclass(frozen=True)
class RunRecord:
    """One run.

    Attributes:
        number: 1, 2, … within the session and page.
        meta: Settings the run was started with (``model``, ``train`` dicts…).
        history: Per-epoch metrics, ``{"loss": [...], "val_loss": [...], ...}``.
        result: The task's result without bulky arrays (None if it failed).
        predictions: Validation predictions of the final model (may be empty).
        error: The job's error payload, if it failed or was cancelled early.
        seconds: Training time per epoch reported by the worker.
        extras: Probe results: ``"gradients"`` (``[[epoch, [mean |grad| per
            Dense layer]], ...]``) and ``"boundary"`` (the returned model's
            grid, ``{"epoch", "p"}``; only the newest run keeps it) and
            ``"weights"`` (``[[epoch, [per Dense layer {"kernel", "bias"}
            percentiles]], ...]``).
        run_id: The run's id in the store ("" for a run never stored).
    """

    number: int
    meta: dict[str, Any]
    history: dict[str, list[float]]
    result: dict[str, Any] | None
    predictions: list[float] = field(default_factory=list)
    error: dict[str, Any] | None = None
    seconds: list[float] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    run_id: str = ""

    @property
    def epochs_run(self) -> int:
        return len(self.history.get("loss", []))

    @property
    def stop_reason(self) -> str:
        if self.result is None:
            return "failed"
        return str(self.result.get("stop_reason", "completed"))

    def best(self, metric: str = "val_loss") -> tuple[float, int] | None:
        """Lowest finite value of a metric and its epoch (1-based)."""
        values = [(v, e) for e, v in enumerate(self.history.get(metric, []), 1) if math.isfinite(v)]
        return min(values) if values else None


def history_from_events(events: tuple[tuple[str, dict[str, Any]], ...]) -> dict[str, list[float]]:
    """Gathers ``"epoch"`` events into History-style lists (like ``history.history``).

    Args:
        events: A job snapshot's events.

    Returns:
        ``{metric: [value per epoch]}``.
    """
    history: dict[str, list[float]] = {}
    for kind, data in events:
        if kind != "epoch":
            continue
        for name, value in data["logs"].items():
            history.setdefault(name, []).append(float(value))
    return history


def epoch_seconds(events: tuple[tuple[str, dict[str, Any]], ...]) -> list[float]:
    """Time since training began at the end of each epoch."""
    return [float(data["seconds"]) for kind, data in events if kind == "epoch"]


def probe_series(events: tuple[tuple[str, dict[str, Any]], ...], name: str) -> list[tuple[int, Any]]:
    """A probe's reports as ``(epoch, value)`` pairs, in epoch order.

    Args:
        events: A job snapshot's events.
        name: The probe's key in the epoch messages (``"gradients"``, ``"boundary"``).

    Returns:
        The epochs at which the probe reported and what it reported.
    """
    return [(int(data["epoch"]), data[name]) for kind, data in events if kind == "epoch" and name in data]


def latest_probe(events: tuple[tuple[str, dict[str, Any]], ...], name: str) -> Any | None:
    """The most recent report of a probe, or None."""
    for kind, data in reversed(events):
        if kind == "epoch" and name in data:
            return data[name]
    return None


# Result entries kept outside RunRecord.result (bulky, drawn only for the newest run).
_BULKY = ("valid_predictions", "boundary")
NEWEST_ONLY = frozenset({"boundary", "neurons"})  # extras only the newest run keeps
MAX_SNAPSHOTS = 40  # neuron-view snapshots a run keeps
SAMPLED_EXTRAS = ("gradients", "weights", "neurons")  # extras sampled over the epochs


def thin_snapshots(snapshots: list[Any], keep: int = MAX_SNAPSHOTS) -> list[Any]:
    """At most ``keep`` snapshots, evenly spread, the first and last always kept."""
    if len(snapshots) <= keep:
        return list(snapshots)
    picks = sorted({round(i * (len(snapshots) - 1) / (keep - 1)) for i in range(keep)})
    return [snapshots[i] for i in picks]


def record_from_snapshot(number: int, meta: dict[str, Any], snapshot: JobSnapshot) -> RunRecord:
    """Turns a finished job into a run record.

    Args:
        number: Run number in the session.
        meta: Settings the run was started with.
        snapshot: The finished job.

    Returns:
        The record.
    """
    result = None
    predictions: list[float] = []
    extras: dict[str, Any] = {}
    gradients = probe_series(snapshot.events, "gradients")
    if gradients:
        extras["gradients"] = [[epoch, list(values)] for epoch, values in gradients]
    weights = probe_series(snapshot.events, "weights")
    if weights:  # the distributions view's samples (dlcore.runtime.histogram_probe)
        extras["weights"] = [[epoch, list(layers)] for epoch, layers in weights]
    boundary = latest_probe(snapshot.events, "boundary")
    if snapshot.state == DONE and snapshot.result is not None:
        result = {k: v for k, v in snapshot.result.items() if k not in _BULKY}
        predictions = list(snapshot.result.get("valid_predictions", []))
        boundary = snapshot.result.get("boundary", boundary)
    if boundary is not None:
        extras["boundary"] = boundary
    neurons = probe_series(snapshot.events, "neurons")
    if neurons:  # the neuron view's snapshots, thinned for the epoch scrubber
        extras["neurons"] = thin_snapshots([snapshot for _, snapshot in neurons])
    return RunRecord(
        number=number,
        meta=meta,
        history=history_from_events(snapshot.events),
        result=result,
        predictions=predictions,
        error=snapshot.error,
        seconds=epoch_seconds(snapshot.events),
        extras=extras,
    )


def add_run(runs: list[RunRecord], record: RunRecord, cap: int = RUN_CAP) -> list[RunRecord]:
    """Appends a run, keeping the newest ``cap``; only the newest keeps its
    predictions and boundary grid (they are only drawn for the latest run)."""
    slim = [
        replace(r, predictions=[], extras={k: v for k, v in r.extras.items() if k not in NEWEST_ONLY})
        if r.predictions or NEWEST_ONLY & r.extras.keys()
        else r
        for r in runs
    ]
    return [*slim, record][-cap:]


def eta_seconds(seconds: list[float], total_epochs: int) -> float | None:
    """Remaining time from the median epoch time so far, or None before epoch 1.

    ``seconds`` are the times since training began at each epoch's end, so
    epoch k took ``seconds[k] − seconds[k−1]``. The median of those, unlike
    their mean, ignores the epochs a Pause held (a hold is an epoch or two
    that lasted minutes).
    """
    if not seconds:
        return None
    per_epoch = statistics.median(b - a for a, b in zip([0.0, *seconds], seconds, strict=False))
    return per_epoch * max(total_epochs - len(seconds), 0)


def truncated(record: RunRecord, epochs: int) -> RunRecord:
    """The run's first ``epochs`` epochs (what a continuation started from)."""
    extras = dict(record.extras)
    for name in SAMPLED_EXTRAS:  # [epoch, sample] pairs, or snapshots with an "epoch"
        if name in extras:
            extras[name] = [s for s in extras[name] if int(s["epoch"] if isinstance(s, dict) else s[0]) <= epochs]
    return replace(
        record,
        history={name: values[:epochs] for name, values in record.history.items()},
        seconds=record.seconds[:epochs],
        extras=extras,
    )


def continued(base: RunRecord, part: RunRecord) -> RunRecord:
    """One run from its first part and its continuation (``continue_from``):
    the curves, epoch times and probe samples (gradients, weight
    distributions, neuron snapshots) run on from epoch 1, the
    outcome and predictions are the continuation's, and the best epoch is
    the best over the whole run.

    Args:
        base: The run as it stood when continued.
        part: The continuation's own record (its epochs numbered on from ``base``'s).

    Returns:
        The whole run under ``base``'s number and store id.
    """
    names = [*base.history, *(name for name in part.history if name not in base.history)]
    history = {name: [*base.history.get(name, []), *part.history.get(name, [])] for name in names}
    offset = base.seconds[-1] if base.seconds else 0.0
    extras = {**base.extras, **part.extras}
    for name in SAMPLED_EXTRAS:  # samples over the epochs: the continuation's follow the base's
        if name in base.extras or name in part.extras:
            extras[name] = [*base.extras.get(name, []), *part.extras.get(name, [])]
    if "neurons" in extras:
        extras["neurons"] = thin_snapshots(extras["neurons"])
    result = part.result
    if result is not None:
        best = replace(base, history=history).best()
        result = {**result, "best_epoch": best[1] if best else None}
    return replace(
        part,
        number=base.number,
        history=history,
        result=result,
        seconds=[*base.seconds, *(offset + s for s in part.seconds)],
        extras=extras,
        run_id=base.run_id or part.run_id,
    )
