"""Reading a binary classifier's validation predictions (numpy only).

``p`` are the model's outputs, sigmoid probabilities of the positive class,
and ``y`` the true labels (0/1). A threshold t turns probabilities into
answers: positive when p > t, as Keras's ``binary_accuracy`` does (t = 0.5).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Confusion:
    """Counts of the four outcomes at one threshold.

    Attributes:
        tp: Positives predicted positive.
        fp: Negatives predicted positive.
        fn: Positives predicted negative.
        tn: Negatives predicted negative.
    """

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def accuracy(self) -> float:
        """(TP + TN) / all."""
        return (self.tp + self.tn) / self.total if self.total else float("nan")

    @property
    def precision(self) -> float:
        """TP / (TP + FP): how many predicted positives are right (nan if none)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def recall(self) -> float:
        """TP / (TP + FN), the true-positive rate (nan without positives)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def false_positive_rate(self) -> float:
        """FP / (FP + TN) (nan without negatives)."""
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else float("nan")


def confusion(y: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> Confusion:
    """The confusion counts at a threshold.

    Args:
        y: True labels, 0/1.
        p: Predicted probabilities.
        threshold: Predict positive when p > threshold.

    Returns:
        The counts.
    """
    truth = np.asarray(y) > 0.5
    predicted = np.asarray(p) > threshold
    return Confusion(
        tp=int(np.sum(truth & predicted)),
        fp=int(np.sum(~truth & predicted)),
        fn=int(np.sum(truth & ~predicted)),
        tn=int(np.sum(~truth & ~predicted)),
    )


def roc_curve(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ROC curve: false- and true-positive rates as the threshold falls.

    Lowering the threshold past each distinct score turns every example with
    that score positive at once (ties move together), so the curve has one
    point per distinct score, after the starting point (0, 0) at threshold +∞.

    Args:
        y: True labels, 0/1 (both classes present).
        p: Scores (probabilities).

    Returns:
        ``(fpr, tpr, thresholds)``: point k is "positive when p ≥ thresholds[k]".

    Raises:
        ValueError: If only one class is present (the rates are undefined).
    """
    truth = np.asarray(y, dtype=float) > 0.5
    scores = np.asarray(p, dtype=float)
    positives, negatives = int(truth.sum()), int((~truth).sum())
    if positives == 0 or negatives == 0:
        raise ValueError("ROC needs both classes")
    order = np.argsort(-scores, kind="mergesort")
    scores, truth = scores[order], truth[order]
    # Last index of each run of equal scores: the curve moves there.
    last = np.r_[np.flatnonzero(np.diff(scores)), len(scores) - 1]
    tp = np.cumsum(truth)[last]
    fp = np.cumsum(~truth)[last]
    fpr = np.r_[0.0, fp / negatives]
    tpr = np.r_[0.0, tp / positives]
    return fpr, tpr, np.r_[np.inf, scores[last]]


def auc(fpr: np.ndarray, tpr: np.ndarray) -> float:
    """Area under a curve by the trapezoidal rule, Σ (x_{k+1} − x_k)·(y_k + y_{k+1}) / 2.

    For the ROC curve this equals the probability that a random positive
    scores higher than a random negative (ties counting one half).
    """
    return float(np.trapezoid(tpr, fpr))


def majority_accuracy(y_train: np.ndarray, y_valid: np.ndarray) -> tuple[int, float]:
    """The accuracy of always answering the training set's majority class.

    Args:
        y_train: Training labels.
        y_valid: Validation labels.

    Returns:
        ``(majority class, its share of the validation labels)``.
    """
    majority = int(np.mean(np.asarray(y_train) > 0.5) >= 0.5)
    return majority, float(np.mean((np.asarray(y_valid) > 0.5) == bool(majority)))


@dataclass(frozen=True)
class Suggestion:
    """Settings that train a data set well in about a minute or less.

    Attributes:
        units, activation: The hidden layers (units of each, input side first).
        learning_rate, batch_size, epochs: Adam's step size and the fit.
    """

    units: tuple[int, ...]
    activation: str
    learning_rate: float
    batch_size: int
    epochs: int


TOY_SUGGESTION = Suggestion(units=(8, 8), activation="tanh", learning_rate=0.01, batch_size=16, epochs=100)
SUGGESTIONS: dict[str, Suggestion] = {
    # The course's network: Dense(4, relu) → Dense(4, relu) → Dense(1, sigmoid).
    "ionosphere": Suggestion(units=(4, 4), activation="relu", learning_rate=0.003, batch_size=16, epochs=60),
    "wine_good": Suggestion(units=(16, 16), activation="relu", learning_rate=0.003, batch_size=32, epochs=60),
    "circle": TOY_SUGGESTION,
    "xor": TOY_SUGGESTION,
    "gaussian": Suggestion(units=(2,), activation="tanh", learning_rate=0.03, batch_size=16, epochs=40),
    # The spiral needs larger steps to leave the plateau where it guesses 50/50.
    "spiral": Suggestion(units=(8, 8), activation="tanh", learning_rate=0.03, batch_size=16, epochs=300),
    "moons": TOY_SUGGESTION,
}
