"""Model specs: Keras agrees with the spec's parameter count and layer order."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from dlcore.spec import MAX_PARAMS, ModelSpec, SettingError, TrainConfig, from_dict, to_dict
from tests.conftest import run_python

SPECS = [
    ModelSpec(n_inputs=11),  # the course's wine model
    ModelSpec(n_inputs=11, units=()),  # the linear unit
    ModelSpec(n_inputs=3, units=(16,)),
    ModelSpec(n_inputs=11, units=(16, 16), batchnorm="after", dropout=0.3, l2=0.01),
    ModelSpec(n_inputs=2, units=(7, 7, 7), batchnorm="before_activation", activation="tanh", output_activation="sigmoid"),
    ModelSpec(n_inputs=34, units=(4, 4), output_activation="sigmoid"),
    ModelSpec(n_inputs=2, units=(4, 3)),  # the Sequential Models slide
    ModelSpec(n_inputs=5, units=(8, 32, 4), batchnorm="after", dropout=0.2),
]

KERAS_SCRIPT = """
import json, sys
from dlcore.runtime.keras_build import build_model
from dlcore.spec import ModelSpec
out = []
for fields in json.loads(sys.stdin.read()):
    model = build_model(ModelSpec(**fields))
    out.append({
        "count": model.count_params(),
        "layers": [type(layer).__name__ for layer in model.layers],
        "shapes": [list(layer.output.shape)[1:] for layer in model.layers],
        "names": [layer.name for layer in model.layers],
    })
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def keras_models() -> list[dict]:
    """What Keras itself builds from each spec (in a subprocess: the test
    process never imports Keras)."""
    return json.loads(run_python(KERAS_SCRIPT, stdin=json.dumps([asdict(s) for s in SPECS])))


def test_course_model_has_531969_parameters() -> None:
    assert ModelSpec(n_inputs=11).param_count() == 531_969


def test_sequential_models_slide_has_31_parameters() -> None:
    # Dense(4) on 2 inputs: 2·4 + 4 = 12; Dense(3): 4·3 + 3 = 15; Dense(1): 3 + 1 = 4.
    spec = ModelSpec(n_inputs=2, units=(4, 3))
    assert spec.layer_params() == [12, 15, 4]
    assert [r["output_shape"] for r in spec.summary_rows()] == ["(None, 4)", "(None, 3)", "(None, 1)"]


def test_a_spec_survives_a_json_payload() -> None:
    # Job payloads are JSON: the units tuple comes back as a list.
    spec = ModelSpec(n_inputs=2, units=(4, 3), activation="tanh")
    back = from_dict(ModelSpec, json.loads(json.dumps(to_dict(spec))))
    assert back == spec and hash(back) == hash(spec) and back.units == (4, 3)


def test_uniform_builds_equal_hidden_layers() -> None:
    spec = ModelSpec.uniform(11, 3, 512, dropout=0.3)
    assert spec == ModelSpec(n_inputs=11, units=(512, 512, 512), dropout=0.3)
    assert spec.is_uniform and not ModelSpec(n_inputs=2, units=(4, 3)).is_uniform


@pytest.mark.parametrize("index", range(len(SPECS)))
def test_param_count_equals_keras_count_params(index: int, keras_models: list[dict]) -> None:
    assert SPECS[index].param_count() == keras_models[index]["count"]


@pytest.mark.parametrize("index", range(len(SPECS)))
def test_summary_rows_match_keras_layers(index: int, keras_models: list[dict]) -> None:
    rows = SPECS[index].summary_rows()
    built = keras_models[index]
    assert [r["layer"].split(" ")[1].strip("()") for r in rows] == built["layers"]
    assert [r["output_shape"] for r in rows] == [f"(None, {s[0]})" for s in built["shapes"]]


def test_batchnorm_after_the_layer_is_the_course_order() -> None:
    # Slide "可以放在一層後": Dense(16, activation='relu'), BatchNormalization()
    spec = ModelSpec(n_inputs=11, units=(16,), batchnorm="after")
    assert [layer.kind for layer in spec.layers()] == ["Dense", "BatchNormalization", "Dense"]
    assert spec.layers()[0].kwargs["activation"] == "relu"


def test_batchnorm_inside_the_layer_is_the_course_order() -> None:
    # Slide "也可以放在一層中間": Dense(16), BatchNormalization(), Activation('relu')
    spec = ModelSpec(n_inputs=11, units=(16,), batchnorm="before_activation")
    kinds = [layer.kind for layer in spec.layers()]
    assert kinds == ["Dense", "BatchNormalization", "Activation", "Dense"]
    assert "activation" not in spec.layers()[0].kwargs
    assert spec.layers()[2].kwargs == {"activation": "relu"}


def test_dropout_follows_each_hidden_layer() -> None:
    spec = ModelSpec(n_inputs=11, units=(16, 16), dropout=0.3)
    assert [layer.kind for layer in spec.layers()] == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert spec.layers()[1].kwargs == {"rate": 0.3}


def test_over_five_million_parameters_is_refused_before_building() -> None:
    with pytest.raises(SettingError) as info:
        ModelSpec(n_inputs=11, units=(1024,) * 8)
    assert info.value.key == "error.too_many_params"
    assert info.value.values["count"] > MAX_PARAMS
    # 1024 wide and 4 deep (3.16 M) is allowed.
    assert ModelSpec(n_inputs=11, units=(1024,) * 4).param_count() < MAX_PARAMS


@pytest.mark.parametrize(
    ("cls", "fields"),
    [
        (ModelSpec, {"n_inputs": 11, "units": (8,) * 9}),
        (ModelSpec, {"n_inputs": 11, "units": (4, 0)}),
        (ModelSpec, {"n_inputs": 11, "units": (4, 1025)}),
        (ModelSpec, {"n_inputs": 11, "dropout": 0.95}),
        (ModelSpec, {"n_inputs": 11, "activation": "eval"}),
        (ModelSpec, {"n_inputs": 11, "l2": float("nan")}),
        (TrainConfig, {"epochs": 0}),
        (TrainConfig, {"epochs": 1001}),
        (TrainConfig, {"learning_rate": 100.0}),
        (TrainConfig, {"optimizer": "lbfgs"}),
        (TrainConfig, {"batch_size": 0}),
    ],
)
def test_absurd_settings_are_refused_with_a_catalogue_message(cls: type, fields: dict) -> None:
    from dlcore.text import t

    with pytest.raises(SettingError) as info:
        cls(**fields)
    assert t(info.value.key, "en", **info.value.values)


def test_course_defaults() -> None:
    config = TrainConfig()
    assert (config.optimizer, config.loss, config.batch_size, config.epochs) == ("adam", "mae", 256, 10)
    assert (config.min_delta, config.patience, config.restore_best) == (0.001, 20, True)
    spec = ModelSpec(n_inputs=11)
    assert (spec.units, spec.depth, spec.activation) == ((512, 512, 512), 3, "relu")
