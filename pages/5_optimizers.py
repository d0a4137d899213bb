"""Optimizer race: keras.optimizers classes race across loss surfaces."""

from typing import Any

import pandas as pd
import streamlit as st

from dlcore.optimizer_race import (
    HYPERS,
    MAX_STEPS,
    RACER_HYPERS,
    RACERS,
    STORIES,
    SURFACES,
    TOLERANCES,
    RaceSettings,
    default_state,
    hyper_key,
    keras_code,
    loss_figure,
    nearest_option,
    outcome_table,
    outcomes,
    race_figure,
    story_state,
    suggested_state,
    winner,
)
from dlcore.spec import SettingError
from dlcore.text import error_text, t
from ui.compute import ComputeError, compute
from ui.frame import page_frame

PAGE = "optimizers"
TASK = "dlcore.optimizer_race_tasks:run_race"
SAVED = "race_saved"  # Streamlit drops widget values while another page is open
HYPER_COLUMNS = 4

lang = page_frame(PAGE)
state = st.session_state
saved = state.setdefault(SAVED, {})
for key, default in default_state().items():
    if key not in state:
        state[key] = saved.get(key, default)


def apply(values: dict[str, Any], story: str | None = None) -> None:
    """Button and selectbox callbacks: put values into the widgets."""
    for key, value in values.items():
        state[key] = value
    saved.update(values)
    state["race_story"] = story


st.title(f"🏁 {t('lesson.optimizers.title', lang)}")
st.markdown(t("race.intro", lang))

s1, s2, s3, s4 = st.columns([2, 3, 3, 2])
s1.markdown(t("race.story", lang))
for column, story in zip((s2, s3), STORIES, strict=True):
    column.button(
        t(f"race.story.{story}", lang),
        key=f"race_story_{story}",
        on_click=lambda s=story: apply(story_state(s), s),
        width="stretch",
    )
s4.button(
    t("race.suggest", lang),
    key="race_suggest",
    on_click=lambda: apply(suggested_state(state["race_surface"])),
    help=t("race.suggest_help", lang),
    width="stretch",
)

c1, c2 = st.columns([1, 2])
surface_key = c1.selectbox(
    t("race.surface", lang),
    list(SURFACES),
    key="race_surface",
    format_func=lambda k: t(f"race.surface.{k}.name", lang),
    on_change=lambda: apply(suggested_state(state["race_surface"])),
)
chosen = c2.multiselect(
    t("race.optimizers", lang), list(RACERS), key="race_optimizers", format_func=lambda k: t(f"optimizer.{k}", lang)
)
surface = SURFACES[surface_key]
st.markdown(f"**{t(f'race.surface.{surface_key}.formula', lang)}** · {t(f'race.surface.{surface_key}.about', lang)}")

c1, c2, c3, c4 = st.columns([3, 3, 3, 2])
state["race_x0"] = min(max(float(state["race_x0"]), surface.x_range[0]), surface.x_range[1])
x0 = c1.slider(t("race.x0", lang), *surface.x_range, step=0.01, key="race_x0")
start = [x0]
if surface.y_range is not None:
    state["race_y0"] = min(max(float(state["race_y0"]), surface.y_range[0]), surface.y_range[1])
    start.append(c2.slider(t("race.y0", lang), *surface.y_range, step=0.01, key="race_y0"))
steps = c3.slider(t("race.steps", lang), 10, MAX_STEPS, step=10, key="race_steps")
state["race_tol"] = nearest_option(TOLERANCES, state["race_tol"])
tol = c4.select_slider(
    t("race.tol", lang), TOLERANCES, key="race_tol", format_func=lambda v: f"{v:g}", help=t("race.tol_help", lang)
)

st.markdown(f"**{t('race.settings', lang)}**")
st.caption(t("race.settings_caption", lang))
columns = st.columns(HYPER_COLUMNS)
racers: dict[str, dict[str, float]] = {}
for i, racer in enumerate(r for r in RACERS if r in chosen):
    lr_key = hyper_key(racer, "learning_rate")
    with columns[i % HYPER_COLUMNS].expander(f"{t(f'optimizer.{racer}', lang)} · η = {state[lr_key]:g}"):
        for name in RACER_HYPERS[racer]:
            key = hyper_key(racer, name)
            state[key] = nearest_option(HYPERS[name].options, state.get(key, RACER_HYPERS[racer][name]))
            st.select_slider(
                t(f"race.hyper.{name}", lang),
                HYPERS[name].options,
                key=key,
                format_func=lambda v: f"{v:g}",
                help=t(f"race.hyper_help.{name}", lang),
            )
    racers[racer] = {name: float(state[hyper_key(racer, name)]) for name in RACER_HYPERS[racer]}
saved.update({key: state[key] for key in default_state() if key in state})

story = state.get("race_story")
if story is not None and STORIES[story][0] == surface_key:
    st.info(t(f"race.story.{story}_text", lang), icon="📖")

try:
    settings = RaceSettings(surface_key, tuple(start), int(steps), racers)
    with st.spinner(t("compute.running", lang)):
        result = compute(TASK, settings.to_payload())
except SettingError as exc:
    st.warning(t(exc.key, lang, **exc.values))
    st.stop()
except ComputeError as exc:
    st.error(error_text(exc.error, lang))
    st.stop()

results = outcomes(result, surface, tol)
first = winner(results)
if first is not None:
    name = t(f"optimizer.{first.racer}", lang)
    st.success(t("race.winner", lang, tol=f"{tol:g}", name=name, steps=first.steps_to_tol))
else:
    st.info(t("race.no_winner", lang, tol=f"{tol:g}", steps=steps))
diverged = [t(f"optimizer.{o.racer}", lang) for o in results if o.diverged_at is not None]
if diverged:
    st.warning(t("race.diverged", lang, names=", ".join(diverged)))

st.plotly_chart(race_figure(surface, results, steps, lang=lang), key="race_chart", width="stretch")
st.plotly_chart(loss_figure(surface, results, tol, lang=lang), key="race_loss_chart", width="stretch")
st.markdown(f"**{t('race.results', lang)}**")
st.dataframe(
    pd.DataFrame(outcome_table(results, surface, tol, lang)),
    hide_index=True,
    width="stretch",
    column_config={
        t("race.table.final_loss", lang): st.column_config.NumberColumn(format="%.4g"),
        t("race.table.gap", lang): st.column_config.NumberColumn(format="%.3e"),
        t("race.table.distance", lang): st.column_config.NumberColumn(format="%.4f"),
    },
)
st.caption(t("race.seconds", lang, count=len(results), steps=steps, seconds=result["seconds"]))

st.subheader(t("race.how", lang))
st.caption(t("race.how_intro", lang))
for racer in RACERS:
    st.markdown(t(f"race.how.{racer}", lang))

st.subheader(t("race.keras", lang))
st.markdown(t("race.keras_note", lang))
st.code(
    "\n".join(f"# {t(f'optimizer.{r}', lang)}\noptimizer = {keras_code(r, racers[r])}" for r in racers),
    language="python",
)
