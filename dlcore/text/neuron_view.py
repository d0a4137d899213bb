"""Texts of the classification page's neuron view (every unit's map) and
its optional input features."""

EN: dict[str, str] = {
    "nv.header": "Inside the network: what each neuron computes",
    "nv.text": (
        "Each small square is one unit's output over the input plane (x₁ across, x₂ up), computed by the real "
        "Keras model in the worker: blue where it is positive, vermillion where it is negative, white near zero. "
        "The lines are the weights: blue for positive, vermillion for negative, thicker for larger |w|. "
        "The output unit on the right is the model's probability: its decision map."
    ),
    "nv.before": "Train a model to see what each of its neurons computes.",
    "nv.other_data": "The neuron view shows the latest run on the current data set; train one to see it.",
    "nv.title_epoch": "Every unit's output at epoch {epoch}",
    "nv.col.input": "Inputs",
    "nv.col.hidden": "Hidden layer {n} ({units})",
    "nv.col.output": "Output",
    "nv.hover.input": "input {name}",
    "nv.hover.unit": "{layer}, unit {unit}<br>bias {bias:.3f}",
    "nv.hover.output": "{layer}, the output<br>bias {bias:.3f}",
    "nv.colorbar.p": "p(class 1)",
    "nv.colorbar.out": "output",
    "nv.train": "training",
    "nv.valid": "validation",
    "nv.unit": "Look at one unit",
    "nv.unit_help": "Shows that unit's map large, with the weights coming into it and its bias.",
    "nv.unit.output": "Output: the probability",
    "nv.unit.hidden": "Hidden layer {n}, unit {unit} (model.layers[{index}])",
    "nv.unit.title": "model.layers[{index}] ({name}), unit {unit}",
    "nv.unit.title_output": "model.layers[{index}] ({name}): the probability, with the data",
    "nv.unit.bias": "Bias b = {bias:.4f}. The unit computes {act}(Σ wᵢ·inputᵢ + b).",
    "nv.unit.scale": "Colours span ±{scale:.3g}, the largest output of this layer on the plane.",
    "nv.col.from": "from",
    "nv.col.weight": "weight w",
    "nv.epoch": "Replay the run: epoch",
    "nv.epoch_help": "The snapshots the worker kept during the run (at most 40); the maps and the decision boundary of that epoch.",
    "nv.replay.boundary": "Decision boundary at epoch {epoch} (a coarser grid)",
    "nv.features": "Extra input features (as in TensorFlow Playground)",
    "nv.features_help": "Each adds a column computed from x₁ and x₂; the model gets one more input per feature.",
    "nv.feature.x1sq": "x₁²",
    "nv.feature.x2sq": "x₂²",
    "nv.feature.x1x2": "x₁x₂",
    "nv.feature.sin1": "sin x₁",
    "nv.feature.sin2": "sin x₂",
}
