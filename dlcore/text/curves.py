"""Texts of the TensorBoard-style curves: smoothing, log scale, run colours
and the distributions of weights and biases (wine and classification pages)."""

EN: dict[str, str] = {
    "curves.smoothing": "Smoothing",
    "curves.smoothing_help": "TensorBoard's smoothing: an exponential moving average of the epochs so far (0 = the raw values Keras printed; 0.6 is TensorBoard's default). The raw values stay faint behind the smoothed line. Smoothing lags: the smoothed minimum comes later than the real best epoch (the star).",
    "curves.log_scale": "Log scale",
    "curves.log_scale_help": "A logarithmic loss axis: equal steps are equal factors (1 → 0.1 → 0.01), so small late improvements stay visible.",
    "dist.expander": "Distributions: weights and biases per layer over the epochs",
    "dist.title": "Weights and biases over the epochs",
    "dist.caption": "As TensorBoard's distributions: for every Dense layer, the median of its values (line) and the bands holding 39 %, 68 %, 87 % and 100 % of them (darkest in the middle: ±0.5σ, ±1σ, ±1.5σ, min–max). Measured in the worker on the real Keras model, at {count} epochs of this run.",
    "dist.before": "The distributions appear after the first epoch of a run.",
    "dist.none": "This run has no record of its weights (it was trained before this view existed).",
    "dist.hidden": "Dense {index}{size}",
    "dist.output": "Output{size}",
    "dist.kernel": "{layer}: weights",
    "dist.bias": "{layer}: bias",
    "dist.median": "median",
    "dist.min": "min",
    "dist.max": "max",
}
