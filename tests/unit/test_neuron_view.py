"""The neuron view: the probe's unit maps against NumPy, the figure's edges,
the optional input features and the exported code's feature function."""

from __future__ import annotations

import numpy as np
import pytest

from dlcore.data import data_split
from dlcore.spec import ModelSpec, TrainConfig
from dlcore.toy_data import FEATURES, add_features
from tests.conftest import run_python

# Keras never enters the test process (the server's rule): the probe runs
# in a fresh interpreter, which checks every map against NumPy itself.
PROBE_SCRIPT = """
import keras, numpy as np
from dlcore.runtime.keras_build import build_model
from dlcore.runtime.neuron_probe import NeuronProbe
from dlcore.spec import ModelSpec
from dlcore.toy_data import Grid, decode_probability_text, decode_signed

SIZE = 9
ACTS = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh}


def numpy_forward(model, points, spec):
    # Each hidden layer's output (what the next Dense sees) and the output,
    # from the layers' weights alone.
    h, outputs, layers = points.astype(np.float64), [], model.layers
    for k, layer in enumerate(layers):
        weights = [np.asarray(w, dtype=np.float64) for w in layer.get_weights()]
        if isinstance(layer, keras.layers.Dense):
            h = h @ weights[0] + weights[1]
            if k == len(layers) - 1:
                h = 1 / (1 + np.exp(-h))
            elif spec.batchnorm != "before_activation":
                h = ACTS[spec.activation](h)
        elif isinstance(layer, keras.layers.BatchNormalization):
            gamma, beta, mean, var = weights
            h = gamma * (h - mean) / np.sqrt(var + layer.epsilon) + beta
        elif isinstance(layer, keras.layers.Activation):
            h = ACTS[spec.activation](h)
        if k < len(layers) - 1 and isinstance(layers[k + 1], keras.layers.Dense):
            outputs.append(h)
    return outputs + [h]


for activation, batchnorm, features in [("relu", "none", ()), ("tanh", "none", ("x1sq", "sin2")),
                                         ("relu", "before_activation", ())]:
    grid = Grid(1.5, SIZE, features)
    spec = ModelSpec(n_inputs=2 + len(features), units=(4, 3), activation=activation, batchnorm=batchnorm,
                     output_activation="sigmoid")
    keras.utils.set_random_seed(3)
    model = build_model(spec)
    for layer in model.layers:  # non-trivial batch-norm statistics (inference mode uses them)
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.set_weights([np.full(w.shape, v, dtype=np.float32)
                               for w, v in zip(layer.get_weights(), (1.3, 0.2, 0.1, 2.0))])
    snap = NeuronProbe(grid, last_epoch=5).snapshot(model, 5)
    expected = numpy_forward(model, grid.points(), spec)
    assert [layer["units"] for layer in snap["layers"]] == [4, 3]
    for layer, want in zip(snap["layers"], expected[:-1], strict=True):
        maps = decode_signed(layer["maps"], layer["scale"], (layer["units"], SIZE, SIZE))
        assert abs(layer["scale"] - np.max(np.abs(want))) <= 1e-4 * layer["scale"]
        # One byte per value: within half a step of 2·scale/255.
        np.testing.assert_allclose(maps, want.T.reshape(-1, SIZE, SIZE), atol=layer["scale"] / 255 + 1e-6)
        dense = model.layers[layer["index"]]
        assert isinstance(dense, keras.layers.Dense) and dense.name == layer["name"]
    output = decode_probability_text(snap["output"], SIZE)
    np.testing.assert_allclose(output, expected[-1].reshape(SIZE, SIZE), atol=0.003)
    kernels = [np.asarray(w["kernel"]) for w in snap["weights"]]
    assert [k.shape for k in kernels] == [(2 + len(features), 4), (4, 3), (3, 1)]
    np.testing.assert_allclose(kernels[1], model.layers[snap["weights"][1]["index"]].get_weights()[0], atol=6e-5)

# Wall-clock throttling: with a minute between reports only the first and last epoch report.
probe = NeuronProbe(Grid(1.2, 5), interval=60.0, last_epoch=10)
model = build_model(ModelSpec(n_inputs=2, units=(2,)))
assert [e for e in range(1, 11) if probe(model, e) is not None] == [1, 10]
print("ok")
"""


def test_each_unit_map_equals_numpy_from_the_layer_weights() -> None:
    # relu and tanh, two hidden layers, with and without features, and with
    # BatchNormalization in inference mode; plus the probe's throttling.
    assert run_python(PROBE_SCRIPT) == "ok"


