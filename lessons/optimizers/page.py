"""Optimizer race: keras.optimizers classes race across loss surfaces."""

from typing import Any

import pandas as pd
import streamlit as st

from dlcore.runtime.tasks import Task
from dlcore.spec import SettingError
from dlcore.text import t
from lessons.optimizers.figures import loss_figure, race_figure
from lessons.optimizers.model import (
    DEFAULT_SURFACE,
    DEFAULT_TOLERANCE,
    MAX_STEPS,
    STORIES,
    TOLERANCES,
    Arrows,
    Outcome,
    RaceSettings,
    arrows,
    hyper_key,
    outcome_table,
    outcomes,
    story_state,
    suggested_state,
    winner,
)
from lessons.optimizers.racers import HYPERS, RACER_HYPERS, RACERS, keras_code
from lessons.optimizers.surfaces import SURFACES, Surface
from lessons.optimizers.views import clicked_point, render_momentum, selectable_chart
from ui import controls
from ui.charts import show
from ui.compute import ComputeError, compute, show_compute_error
from ui.frame import page_end, page_frame

PAGE = "optimizers"
HYPER_BLOCK_PX = 240  # width of one optimizer's settings


def _apply(values: dict[str, Any], story: str | None = None) -> None:
    """Button and selectbox callbacks: put values into the widgets.

    Args:
        values: ``{widget key: value}``.
        story: The story these values tell, if any (None clears it).
    """
    for key, value in values.items():
        st.session_state[key] = value
    st.session_state["race_story"] = story


def _story_buttons(lang: str) -> None:
    """The course's stories and the "suggested settings" button, on one row."""
    # Rows wrap onto more lines when the page is narrow (a projector's large type).
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(t("race.story", lang), width="content")
        for story in STORIES:
            st.button(
                t(f"race.story.{story}", lang), key=f"race_story_{story}", on_click=lambda s=story: _apply(story_state(s), s)
            )
        st.button(
            t("race.suggest", lang),
            key="race_suggest",
            on_click=lambda: _apply(suggested_state(st.session_state.get("race_surface", DEFAULT_SURFACE))),
            help=t("race.suggest_help", lang),
        )


def _surface_and_racers(lang: str) -> tuple[str, list[str]]:
    """The surface select box and the racers' multiselect.

    Returns:
        The surface key and the chosen racers.
    """
    surface_key = controls.selectbox(
        t("race.surface", lang),
        list(SURFACES),
        index=list(SURFACES).index(DEFAULT_SURFACE),
        key="race_surface",
        format_func=lambda k: t(f"race.surface.{k}.name", lang),
        on_change=lambda: _apply(suggested_state(st.session_state["race_surface"])),
    )
    chosen = controls.multiselect(
        t("race.optimizers", lang),
        list(RACERS),
        default=list(RACERS),
        key="race_optimizers",
        format_func=lambda k: t(f"optimizer.{k}", lang),
    )
    return surface_key, chosen


def _race_controls(surface: Surface, suggested: dict[str, Any], lang: str) -> tuple[list[float], int, float]:
    """Start point, step count and tolerance sliders, on one row.

    Args:
        surface: The chosen surface (its ranges and dimension).
        suggested: The surface's suggested widget values (the defaults).
        lang: Text language.

    Returns:
        ``(start, steps, tol)``.
    """
    with st.container(horizontal=True, gap="medium"):
        x0 = controls.slider(t("race.x0", lang), *surface.x_range, suggested["race_x0"], step=0.01, key="race_x0")
        start = [x0]
        if surface.y_range is not None:
            y0 = controls.slider(t("race.y0", lang), *surface.y_range, suggested["race_y0"], step=0.01, key="race_y0")
            start.append(y0)
        steps = controls.slider(t("race.steps", lang), 10, MAX_STEPS, suggested["race_steps"], step=10, key="race_steps")
        tol = controls.select_slider(
            t("race.tol", lang),
            TOLERANCES,
            DEFAULT_TOLERANCE,
            key="race_tol",
            format_func=lambda v: f"{v:g}",
            help=t("race.tol_help", lang),
        )
    return start, steps, tol


