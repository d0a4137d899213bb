"""Streamlit 1.67's WebSocket messages, as the headless client ``benchmarks.st_session`` uses them.

The protobuf side of the client: the ``BackMsg`` a browser tab sends to ask for a
script run (:func:`rerun_request`), the few fields of a ``ForwardMsg`` element
the client keeps (:class:`Element`, :func:`element_fields`), and the page tree
updates a ``delta`` makes (:func:`apply_delta`, :func:`stale_paths`). Nothing
here holds a connection; see ``benchmarks.st_session`` for what the browser does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED_SUCCESSFULLY = ForwardMsg.FINISHED_SUCCESSFULLY
FINISHED_WITH_COMPILE_ERROR = ForwardMsg.FINISHED_WITH_COMPILE_ERROR
FINISHED_EARLY_FOR_RERUN = ForwardMsg.FINISHED_EARLY_FOR_RERUN
FINISHED_FRAGMENT_RUN_SUCCESSFULLY = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY

# Widget fields worth keeping per element type (everything else: type only).
_KEEP = {
    "button": ("id", "label", "disabled"),
    "download_button": ("id", "label", "disabled"),
    "progress": ("value", "text"),
    "heading": ("tag", "body"),
    "markdown": ("body",),
    "toast": ("body",),
}
_WIDGET_TYPES = frozenset(
    {
        "button", "checkbox", "color_picker", "date_input", "download_button", "file_uploader",
        "multiselect", "number_input", "radio", "selectbox", "slider", "text_area", "text_input",
        "time_input", "button_group", "date_time_input", "chat_input", "camera_input", "audio_input",
    }
)  # fmt: skip

# A page as the client knows it: delta path -> element.
PageTree = dict[tuple[int, ...], "Element"]


@dataclass(slots=True)
class Element:
    """One node of a session's page as this client knows it.

    Attributes:
        kind: The element type (``"button"``, ``"progress"``, ``"alert"``...),
            or ``"block"`` for a container.
        fields: The few fields kept for that type (see the module docstring).
        run_id: The script run that drew it.
        fragment_id: The fragment that drew it, or ``""``.
        path: Its ``delta_path``.
    """

    kind: str
    fields: dict[str, Any]
    run_id: str
    fragment_id: str
    path: tuple[int, ...]

    @property
    def text(self) -> str:
        """The progress text, alert or heading body, markdown text, or label."""
        for name in ("text", "body", "label"):
            if name in self.fields:
                return str(self.fields[name])
        return ""


@dataclass
class SessionStats:
    """What a session sent and received (counts since it was opened)."""

    messages: int = 0
    bytes: int = 0
    deltas: int = 0
    cache_hits: int = 0
    full_reruns_sent: int = 0
    fragment_reruns_sent: int = 0
    full_runs_finished: int = 0
    fragment_runs_finished: int = 0
    runs_stopped_for_rerun: int = 0
    new_sessions: int = 0
    finished_at: list[float] = field(default_factory=list)  # monotonic times of full runs finished


def element_fields(kind: str, sub: Any) -> dict[str, Any]:
    """The fields kept of an element's protobuf ``sub`` message of type ``kind``.

    Args:
        kind: The element type (the ``Element`` oneof's name).
        sub: That oneof's message.

    Returns:
        Alert format and body; the ``_KEEP`` fields of the types listed there;
        id and label of any other widget; nothing for the rest.
    """
    if kind == "alert":
        return {"format": Alert.Format.Name(sub.format).lower(), "body": sub.body}
    names = _KEEP.get(kind)
    if names is not None:
        return {name: getattr(sub, name) for name in names}
    if kind in _WIDGET_TYPES and "id" in sub.DESCRIPTOR.fields_by_name:
        return {"id": sub.id, "label": getattr(sub, "label", "")}
    return {}


def rerun_request(
    *,
    query_string: str,
    page_name: str | None,
    page_script_hash: str,
    fragment_id: str,
    auto: bool,
    trigger: str | None,
    cached_hashes: list[str],
    url: str,
) -> bytes:
    """A serialised ``BackMsg.rerun_script`` as the 1.67 frontend sends it.

    Args:
        query_string: The address bar's query string, without ``?``.
        page_name: The page's URL path for a first run (then ``page_script_hash``
            is not sent), or None to name the page by ``page_script_hash``.
        page_script_hash: The page being shown (from the ``navigation`` message).
        fragment_id: The fragment to rerun, or ``""`` for a full run.
        auto: Whether a ``run_every`` timer sent it.
        trigger: The id of a button pressed (``trigger_value=True``), or None.
        cached_hashes: Hashes of the forward messages the client has cached.
        url: The page's URL, for ``context_info``.

    Returns:
        The message's bytes.
    """
    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query_string
    if page_name is not None:
        state.page_name = page_name
    else:
        state.page_script_hash = page_script_hash
    if fragment_id:
        state.fragment_id = fragment_id
    state.is_auto_rerun = auto
    if trigger is not None:
        widget = state.widget_states.widgets.add()
        widget.id = trigger
        widget.trigger_value = True
    state.cached_message_hashes.extend(cached_hashes)
    info = state.context_info
    info.timezone = "UTC"
    info.timezone_offset = 0
    info.locale = "en-US"
    info.url = url
    info.is_embedded = False
    info.color_scheme = "light"
    return msg.SerializeToString()


def apply_delta(elements: PageTree, msg: ForwardMsg, run_id: str) -> None:
    """Applies a ``delta`` message to the page tree.

    ``new_element`` replaces whatever was at its path (a container with all
    its children); ``add_block`` opens a container there. ``new_transient``
    (toasts' container etc.) is not needed here.

    Args:
        elements: The page tree, updated in place.
        msg: A ``ForwardMsg`` whose type is ``delta``.
        run_id: The script run the message belongs to.
    """
    delta = msg.delta
    path = tuple(msg.metadata.delta_path)
    which = delta.WhichOneof("type")
    if which == "new_element":
        element = delta.new_element
        kind = element.WhichOneof("type") or "empty"
        previous = elements.get(path)
        if previous is not None and previous.kind == "block":  # replaced with its children
            n = len(path)
            for p in [p for p in elements if len(p) > n and p[:n] == path]:
                del elements[p]
        fields = element_fields(kind, getattr(element, kind))
        elements[path] = Element(kind, fields, run_id, delta.fragment_id, path)
    elif which == "add_block":
        elements[path] = Element("block", {}, run_id, delta.fragment_id, path)


def stale_paths(elements: PageTree, run_id: str, fragment_ids: set[str]) -> list[tuple[int, ...]]:
    """The nodes a finished run leaves stale (the frontend's ``clearStaleNodes``).

    Args:
        elements: The page tree.
        run_id: The run that finished.
        fragment_ids: The fragments it ran, or empty for a full run.

    Returns:
        After a full run, every node it did not draw; after a fragment run,
        the nodes of those fragments it did not draw.
    """
    if fragment_ids:
        return [p for p, e in elements.items() if e.fragment_id in fragment_ids and e.run_id != run_id]
    return [p for p, e in elements.items() if e.run_id != run_id]
