"""The neuron lesson: Dense(1) recovers a known line, and the page's sliders,
Keras fit and three-input unit match references computed from the CSV."""

from __future__ import annotations

import numpy as np

from dlcore.runtime.tasks import Task


def test_dense_1_recovers_a_known_line(run_task) -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 200)
    y = 3 * x + 1 + rng.normal(0, 0.1, 200)
    payload = {"x": x[:, None].tolist(), "y": y.tolist(), "w0": [0.0], "b0": 0.0, "epochs": 30, "learning_rate": 0.1}
    result = run_task(Task.NEURON_FIT, payload)
    (w_ref, b_ref), *_ = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)
    w, b = result["weights"][-1][0], result["biases"][-1]
    assert abs(w - w_ref) < 0.03 and abs(b - b_ref) < 0.03
    assert abs(w - 3) < 0.1 and abs(b - 1) < 0.1
    assert len(result["weights"]) == len(result["biases"]) == 31  # epoch 0 (the start) + 30
    assert result["weights"][0] == [0.0] and result["biases"][0] == 0.0
    # The recorded MSE of every epoch is mean((wx + b − y)²) of that epoch's weights.
    ws = np.asarray([v[0] for v in result["weights"]])
    bs = np.asarray(result["biases"])
    reference = np.mean((ws[:, None] * x[None, :] + bs[:, None] - y[None, :]) ** 2, axis=1)
    np.testing.assert_allclose(result["mse"], reference, rtol=1e-4)
    assert result["stop_reason"] == "completed" and len(result["loss"]) == 30
