"""Texts of the momentum map on the optimizer page ("Why momentum works"), in English."""

EN: dict[str, str] = {
    "momentum.title": "Why momentum works: a map of (η, β)",
    "momentum.intro": (
        "On the course's f(x) = 5x² − 2x + 4, Keras's `SGD(learning_rate=η, momentum=β)` updates its velocity "
        "v ← β·v − η·f′(x) and then x ← x + v. For this bowl the error x − 0.2 and v follow one linear rule, "
        "and two numbers (the roots λ of λ² − (1 + β − 10η)λ + β = 0) decide how the walk goes: the error "
        "shrinks like max|λ|ᵗ. **Click the map** to pick η and β; the walk below is the real Keras optimizer."
    ),
    "momentum.lr": "learning rate η (學習率)",
    "momentum.beta": "momentum β",
    "momentum.x0": "start x₀",
    "momentum.steps": "steps",
    "momentum.map.title": "Convergence rate max|λ| of SGD with momentum on f(x) = 5x² − 2x + 4",
    "momentum.map.rate": "rate max|λ|",
    "momentum.map.eta_axis": "learning rate η",
    "momentum.map.beta_axis": "momentum β",
    "momentum.map.critical": "critical damping (fastest β for each η)",
    "momentum.map.edge": "stability edge η = 0.2(1 + β)",
    "momentum.map.chosen": "chosen η = {eta}, β = {beta}",
    "momentum.map.help": (
        "Dark is fast, yellow is slow, grey diverges. Without momentum (β = 0) any η above 0.2 diverges; "
        "with momentum the walk stays stable up to η = 0.2(1 + β). Between the dashed lines the roots are "
        "complex and the ball spirals in at rate √β, whatever η is."
    ),
    "momentum.region.monotone": "monotone",
    "momentum.region.oscillating": "oscillating",
    "momentum.region.alternating": "alternating",
    "momentum.region.diverging": "diverging",
    "momentum.verdict": "η = {eta}, β = {beta}: **{region}**, rate max|λ| = {rate} (λ = {roots}). {detail}",
    "momentum.verdict.monotone": "Real, positive roots: the walk comes straight in from one side, never passing 0.2.",
    "momentum.verdict.oscillating": (
        "Complex roots: like a ball in a bowl, the walk rolls past the minimum and back, each swing smaller by √β."
    ),
    "momentum.verdict.alternating": "A real, negative root leads: the walk jumps across the minimum at every step.",
    "momentum.verdict.diverging": "max|λ| ≥ 1: every swing is larger than the one before, and the walk leaves the bowl.",
    "momentum.walk.caption": (
        "The walk: `keras.optimizers.SGD(learning_rate={eta}, momentum={beta})` applied to a `tf.Variable` "
        "in the worker, from x₀ = {x0}."
    ),
    "momentum.walk.title": "The walk of SGD(learning_rate={eta}, momentum={beta}) on f(x) = 5x² − 2x + 4",
    "momentum.error.title": "Distance to the minimum: Keras against the closed form",
    "momentum.error.keras": "|x − x*| (Keras)",
    "momentum.error.rate": "closed form: |x₀ − x*|·{rate}ᵗ",
    # The race's arrows
    "race.arrows": "arrows for",
    "race.arrows.none": "no arrows",
    "race.arrows_help": (
        "At each step of this optimizer: the gradient step −η∇f (where plain gradient descent would go) and "
        "the velocity v read from the Keras optimizer's own momentum variable after `apply_gradients`."
    ),
    "race.arrows.gradient": "−η∇f (gradient step)",
    "race.arrows.velocity": "velocity v (Keras momentum variable)",
    "race.arrows.adam_velocity": "−η·m (Adam's first moment m, Keras variable)",
    "race.arrows.caption": (
        "Arrows drawn to scale in x (and y) units, from the point where the step starts. The velocity is the "
        "value of `{variable}` after each `apply_gradients`, not recomputed."
    ),
    "race.pick_start": "Click the chart to choose the start point (or use the sliders).",
}
