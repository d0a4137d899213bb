"""What a training run costs, estimated before it starts, and the budget it must fit.

One run occupies one training worker for its whole length, so a run is
refused before it starts when its estimate is above ``run_budget_seconds()``
(``DLP_RUN_BUDGET_SECONDS``), and the page offers the changes that make it
fit: fewer epochs, or (for an uploaded table) a random sample of its rows.

The estimate counts what an epoch of ``dlcore.runtime.training`` does:

- **multiply-accumulates**: a Dense layer does one per weight per sample, so
  a forward pass costs about ``param_count()`` MACs per row; a training step
  adds the backward pass (about twice the forward), validation is forward
  only: ``params × (3 · n_train + n_valid)`` per epoch;
- **optimizer updates**: every training step updates every parameter
  (Adam keeps two moments per weight): ``params × ⌈n_train / batch⌉``, which
  dominates large models trained with small batches;
- **steps**: every minibatch of training and validation has a fixed cost
  (Python, TensorFlow's dispatch), which dominates small models and small
  batches: ``⌈n_train / batch⌉ + ⌈n_valid / batch⌉``;
- **rows**: the input pipeline handles every row (shuffle, batch);

plus the model's build and first trace once per run. The constants were
measured on the development machine (see ``SECONDS_PER_MAC``); a faster
machine gets estimates on the safe side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dlcore.limits import env_number
from dlcore.spec import ModelSpec, TrainConfig

# Measured on 2026-11-30 with the real worker: a dlcore.runtime.pool.WorkerPool of one
# worker running dlcore.runtime.training:run_training on random uploaded tables
# (x86_64, 2 cores shared with other work, TensorFlow 2.21 CPU), the median
# epoch time of 2-3 epoch runs for 13 settings from a 13-parameter model at
# batch 1 to the course's 3 × 512 model on 550,000 rows (47 s per epoch) and
# 5 × 1024 at batch 32; the four constants are a least-squares fit of the
# relative error, and every setting's estimate is within 0.77-1.35 × its
# measured time. The report's own machine ran the 550,000-row case at 23-29 s
# per epoch, so on a quiet machine the estimates are on the safe side.
SECONDS_PER_MAC = 4.0e-11  # ≈ 25 G multiply-accumulates per second
SECONDS_PER_UPDATE = 1.6e-8  # one parameter's optimizer update in one step
SECONDS_PER_STEP = 2.1e-3
SECONDS_PER_ROW = 3.4e-6
STARTUP_SECONDS = 5.0  # building and tracing the model once (1-13 s measured)

DEFAULT_BUDGET_SECONDS = 600.0  # 10 minutes of one worker
ETA_SHOWN_ABOVE_SECONDS = 20.0  # shorter runs start without an estimate
TRAIN_FRACTION = 0.7  # the course's split of an uploaded table


def run_budget_seconds() -> float:
    """Worker-seconds one run may take: ``DLP_RUN_BUDGET_SECONDS`` (default 600)."""
    return env_number("DLP_RUN_BUDGET_SECONDS", DEFAULT_BUDGET_SECONDS)


@dataclass(frozen=True)
class RunCost:
    """The estimated cost of one run.

    Attributes:
        seconds: Estimated worker time of the whole run.
        epoch_seconds: Estimated time of one epoch.
        rows: Training plus validation rows.
        params: The model's parameters.
        epochs: Planned epochs.
        batch_size: The minibatch size.
    """

    seconds: float
    epoch_seconds: float
    rows: int
    params: int
    epochs: int
    batch_size: int


def estimate(spec: ModelSpec, config: TrainConfig, n_train: int, n_valid: int) -> RunCost:
    """Estimates a run's worker time (see the module's docstring).

    Args:
        spec: The model.
        config: The training settings (epochs, batch size).
        n_train: Training rows.
        n_valid: Validation rows.

    Returns:
        The estimate.
    """
    params = spec.param_count()
    batch = config.batch_size
    train_steps = math.ceil(n_train / batch)
    steps = train_steps + math.ceil(n_valid / batch)
    macs = params * (3 * n_train + n_valid)
    epoch = (
        SECONDS_PER_MAC * macs
        + SECONDS_PER_UPDATE * params * train_steps
        + SECONDS_PER_STEP * steps
        + SECONDS_PER_ROW * (n_train + n_valid)
    )
    return RunCost(STARTUP_SECONDS + config.epochs * epoch, epoch, n_train + n_valid, params, config.epochs, batch)


def split_sizes(rows: int, train_fraction: float = TRAIN_FRACTION) -> tuple[int, int]:
    """Training and validation rows of a table split as ``dlcore.data.split_and_scale``
    does (``DataFrame.sample(frac=…)`` takes ``round(frac · rows)``)."""
    n_train = round(train_fraction * rows)
    return n_train, rows - n_train


@dataclass(frozen=True)
class BudgetCheck:
    """A run's estimate against the budget, and what would make it fit.

    Attributes:
        cost: The estimate.
        budget: The budget in worker-seconds.
        epochs_that_fit: The most epochs that fit (None when even one epoch
            does not, or the run fits as it is).
        rows_that_fit: For a table that may be sampled, the most rows that
            fit at the planned epochs (None when not even ``min_rows`` fit,
            the table may not be sampled, or the run fits as it is).
    """

    cost: RunCost
    budget: float
    epochs_that_fit: int | None = None
    rows_that_fit: int | None = None

    @property
    def fits(self) -> bool:
        return self.cost.seconds <= self.budget


def check_budget(
    spec: ModelSpec,
    config: TrainConfig,
    n_train: int,
    n_valid: int,
    *,
    sample_from: int | None = None,
    min_rows: int = 20,
    budget: float | None = None,
) -> BudgetCheck:
    """Checks a run against the budget and finds what would make it fit.

    Args:
        spec: The model.
        config: The training settings.
        n_train: Training rows.
        n_valid: Validation rows.
        sample_from: The rows of a table that may be sampled (an upload),
            split with ``split_sizes``; None for data that may not.
        min_rows: The fewest rows a sample may have.
        budget: Worker-seconds (default ``run_budget_seconds()``).

    Returns:
        The check; its offers are set only when the run does not fit.
    """
    budget = run_budget_seconds() if budget is None else budget
    cost = estimate(spec, config, n_train, n_valid)
    if cost.seconds <= budget:
        return BudgetCheck(cost, budget)
    epochs = math.floor((budget - STARTUP_SECONDS) / cost.epoch_seconds) if cost.epoch_seconds > 0 else 0
    rows = None
    if sample_from is not None:
        rows = _most_rows(spec, config, budget, low=min_rows, high=sample_from - 1)
    return BudgetCheck(cost, budget, epochs if epochs >= 1 else None, rows)


def _most_rows(spec: ModelSpec, config: TrainConfig, budget: float, low: int, high: int) -> int | None:
    """The largest row count in [low, high] whose run fits (the cost grows with rows)."""

    def fits(rows: int) -> bool:
        return estimate(spec, config, *split_sizes(rows)).seconds <= budget

    if high < low or not fits(low):
        return None
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    return low