def test_features_match_their_closed_forms() -> None:
    x = np.array([[0.5, -1.0], [2.0, 0.25]], dtype=np.float32)
    out = add_features(x, ["sin2", "x1x2", "x1sq", "x2sq", "sin1"])
    a, b = x[:, 0], x[:, 1]
    np.testing.assert_allclose(out, np.column_stack([a, b, a * a, b * b, a * b, np.sin(a), np.sin(b)]), rtol=1e-6)
    split = data_split({"dataset": "circle", "features": ["x1x2"]})
    np.testing.assert_allclose(split.x_train[:, 2], split.x_train[:, 0] * split.x_train[:, 1], rtol=1e-6)
    assert split.feature_names == ("x1", "x2", "x1*x2")
    assert data_split({"dataset": "circle"}).x_train.shape[1] == 2


def test_exported_feature_function_reproduces_the_apps_columns() -> None:
    from dlcore.keras_code import keras_code
    from lessons.classification.views import TOY_SOURCE

    x = np.random.default_rng(0).normal(size=(50, 2)).astype(np.float32)
    code = keras_code(ModelSpec(n_inputs=2 + len(FEATURES), units=(4,)), TrainConfig(), TOY_SOURCE, features=FEATURES)
    namespace: dict = {}
    start = code.index("import numpy as np")
    exec(code[start : code.index("\nX_train = add_features", start)], namespace)  # the feature function only
    np.testing.assert_allclose(namespace["add_features"](x), add_features(x, FEATURES), rtol=1e-6)
    assert "add_features(" in code.split("def add_features")[1]  # the columns are added before fit


def test_edges_follow_the_weights() -> None:
    from dlcore.figures.neuron_view import EDGE_NEGATIVE, EDGE_POSITIVE, edge_style

    kernel = np.array([[0.5, -2.0], [0.0, 1.0]])
    styles = edge_style(kernel)
    assert styles[(0, 0)][0] == EDGE_POSITIVE and styles[(0, 1)][0] == EDGE_NEGATIVE
    widths = {k: w for k, (_, w) in styles.items()}
    assert widths[(0, 1)] > widths[(1, 1)] > widths[(0, 0)] > widths[(1, 0)]
    # Width grows linearly with |w| above a hairline.
    assert (widths[(0, 1)] - widths[(1, 0)]) == pytest.approx(2 * (widths[(1, 1)] - widths[(1, 0)]))


def test_a_runs_link_carries_its_feature_checkboxes() -> None:
    from dlcore.board.links import setup_params
    from dlcore.spec import to_dict

    data = {"dataset": "circle", "train_fraction": 0.7, "seed": 0, "noise": 0.1, "n_points": 400, "features": ["x1sq", "sin2"]}
    meta = {"model": to_dict(ModelSpec(n_inputs=4, units=(4, 4))), "train": to_dict(TrainConfig()), "data": data}
    params = setup_params("classification", meta)
    assert params["feature_x1sq"] == params["feature_sin2"] == "true"
    assert "feature_x2sq" not in params


def test_a_click_on_any_hidden_or_output_map_names_that_unit() -> None:
    from dlcore.figures.neuron_view import CLICK_LAYER, NeuronState, UnitLayer, neuron_figure
    from dlcore.toy_data import Grid

    rng = np.random.default_rng(0)
    size, units = 5, (3, 2)
    shapes = [(2, 3), (3, 2), (2, 1)]
    weights = tuple(
        {"index": i, "name": f"dense_{i}", "kernel": rng.normal(size=s).tolist(), "bias": [0.0] * s[1]}
        for i, s in enumerate(shapes)
    )
    layers = tuple(UnitLayer(i, f"dense_{i}", rng.normal(size=(n, size, size)), 1.0) for i, n in enumerate(units))
    state = NeuronState(7, layers, rng.uniform(size=(size, size)), weights)
    fig = neuron_figure(state, Grid(1.5, size), lang="en").to_plotly_json()
    traces = fig["data"]
    clicks = [(i, trace) for i, trace in enumerate(traces) if trace.get("meta") == CLICK_LAYER]
    # One click layer per hidden or output unit, none on the inputs, each naming its unit.
    assert sorted(trace["customdata"][0] for _, trace in clicks) == ["1:0", "1:1", "1:2", "2:0", "2:1", "out"]
    for i, trace in clicks:
        heatmap = traces[i - 1]
        assert heatmap["type"] == "heatmap" and (trace["xaxis"], trace["yaxis"]) == (heatmap["xaxis"], heatmap["yaxis"])
        assert len(set(trace["customdata"])) == 1 and trace["hovertemplate"]  # clickable: not hoverinfo "skip"
        # The lattice covers the map: its markers sit inside [−extent, extent], symmetric about the centre.
        assert min(trace["x"]) == -max(trace["x"]) and 0 < max(trace["x"]) < 1.5
    assert fig["layout"]["clickmode"] == "event+select"
