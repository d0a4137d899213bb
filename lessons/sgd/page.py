"""SGD and minibatches: Keras's SGD fits a line from shuffled minibatches."""

from typing import Any

import pandas as pd
import streamlit as st

from dlcore.runtime.tasks import Task
from dlcore.spec import SettingError
from dlcore.text import t
from lessons.sgd.figures import sgd_figure, step_table
from lessons.sgd.model import (
    LEARNING_RATES,
    MAX_STEPS,
    SAMPLE_RANGE,
    SgdSettings,
    max_epochs,
    stable_prefix,
)
from ui import controls
from ui.charts import show
from ui.compute import ComputeError, compute, show_compute_error
from ui.frame import page_end, page_frame

PAGE = "sgd"
DEFAULTS = SgdSettings()


def render() -> None:
    """Lay out the page, top to bottom (served by ``pages/4_sgd.py``)."""
    lang = page_frame(PAGE)
    _intro(lang)
    values, show_full = _controls(lang)
    settings, result = _run(values, lang)
    _summary(settings, lang)
    _notes(settings, result, show_full, lang)
    _metrics(settings, result, show_full, lang)
    _chart(settings, result, show_full, lang)
    _keras_section(settings, lang)
    _details(settings, result, lang)
    page_end(lang)


def _set_batch(size: int | None) -> None:
    """Preset buttons: batch size 1, 8 or n (None)."""
    n = st.session_state.get("sgd_samples", DEFAULTS.n_samples)
    st.session_state["sgd_batch"] = min(size or n, n)


def _cap(key: str, high: int) -> None:
    """Lowers a kept slider value that its new maximum no longer allows."""
    if st.session_state.get(key, 0) > high:
        st.session_state[key] = high


def _intro(lang: str) -> None:
    """The title and what a minibatch is."""
    st.title(f"🎲 {t('lesson.sgd.title', lang)}")
    controls.explain(t("sgd.intro", lang))
    controls.explain(t("sgd.minibatch", lang))


def _controls(lang: str) -> tuple[dict[str, Any], bool]:
    """The settings' controls in two rows, then the batch-size presets.

    Rows wrap onto more lines when the page is narrow (a projector's large type).

    Returns:
        The ``SgdSettings`` fields as chosen, and whether to overlay the full-batch run.
    """
    with st.container(horizontal=True, gap="medium"):
        lr, n, batch = _data_row(lang)
    with st.container(horizontal=True, gap="medium", vertical_alignment="center"):
        epochs, seed, show_full = _run_row(n, batch, lang)
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(t("sgd.presets", lang), width="content")
        st.button(t("sgd.preset.one", lang), key="sgd_preset_one", on_click=_set_batch, args=(1,))
        st.button(t("sgd.preset.mini", lang), key="sgd_preset_mini", on_click=_set_batch, args=(8,))
        st.button(t("sgd.preset.full", lang), key="sgd_preset_full", on_click=_set_batch, args=(None,))
    values = {"learning_rate": lr, "batch_size": batch, "n_samples": n, "epochs": epochs, "seed": seed}
    return values, show_full


def _data_row(lang: str) -> tuple[Any, Any, Any]:
    """Learning rate, number of samples and batch size (at most n)."""
    lr = controls.select_slider(
        t("sgd.lr", lang),
        LEARNING_RATES,
        DEFAULTS.learning_rate,
        key="sgd_lr",
        format_func=lambda v: f"{v:g}",
        help=t("sgd.lr_help", lang),
    )
    n = controls.slider(t("sgd.samples", lang), *SAMPLE_RANGE, DEFAULTS.n_samples, key="sgd_samples")
    # The batch size can be at most n, and the epochs at most what keeps the
    # run within MAX_STEPS steps: both ranges follow the sliders before them.
    _cap("sgd_batch", n)
    batch = controls.slider(
        t("sgd.batch", lang), 1, n, min(DEFAULTS.batch_size, n), key="sgd_batch", help=t("sgd.batch_help", lang)
    )
    return lr, n, batch


def _run_row(n: int, batch: int, lang: str) -> tuple[Any, Any, bool]:
    """Epochs (at most ``MAX_STEPS`` steps in all), seed and the full-batch overlay."""
    limit = max_epochs(n, batch)
    _cap("sgd_epochs", limit)
    epochs = controls.slider(
        t("sgd.epochs", lang),
        1,
        limit,
        min(DEFAULTS.epochs, limit),
        key="sgd_epochs",
        help=t("sgd.epochs_help", lang, limit=MAX_STEPS),
    )
    seed = controls.number_input(
        t("sgd.seed", lang), 0, 2**31 - 1, DEFAULTS.seed, step=1, key="sgd_seed", help=t("sgd.seed_help", lang)
    )
    show_full = controls.toggle(
        t("sgd.full_batch", lang), value=True, key="sgd_full", help=t("sgd.full_batch_help", lang)
    )
    return epochs, seed, show_full