def _racer_settings(chosen: list[str], suggested: dict[str, Any], lang: str) -> dict[str, dict[str, float]]:
    """One expander per chosen racer with its arguments' select-sliders.

    Args:
        chosen: The chosen racers.
        suggested: The surface's suggested widget values (the defaults).
        lang: Text language.

    Returns:
        ``{racer: {argument: value}}`` in ``RACERS`` order.
    """
    st.markdown(f"**{t('race.settings', lang)}**")
    st.caption(t("race.settings_caption", lang))
    hyper_row = st.container(horizontal=True, gap="small")
    racers: dict[str, dict[str, float]] = {}
    label_rates: dict[str, float] = {}
    for racer in (r for r in RACERS if r in chosen):
        lr_key = hyper_key(racer, "learning_rate")
        label_rates[racer] = st.session_state.get(lr_key, suggested[lr_key])
        title = f"{t(f'optimizer.{racer}', lang)} · η = {label_rates[racer]:g}"
        with hyper_row.expander(title, width=HYPER_BLOCK_PX):
            racers[racer] = {
                name: float(
                    controls.select_slider(
                        t(f"race.hyper.{name}", lang),
                        HYPERS[name].options,
                        suggested[hyper_key(racer, name)],
                        key=hyper_key(racer, name),
                        format_func=lambda v: f"{v:g}",
                        help=t(f"race.hyper_help.{name}", lang),
                    )
                )
                for name in RACER_HYPERS[racer]
            }
    if any(racers[r]["learning_rate"] != label_rates[r] for r in racers):
        st.rerun()  # a link set a learning rate after its expander's title was drawn
    return racers


def _start_clicked() -> None:
    """Race chart callback: the clicked place becomes the start (before the sliders are drawn).

    In 1-D only x counts (the click lands on the curve); values are clamped
    to the sliders' ranges and rounded to their step.
    """
    point = clicked_point(st.session_state.get("race_chart"))
    if point is None:
        return
    surface = SURFACES[st.session_state.get("race_surface", DEFAULT_SURFACE)]
    ranges = [("race_x0", point["x"], surface.x_range)]
    if surface.y_range is not None:
        ranges.append(("race_y0", point["y"], surface.y_range))
    for key, value, (low, high) in ranges:
        st.session_state[key] = round(min(max(float(value), low), high), 2)


def _arrow_choice(chosen: list[str], lang: str) -> str | None:
    """Which racer's arrows to draw (none, or one of the chosen racers).

    Returns:
        The racer key, or None.
    """
    options = ["none", *(r for r in RACERS if r in chosen)]
    if st.session_state.get("race_arrows") not in options:
        st.session_state.pop("race_arrows", None)  # its racer left the race
    default = "momentum" if "momentum" in chosen else "none"
    picked = controls.selectbox(
        t("race.arrows", lang),
        options,
        index=options.index(default),
        key="race_arrows",
        format_func=lambda k: t("race.arrows.none", lang) if k == "none" else t(f"optimizer.{k}", lang),
        help=t("race.arrows_help", lang),
    )
    return None if picked == "none" else picked


def _race_chart(
    surface: Surface,
    results: list[Outcome],
    result: Any,
    racers: dict[str, dict[str, float]],
    picked: str | None,
    steps: int,
    lang: str,
) -> None:
    """The race chart: clicking it chooses the start; the picked racer's arrows."""
    shown = next((o for o in results if o.racer == picked), None)
    drawn: Arrows | None = None
    if shown is not None:
        drawn = arrows(result, shown, float(racers[picked]["learning_rate"]))  # type: ignore[index]
    st.caption(t("race.pick_start", lang))
    fig = race_figure(surface, results, steps, lang=lang, arrows=drawn, pickable=True)
    selectable_chart(fig, "race_chart", _start_clicked)
    if drawn is not None and drawn.variable is not None:
        st.caption(t("race.arrows.caption", lang, variable=drawn.variable))


def _story_note(surface_key: str, lang: str) -> None:
    """The chosen story's text, while its surface is on show."""
    story = st.session_state.get("race_story")
    if story is not None and STORIES[story][0] == surface_key:
        st.info(t(f"race.story.{story}_text", lang), icon="📖")


