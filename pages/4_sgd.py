"""SGD and minibatches: Keras's SGD fits a line from shuffled minibatches."""

import pandas as pd
import streamlit as st

from dlcore.sgd import (
    LEARNING_RATES,
    MAX_STEPS,
    SAMPLE_RANGE,
    SgdSettings,
    max_epochs,
    sgd_figure,
    stable_prefix,
    step_table,
)
from dlcore.spec import SettingError
from dlcore.text import error_text, t
from ui.compute import ComputeError, compute
from ui.frame import page_frame

PAGE = "sgd"
TASK = "dlcore.sgd_tasks:run_sgd"
DEFAULTS = SgdSettings()
KEYS = {
    "sgd_lr": DEFAULTS.learning_rate,
    "sgd_samples": DEFAULTS.n_samples,
    "sgd_batch": DEFAULTS.batch_size,
    "sgd_epochs": DEFAULTS.epochs,
    "sgd_seed": DEFAULTS.seed,
    "sgd_full": True,
}
SAVED = "sgd_saved"  # Streamlit drops widget values while another page is open

lang = page_frame(PAGE)
state = st.session_state
saved = state.setdefault(SAVED, {})
for key, default in KEYS.items():
    if key not in state:
        state[key] = saved.get(key, default)


def set_batch(size: int | None) -> None:
    """Preset buttons: batch size 1, 8 or n (None)."""
    state["sgd_batch"] = min(size or state["sgd_samples"], state["sgd_samples"])


st.title(f"🎲 {t('lesson.sgd.title', lang)}")
st.markdown(t("sgd.intro", lang))
st.markdown(t("sgd.minibatch", lang))

c1, c2, c3 = st.columns(3)
c1.select_slider(
    t("sgd.lr", lang), LEARNING_RATES, key="sgd_lr", format_func=lambda v: f"{v:g}", help=t("sgd.lr_help", lang)
)
n = c2.slider(t("sgd.samples", lang), *SAMPLE_RANGE, key="sgd_samples")
state["sgd_batch"] = min(int(state["sgd_batch"]), n)
batch = c3.slider(t("sgd.batch", lang), 1, n, key="sgd_batch", help=t("sgd.batch_help", lang))
c1, c2, c3 = st.columns(3)
limit = max_epochs(n, batch)
state["sgd_epochs"] = min(int(state["sgd_epochs"]), limit)
c1.slider(t("sgd.epochs", lang), 1, limit, key="sgd_epochs", help=t("sgd.epochs_help", lang, limit=MAX_STEPS))
c2.number_input(t("sgd.seed", lang), 0, 2**31 - 1, step=1, key="sgd_seed", help=t("sgd.seed_help", lang))
c3.toggle(t("sgd.full_batch", lang), key="sgd_full", help=t("sgd.full_batch_help", lang))
b1, b2, b3, b4 = st.columns([2, 2, 2, 3])
b1.caption(t("sgd.presets", lang))
b2.button(t("sgd.preset.one", lang), key="sgd_preset_one", on_click=set_batch, args=(1,), width="stretch")
b3.button(t("sgd.preset.mini", lang), key="sgd_preset_mini", on_click=set_batch, args=(8,), width="stretch")
b4.button(t("sgd.preset.full", lang), key="sgd_preset_full", on_click=set_batch, args=(None,), width="stretch")
saved.update({key: state[key] for key in KEYS})

try:
    settings = SgdSettings(
        learning_rate=float(state["sgd_lr"]),
        batch_size=int(batch),
        n_samples=int(n),
        epochs=int(state["sgd_epochs"]),
        seed=int(state["sgd_seed"]),
    )
    with st.spinner(t("compute.running", lang)):
        result = compute(TASK, settings.to_payload())
except SettingError as exc:
    st.error(t(exc.key, lang, **exc.values))
    st.stop()
except ComputeError as exc:
    st.error(error_text(exc.error, lang))
    st.stop()

per_epoch = settings.steps_per_epoch
show_full = bool(state["sgd_full"])
st.markdown(
    t(
        "sgd.steps_summary",
        lang,
        n=settings.n_samples,
        batch=settings.batch_size,
        per_epoch=per_epoch,
        epochs=settings.epochs,
        total=settings.total_steps,
    )
)

mini_ok = stable_prefix(result["loss"])
full_ok = stable_prefix(result["full_loss"])
if mini_ok <= settings.total_steps:
    st.error(t("sgd.diverged", lang, step=mini_ok, lr=f"{settings.learning_rate:g}"))
if show_full and full_ok <= settings.total_steps and settings.batch_size < settings.n_samples:
    st.warning(t("sgd.diverged_full", lang, step=full_ok, lr=f"{settings.learning_rate:g}"))
if settings.batch_size == settings.n_samples:
    st.info(t("sgd.full_note", lang))
elif settings.batch_size == 1:
    st.info(t("sgd.one_note", lang))

m1, m2, m3, m4 = st.columns(4)
if mini_ok > settings.total_steps:
    m1.metric(t("sgd.metric.final", lang), f"{result['loss'][-1]:.4f}")
    m4.metric(
        t("sgd.metric.line", lang),
        t("sgd.line_value", lang, w=result["w"][-1], b=result["b"][-1]),
        help=t("sgd.metric.line_help", lang),
    )
if show_full and full_ok > settings.total_steps:
    m2.metric(t("sgd.metric.final_full", lang), f"{result['full_loss'][-1]:.4f}")
m3.metric(t("sgd.metric.best", lang), f"{result['best_mse']:.4f}", help=t("sgd.metric.best_help", lang))

st.plotly_chart(sgd_figure(result, settings, lang=lang, show_full_batch=show_full), key="sgd_chart", width="stretch")
st.caption(t("sgd.lines_caption", lang, ls_w=result["ls_w"], ls_b=result["ls_b"]))
if settings.batch_size < settings.n_samples:
    note = t("sgd.noise_note", lang, batch=settings.batch_size)
    if show_full:
        note += " " + t("sgd.compare_note", lang, n=settings.n_samples, per_epoch=per_epoch)
    st.markdown(note)

st.subheader(t("sgd.keras", lang))
st.markdown(t("sgd.keras_note", lang))
code = t(
    "sgd.keras_code",
    lang,
    lr=f"{settings.learning_rate:g}",
    batch=settings.batch_size,
    epochs=settings.epochs,
    per_epoch=per_epoch,
)
st.code(code, language="python")
with st.expander(t("sgd.how", lang)):
    st.markdown(t("sgd.how_text", lang))
with st.expander(t("sgd.table", lang)):
    st.dataframe(pd.DataFrame(step_table(result, settings, lang)), hide_index=True, width="stretch")