def _run(values: dict[str, Any], lang: str) -> tuple[SgdSettings, dict[str, Any]]:
    """The settings and the run from the worker; on a bad setting or a failed
    run, the message and the page's end, and the script stops here."""
    try:
        settings = SgdSettings(
            learning_rate=float(values["learning_rate"]),
            batch_size=int(values["batch_size"]),
            n_samples=int(values["n_samples"]),
            epochs=int(values["epochs"]),
            seed=int(values["seed"]),
        )
        with st.spinner(t("compute.running", lang)):
            result = compute(Task.SGD_RUN, settings.to_payload())
    except SettingError as exc:
        st.error(t(exc.key, lang, **exc.values))
        page_end(lang)
        st.stop()
    except ComputeError as exc:
        show_compute_error(exc, lang)
        page_end(lang)
        st.stop()
    return settings, result


def _summary(settings: SgdSettings, lang: str) -> None:
    """n samples in minibatches of b: ⌈n / b⌉ steps an epoch, epochs · ⌈n / b⌉ in all."""
    st.markdown(
        t(
            "sgd.steps_summary",
            lang,
            n=settings.n_samples,
            batch=settings.batch_size,
            per_epoch=settings.steps_per_epoch,
            epochs=settings.epochs,
            total=settings.total_steps,
        )
    )


def _notes(settings: SgdSettings, result: dict[str, Any], show_full: bool, lang: str) -> None:
    """Which run blew up, and what batch size 1 or n means."""
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


def _metrics(settings: SgdSettings, result: dict[str, Any], show_full: bool, lang: str) -> None:
    """Final MSE of each run that did not blow up, the lowest MSE, the final line."""
    mini_finished = stable_prefix(result["loss"]) > settings.total_steps
    full_finished = stable_prefix(result["full_loss"]) > settings.total_steps
    with st.container(horizontal=True, gap="medium"):
        if mini_finished:
            st.metric(t("sgd.metric.final", lang), f"{result['loss'][-1]:.4f}", width="content")
        if show_full and full_finished:
            st.metric(t("sgd.metric.final_full", lang), f"{result['full_loss'][-1]:.4f}", width="content")
        st.metric(
            t("sgd.metric.best", lang),
            f"{result['best_mse']:.4f}",
            help=t("sgd.metric.best_help", lang),
            width="content",
        )
        if mini_finished:
            st.metric(
                t("sgd.metric.line", lang),
                t("sgd.line_value", lang, w=result["w"][-1], b=result["b"][-1]),
                help=t("sgd.metric.line_help", lang),
                width="content",
            )


def _chart(settings: SgdSettings, result: dict[str, Any], show_full: bool, lang: str) -> None:
    """The animated figure, the least-squares line, and why minibatch steps are noisy."""
    show(sgd_figure(result, settings, lang=lang, show_full_batch=show_full), key="sgd_chart")
    st.caption(t("sgd.lines_caption", lang, ls_w=result["ls_w"], ls_b=result["ls_b"]))
    if settings.batch_size < settings.n_samples:
        note = t("sgd.noise_note", lang, batch=settings.batch_size)
        if show_full:
            note += " " + t("sgd.compare_note", lang, n=settings.n_samples, per_epoch=settings.steps_per_epoch)
        controls.explain(note)


def _keras_section(settings: SgdSettings, lang: str) -> None:
    """The same run in Keras code."""
    st.subheader(t("sgd.keras", lang))
    controls.explain(t("sgd.keras_note", lang))
    code = t(
        "sgd.keras_code",
        lang,
        lr=f"{settings.learning_rate:g}",
        batch=settings.batch_size,
        epochs=settings.epochs,
        per_epoch=settings.steps_per_epoch,
    )
    st.code(code, language="python", wrap_lines=True)


def _details(settings: SgdSettings, result: dict[str, Any], lang: str) -> None:
    """How it works, and every step in a table."""
    with st.expander(t("sgd.how", lang)):
        st.markdown(t("sgd.how_text", lang))
    with st.expander(t("sgd.table", lang)):
        st.dataframe(pd.DataFrame(step_table(result, settings, lang)), hide_index=True, width="stretch")
