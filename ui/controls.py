"""Controls bound to the page link, kept across pages, hideable by a presenter.

Each function takes exactly the arguments of the Streamlit widget of the same
name (``key`` is required; ``where=`` names a column or container to draw in)
and adds:

* **Shareable links.** A value that differs from the default is written to the
  URL's query string under the widget's key, so a teacher can share the
  address and students open exactly that setup. Values are written as the
  option itself (``optimizer=momentum``, ``learning_rate=0.01``), never as its
  translated label, so one link works in every language. (Streamlit's own
  ``bind="query-params"`` writes the label.) The link a session opens with
  sets the controls it names; a value out of range or not among the options,
  or a name no control of the page has, is ignored with a visible note.
* **Memory across pages** through Streamlit's ``persist_state="session"``.
* **Presenter mode.** Controls named in the ``hide`` list are not drawn but
  keep their value (from the link or the default).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from dlcore.markup import md
from dlcore.share import link_value
from dlcore.text import t

# Query parameters that belong to the frame, not to a page's controls.
GLOBAL_PARAMS = ("lang", "projector", "presenter", "hide")
# Query parameters the frame reads itself (no control draws them): the
# browser's workspace, the class joined, its sweep cell and a teacher's key.
FRAME_PARAMS = ("ws", "class", "cell", "teacher")
_LINK_READ = "_controls_link_read"  # the session's opening link has been read
_PENDING = "_controls_pending"  # opening-link values no control has checked yet
_KEYS = "_controls_keys"  # keys of the controls drawn in this run


def begin_run() -> None:
    """Remembers the opening link at a session's first run (the frame calls this)."""
    state = st.session_state
    if not state.get(_LINK_READ):
        state[_LINK_READ] = True
        state[_PENDING] = {key: st.query_params.get_all(key) for key in st.query_params if key not in FRAME_PARAMS}
    state[_KEYS] = []


def end_run() -> None:
    """Notes opening-link parameters that no control of the page took, and
    drops link values of controls this run did not draw (a deselected
    optimizer's settings, say), so a shared link holds only what applies."""
    for key, raw in st.session_state.pop(_PENDING, {}).items():
        _note(key, ",".join(raw))
    drawn = set(page_controls())
    for key in list(st.query_params):
        if key not in drawn and key not in GLOBAL_PARAMS and key not in FRAME_PARAMS:
            del st.query_params[key]


def page_controls() -> list[str]:
    """Keys of the controls drawn so far in this run (for the presenter's list)."""
    return list(st.session_state.get(_KEYS, []))


def hidden_keys() -> set[str]:
    """Controls (and ``"explanations"``) the presenter chose to hide."""
    if not st.session_state.get("presenter"):
        return set()
    return set(st.session_state.get("hide") or [])


def explain(text: str) -> None:
    """Explanatory markdown, hidden when the presenter hides explanations."""
    if "explanations" not in hidden_keys():
        st.markdown(text)


def _note(key: str, raw: str) -> None:
    st.toast(t("link.ignored", st.session_state.get("lang", "en"), key=md(key), value=md(raw)), icon="⚠️")


def _number(raw: str, integer: bool) -> float | int | None:
    try:
        number = float(raw)
    except ValueError:
        return None
    if not math.isfinite(number) or (integer and not number.is_integer()):
        return None
    return int(number) if integer else number


def _option(raw: str, options: Sequence[Any]) -> tuple[bool, Any]:
    for option in options:
        if raw in (link_value(option), str(option)):
            return True, option
        if isinstance(option, (int, float)) and not isinstance(option, bool):
            number = _number(raw, integer=False)
            if number is not None and math.isclose(number, option, rel_tol=1e-9, abs_tol=1e-12):
                return True, option
    return False, None


def _in_range(raw: str, arguments: dict[str, Any], fallback_low: Any) -> tuple[bool, Any]:
    low, high = arguments.get("min_value"), arguments.get("max_value")
    like = low if low is not None else arguments.get("value", fallback_low)
    value = _number(raw, integer=isinstance(like, int) and not isinstance(like, bool))
    ok = value is not None and (low is None or value >= low) and (high is None or value <= high)
    return ok, value


_DEFAULT_ARGUMENT = {"selectbox": "index", "radio": "index", "multiselect": "default"}


