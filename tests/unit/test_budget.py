"""A run's cost is estimated before it starts; a run over the budget is refused
with its estimate and offers that make it fit; the data the next run uses is
said next to Train."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from dlcore import budget
from dlcore.budget import check_budget, estimate, split_sizes
from dlcore.data import TABLE_CLASSIFIERS, classification_split, wine_split
from dlcore.experiments import EXPERIMENTS
from dlcore.presets import CLASSIFIER_PRESETS, WINE_PRESETS
from dlcore.spec import MAX_EPOCHS, ModelSpec, TrainConfig
from dlcore.toy_data import TOY_KINDS
from lessons.classification.model import SUGGESTIONS

COURSE_MODEL = ModelSpec(n_inputs=1)  # 3 × Dense(512, relu) on one input column
LARGEST_TOY = {"n_points": 1600, "train_fraction": 0.9}  # the classifier page's largest 2-D set


def one_click_runs() -> list[tuple[str, ModelSpec, TrainConfig, tuple[int, int, int]]]:
    """Every model and training a page sets up in one click (defaults, presets,
    experiments, suggestions) with every bundled data set it goes with, at its
    largest: ``(name, model, train, (n_inputs, n_train, n_valid))``."""
    wine = wine_split()
    wine_sizes = (wine.x_train.shape[1], len(wine.y_train), len(wine.y_valid))
    runs = [("wine default", ModelSpec(11), TrainConfig(), wine_sizes)]
    runs += [(f"wine preset {p.key}", p.model, p.train, wine_sizes) for p in WINE_PRESETS]
    runs += [(f"experiment {e.key}", e.model, e.train, wine_sizes) for e in EXPERIMENTS]
    for dataset in (*TABLE_CLASSIFIERS, *TOY_KINDS):
        options = {"train_fraction": 0.9} if dataset in TABLE_CLASSIFIERS else LARGEST_TOY
        split = classification_split(dataset, **options)
        sizes = (split.x_train.shape[1], len(split.y_train), len(split.y_valid))
        s = SUGGESTIONS[dataset]
        model = ModelSpec(sizes[0], units=s.units, activation=s.activation, output_activation="sigmoid")
        train = TrainConfig(loss="binary_crossentropy", learning_rate=s.learning_rate, batch_size=s.batch_size)
        runs.append((f"suggestion for {dataset}", model, train, sizes))
        runs += [(f"classifier preset {p.key} on {dataset}", p.model, p.train, sizes) for p in CLASSIFIER_PRESETS]
    return runs


@pytest.mark.parametrize("name, model, train, sizes", one_click_runs(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_bundled_set_and_preset_fits_the_default_budget_at_the_most_epochs(name, model, train, sizes) -> None:
    n_inputs, n_train, n_valid = sizes
    check = check_budget(replace(model, n_inputs=n_inputs), replace(train, epochs=MAX_EPOCHS), n_train, n_valid)
    assert check.budget == 600
    assert check.fits, f"{name}: {check.cost.seconds:.0f} s"


def test_the_large_upload_of_the_report_is_refused_with_an_estimate_of_hours() -> None:
    # The report: a 9.9 MB two-column CSV (550,000 rows) trained the course's
    # model at 23-29 s per epoch, and 1,000 epochs were allowed.
    n_train, n_valid = split_sizes(550_000)
    check = check_budget(COURSE_MODEL, TrainConfig(epochs=1000), n_train, n_valid, sample_from=550_000)
    assert not check.fits
    assert 23 / 2.5 <= check.cost.epoch_seconds <= 29 * 2.5  # the report's measurement, within a factor 2.5
    assert check.cost.seconds > 2 * 3600
    assert (check.cost.rows, check.cost.params, check.cost.epochs) == (550_000, 526_849, 1000)


@pytest.mark.parametrize("rows, epochs", [(550_000, 1000), (550_000, 40), (60_000, 1000), (5_000, 1000)])
def test_the_offers_are_the_most_that_fit(rows: int, epochs: int) -> None:
    config = TrainConfig(epochs=epochs)
    check = check_budget(COURSE_MODEL, config, *split_sizes(rows), sample_from=rows, budget=300)
    assert not check.fits
    assert check.epochs_that_fit is not None and check.rows_that_fit is not None
    at_most = estimate(COURSE_MODEL, replace(config, epochs=check.epochs_that_fit), *split_sizes(rows)).seconds
    one_more = estimate(COURSE_MODEL, replace(config, epochs=check.epochs_that_fit + 1), *split_sizes(rows)).seconds
    assert at_most <= 300 < one_more
    assert estimate(COURSE_MODEL, config, *split_sizes(check.rows_that_fit)).seconds <= 300
    assert estimate(COURSE_MODEL, config, *split_sizes(check.rows_that_fit + 1)).seconds > 300
    assert 20 <= check.rows_that_fit < rows


def test_no_offer_that_cannot_fit() -> None:
    # A budget that only covers building the model: no epoch of any sample fits.
    check = check_budget(
        COURSE_MODEL, TrainConfig(epochs=5), *split_sizes(550_000), sample_from=550_000, budget=budget.STARTUP_SECONDS
    )
    assert not check.fits and check.epochs_that_fit is None and check.rows_that_fit is None


def test_the_budget_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert budget.run_budget_seconds() == 600
    monkeypatch.setenv("DLP_RUN_BUDGET_SECONDS", "45")
    assert budget.run_budget_seconds() == 45
    monkeypatch.setenv("DLP_RUN_BUDGET_SECONDS", "-1")
    assert budget.run_budget_seconds() == 600


def test_split_sizes_are_those_of_the_course_split() -> None:
    import pandas as pd

    for rows in (20, 21, 25, 1599, 10_001):
        frame = pd.DataFrame({"a": np.arange(rows)})
        n_train = len(frame.sample(frac=0.7, random_state=0))
        assert split_sizes(rows) == (n_train, rows - n_train)