def _run_race(surface_key: str, start: list[float], steps: int, racers: dict[str, dict[str, float]], lang: str) -> Any:
    """Validates the settings and runs the race in the worker; on a bad
    setting or a failed run the page says why and stops there.

    Args:
        surface_key: A key of ``SURFACES``.
        start: Start point.
        steps: Steps per racer.
        racers: ``{racer: {argument: value}}``.
        lang: Text language.

    Returns:
        The race task's result (``lessons.optimizers.tasks.run_race``).
    """
    try:
        settings = RaceSettings(surface_key, tuple(start), int(steps), racers)
        with st.spinner(t("compute.running", lang)):
            return compute(Task.OPTIMIZER_RACE, settings.to_payload())
    except SettingError as exc:
        st.warning(t(exc.key, lang, **exc.values))
    except ComputeError as exc:
        show_compute_error(exc, lang)
    page_end(lang)
    st.stop()


def _verdict(results: list[Outcome], tol: float, steps: int, lang: str) -> None:
    """The winner (or that nobody reached the tolerance) and who diverged."""
    first = winner(results)
    if first is not None:
        name = t(f"optimizer.{first.racer}", lang)
        st.success(t("race.winner", lang, tol=f"{tol:g}", name=name, steps=first.steps_to_tol))
    else:
        st.info(t("race.no_winner", lang, tol=f"{tol:g}", steps=steps))
    diverged = [t(f"optimizer.{o.racer}", lang) for o in results if o.diverged_at is not None]
    if diverged:
        st.warning(t("race.diverged", lang, names=", ".join(diverged)))


def _results_table(results: list[Outcome], surface: Surface, tol: float, lang: str) -> None:
    """The results table, the verdict column first."""
    st.markdown(f"**{t('race.results', lang)}**")
    steps_column = t("race.table.steps_to_tol", lang, tol=f"{tol:g}")
    st.dataframe(
        pd.DataFrame(outcome_table(results, surface, tol, lang)),
        hide_index=True,
        width="stretch",
        # The verdict first, so a narrow page shows it without scrolling sideways.
        column_order=[
            t("race.table.optimizer", lang),
            steps_column,
            t("race.table.gap", lang),
            t("race.table.distance", lang),
            t("race.table.final_loss", lang),
            t("race.table.final_point", lang),
        ],
        column_config={
            t("race.table.final_loss", lang): st.column_config.NumberColumn(format="%.4g"),
            t("race.table.gap", lang): st.column_config.NumberColumn(format="%.3e"),
            t("race.table.distance", lang): st.column_config.NumberColumn(format="%.4f"),
        },
    )


def _how_it_works(lang: str) -> None:
    """Each optimizer's update rule, in words."""
    st.subheader(t("race.how", lang))
    st.caption(t("race.how_intro", lang))
    for racer in RACERS:
        st.markdown(t(f"race.how.{racer}", lang))


def _keras_lines(racers: dict[str, dict[str, float]], lang: str) -> None:
    """The Keras line that creates each chosen optimizer with its settings."""
    st.subheader(t("race.keras", lang))
    controls.explain(t("race.keras_note", lang))
    st.code(
        "\n".join(f"# {t(f'optimizer.{r}', lang)}\noptimizer = {keras_code(r, racers[r])}" for r in racers),
        language="python",
        wrap_lines=True,
    )


def render() -> None:
    """Lay out the page, top to bottom (served by ``pages/5_optimizers.py``)."""
    lang = page_frame(PAGE)
    st.title(f"🏁 {t('lesson.optimizers.title', lang)}")
    controls.explain(t("race.intro", lang))
    _story_buttons(lang)
    surface_key, chosen = _surface_and_racers(lang)
    surface = SURFACES[surface_key]
    # Every setting defaults to the surface's suggestion, so a link names only
    # what differs from it (and a link that picks a surface gets its start point).
    suggested = suggested_state(surface_key)
    st.markdown(f"**{t(f'race.surface.{surface_key}.formula', lang)}** · {t(f'race.surface.{surface_key}.about', lang)}")
    start, steps, tol = _race_controls(surface, suggested, lang)
    racers = _racer_settings(chosen, suggested, lang)
    picked = _arrow_choice(chosen, lang)
    _story_note(surface_key, lang)

    result = _run_race(surface_key, start, steps, racers, lang)
    results = outcomes(result, surface, tol)
    _verdict(results, tol, steps, lang)
    _race_chart(surface, results, result, racers, picked, steps, lang)
    show(loss_figure(surface, results, tol, lang=lang), key="race_loss_chart")
    _results_table(results, surface, tol, lang)
    st.caption(t("race.seconds", lang, count=len(results), steps=steps, seconds=result["seconds"]))

    render_momentum(lang)

    _how_it_works(lang)
    _keras_lines(racers, lang)
    page_end(lang)