def _draw(
    widget: Callable[..., Any],
    parse: Callable[[Any, dict[str, Any]], tuple[bool, Any]],
    default_of: Callable[[dict[str, Any]], Any],
    label: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    name = widget.__name__
    where = kwargs.pop("where", None)
    if where is not None:
        widget = getattr(where, name)
    kwargs.setdefault("persist_state", "session")
    arguments = dict(inspect.signature(widget).bind(label, *args, **kwargs).arguments)
    key = arguments["key"]
    default = default_of(arguments)
    state = st.session_state
    state.setdefault(_KEYS, []).append(key)
    raw = state.get(_PENDING, {}).pop(key, None)  # every value the link gives the key
    if raw is not None:
        ok, value = parse(raw if name == "multiselect" else raw[-1], arguments)
        if ok:
            state[key] = value
        else:
            _note(key, ",".join(raw))
    if key in state:
        # The value comes from session state; a default argument as well would
        # make Streamlit warn on the page.
        arguments.pop(_DEFAULT_ARGUMENT.get(name, "value"), None)
    value = state.get(key, default) if key in hidden_keys() else widget(**arguments)
    _write_link(key, value, default)
    return value


def take_link_value(key: str, parse: Callable[[str], tuple[bool, Any]]) -> tuple[bool, Any]:
    """For widgets drawn without these wrappers: the opening link's value for
    ``key`` if it has a valid one (an invalid one is noted and dropped).

    Args:
        key: The widget key.
        parse: Checks a raw value: ``(ok, value)``.

    Returns:
        ``(True, value)`` for a valid link value, else ``(False, None)``.
    """
    raw = st.session_state.get(_PENDING, {}).pop(key, None)
    if raw is None:
        return False, None
    ok, value = parse(raw[-1])
    if not ok:
        _note(key, ",".join(raw))
    return ok, value


def queue_link_values(values: dict[str, str]) -> None:
    """Values that arrive after the opening link (a class sweep's cell): the
    controls drawn later in this run take them as if the link had named them.

    Args:
        values: Control key → value as a link writes it.
    """
    pending = st.session_state.setdefault(_PENDING, {})
    for key, value in values.items():
        pending[key] = [value]


def options_parser(options: Sequence[Any]) -> Callable[[str], tuple[bool, Any]]:
    """A link-value check: one of ``options``."""
    return lambda raw: _option(raw, list(options))


def range_parser(low: float, high: float, *, integer: bool) -> Callable[[str], tuple[bool, Any]]:
    """A link-value check: a number in [low, high] (a whole one if ``integer``)."""
    return lambda raw: _in_range(raw, {"min_value": int(low) if integer else float(low), "max_value": high}, low)


def flag_parser() -> Callable[[str], tuple[bool, Any]]:
    """A link-value check: true/false (1/0, on/off, yes/no)."""
    return lambda raw: _flag(raw, {})


def write_link(key: str, value: Any, default: Any) -> None:
    """Mirrors a widget drawn without these wrappers into the link."""
    st.session_state.setdefault(_KEYS, []).append(key)
    _write_link(key, value, default)


def _write_link(key: str, value: Any, default: Any) -> None:
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
        return
    text = ",".join(link_value(v) for v in value) if isinstance(value, list) else link_value(value)
    if st.query_params.get(key) != text:
        st.query_params[key] = text


def _first(arguments: dict[str, Any]) -> Any:
    return list(arguments["options"])[arguments.get("index", 0)]


def slider(label: str, *args: Any, **kwargs: Any) -> Any:
    """``st.slider`` bound to the link."""
    return _draw(st.slider, lambda raw, a: _in_range(raw, a, 0), lambda a: a.get("value", a.get("min_value")), label, args, kwargs)


def number_input(label: str, *args: Any, **kwargs: Any) -> Any:
    """``st.number_input`` bound to the link."""
    return _draw(st.number_input, lambda raw, a: _in_range(raw, a, 0.0), lambda a: a.get("value", a.get("min_value")), label, args, kwargs)


def selectbox(label: str, *args: Any, **kwargs: Any) -> Any:
    """``st.selectbox`` bound to the link (by option value)."""
    return _draw(st.selectbox, lambda raw, a: _option(raw, list(a["options"])), _first, label, args, kwargs)


def radio(label: str, *args: Any, **kwargs: Any) -> Any:
    """``st.radio`` bound to the link (by option value)."""
    return _draw(st.radio, lambda raw, a: _option(raw, list(a["options"])), _first, label, args, kwargs)


def select_slider(label: str, *args: Any, **kwargs: Any) -> Any:
    """``st.select_slider`` bound to the link (by option value)."""
    return _draw(
        st.select_slider,
        lambda raw, a: _option(raw, list(a["options"])),
        lambda a: a.get("value", list(a["options"])[0]),
        label,
        args,
        kwargs,
    )


def multiselect(label: str, *args: Any, **kwargs: Any) -> list[Any]:
    """``st.multiselect`` bound to the link."""

    def parse(raw: list[str], arguments: dict[str, Any]) -> tuple[bool, Any]:
        parts = [part for item in raw for part in item.split(",") if part]
        chosen = [_option(part, list(arguments["options"])) for part in parts]
        return all(ok for ok, _ in chosen), [value for _, value in chosen]

    return _draw(st.multiselect, parse, lambda a: list(a.get("default") or []), label, args, kwargs)


def _flag(raw: str, arguments: dict[str, Any]) -> tuple[bool, Any]:
    lowered = raw.lower()
    if lowered in {"1", "true", "on", "yes"}:
        return True, True
    if lowered in {"0", "false", "off", "no"}:
        return True, False
    return False, None


def toggle(label: str, *args: Any, **kwargs: Any) -> bool:
    """``st.toggle`` bound to the link."""
    return _draw(st.toggle, _flag, lambda a: bool(a.get("value", False)), label, args, kwargs)


def checkbox(label: str, *args: Any, **kwargs: Any) -> bool:
    """``st.checkbox`` bound to the link."""
    return _draw(st.checkbox, _flag, lambda a: bool(a.get("value", False)), label, args, kwargs)
