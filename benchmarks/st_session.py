"""A headless Streamlit client: many "browser tabs" without browsers.

``StSession`` speaks Streamlit 1.67's own WebSocket protocol (``/_stcore/stream``,
protobuf ``BackMsg`` up and ``ForwardMsg`` down, from ``streamlit.proto``), so a
benchmark can keep 30 sessions open, press buttons in all of them and watch
their pages update, all on one asyncio event loop in one process.

The server in 1.67 is Starlette on uvicorn (``streamlit.web.server.starlette``;
Tornado is gone), so the client uses the ``websockets`` package that uvicorn
brings along. Nothing here imports the app or Keras.

How it emulates the browser (read from the server code and the 1.67 frontend
bundle, ``streamlit/static/static/js/index.*.js``):

* **Opening a page.** The browser opens the socket with the subprotocol
  ``streamlit`` and sends one ``rerun_script`` ``ClientState`` with
  ``page_name`` = the URL path relative to the app's base (``"wine"`` for
  ``/wine``, ``""`` for ``/``), ``query_string`` = the URL's query string
  without ``?``, an empty ``page_script_hash`` and ``context_info``
  (timezone, locale, url...). The server resolves ``page_name`` against the
  pages' ``url_pathname``. Every later rerun sends the page's
  ``page_script_hash`` from the ``navigation`` message instead (in 1.67 a
  ``pages/`` app runs through navigation, and ``new_session.page_script_hash``
  is the main script's), ``page_name`` empty, and
  the query string last set by ``page_info_changed`` (the browser's address
  bar). The XSRF token (second subprotocol entry) is left out: without it the
  server only skips reading auth cookies.
* **The element tree.** ``ForwardMsg.delta`` carries ``metadata.delta_path``
  (root container, then indices). ``new_element`` replaces whatever was at
  that path (and its children); ``add_block`` opens a container there. Each
  node remembers the run (``new_session.metadata.run.script_run_id``) and the
  fragment (``delta.fragment_id``) that drew it. On ``script_finished``
  (``FINISHED_SUCCESSFULLY`` or ``FINISHED_FRAGMENT_RUN_SUCCESSFULLY``, with
  the run identity in ``metadata.run``) stale nodes are dropped like the
  frontend's ``clearStaleNodes``: after a full run, every node not redrawn by
  it; after a fragment run, the nodes of those fragments not redrawn by it.
  Only a few fields are kept (element type; ids and labels of widgets;
  progress text and value; alert format and body; heading and markdown text),
  so chart specs and data frames are never decoded.
* **Forward-message cache.** Like the frontend, cacheable messages are kept
  by hash and their hashes are sent with every rerun
  (``cached_message_hashes``); the server then sends ``ref_hash`` references,
  which are resolved from the cache (with the reference's metadata). Entries
  age out after ``max_cached_message_age`` finished runs, counted as the
  frontend does (fragment runs age only their fragments' entries).
* **Buttons.** ``click(key)`` sends ``rerun_script`` with a ``WidgetState``
  ``trigger_value=True`` for the button whose id ends in ``-<key>``, scoped to
  the button's fragment if it is in one. Assumption/difference: the browser
  also sends the current value of every other widget; this client sends only
  the trigger. The server then keeps each other widget at its value from the
  previous run, which is the same thing as long as nobody touches a widget.
* **``run_every`` fragments.** The server announces them with a
  ``ForwardMsg.auto_rerun`` (``interval`` seconds, ``fragment_id``) in the run
  that draws the fragment, and ends them with ``stop_auto_rerun``; a
  ``new_session`` of a full run (no fragment ids in its run identity) clears
  all of them first, so the full run re-announces the ones still wanted. An
  ``auto_rerun`` with an interval already set for that fragment is ignored.
  The browser runs a JavaScript ``setInterval`` per fragment whose callback
  sends ``rerun_script`` with ``fragment_id`` and ``is_auto_rerun=True``
  *unconditionally*: it does not wait for the previous run, nor drop a tick
  while a script run is going. Queuing happens on the server:
  ``ScriptRequests`` folds a request that arrives while a run is going into
  the pending one (fragment ids deduplicated; a pending full rerun absorbs
  fragment reruns), and a fragment rerun does not preempt a running full run.
  This client does the same: a fixed-rate timer per fragment that always
  sends. Assumption: the tab is in the foreground (Chromium throttles
  ``setInterval`` in hidden tabs to once a second or less); a tick the event
  loop was too busy to fire on time is fired late once, not repeated
  (``setInterval`` does not catch up either).
* **Run state.** ``session_status_changed.script_is_running`` and
  ``script_finished`` tell when a run ended; counts and times are kept.
* Not emulated: the pre-connect ``/_stcore/health`` and ``host-config``
  requests, uploads, reconnects, media requests, and app heartbeats (the
  browser sends those only when embedded). WebSocket pings come from the
  server and are answered by the library; the client sends none, like a
  browser.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import websockets
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


def _extract(kind: str, sub: Any) -> dict[str, Any]:
    if kind == "alert":
        return {"format": Alert.Format.Name(sub.format).lower(), "body": sub.body}
    names = _KEEP.get(kind)
    if names is not None:
        return {name: getattr(sub, name) for name in names}
    if kind in _WIDGET_TYPES and "id" in sub.DESCRIPTOR.fields_by_name:
        return {"id": sub.id, "label": getattr(sub, "label", "")}
    return {}


class StSession:
    """One emulated browser tab on a Streamlit server (see the module docstring).

    Args:
        base_url: ``http://127.0.0.1:PORT``.
        page: URL path and query string as typed in the address bar, e.g.
            ``"/wine?epochs=20"``.
        name: A label for reports.
        on_change: Called with the session after every message it applied
            (runs on the event loop; keep it cheap).

    All methods run on one asyncio loop; any number of sessions may share it.
    """

    def __init__(
        self,
        base_url: str,
        page: str = "/",
        *,
        name: str = "",
        on_change: Callable[[StSession], None] | None = None,
    ) -> None:
        base = urlsplit(base_url)
        if base.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("StSession only talks to a local server")
        target = urlsplit(page if page.startswith("/") else "/" + page)
        self.base_url = base_url.rstrip("/")
        self.name = name or page
        self.page_name = target.path.strip("/")
        self.query_string = target.query
        self.url = f"{self.base_url}{target.path}" + (f"?{target.query}" if target.query else "")
        self._ws_url = f"ws://{base.netloc}/_stcore/stream"
        self.on_change = on_change
        self.elements: dict[tuple[int, ...], Element] = {}
        self.page_script_hash = ""
        self.session_id = ""
        self.run_id = ""
        self.run_fragment_ids: tuple[str, ...] = ()
        self.script_running = False
        self.closed = False
        self._closing = False
        self.close_reason = ""  # why the connection ended, unless close() ended it
        self.opened_at: float | None = None
        self.stats = SessionStats()
        self.auto_reruns: dict[str, float] = {}
        self._timers: dict[str, asyncio.Task[None]] = {}
        self._ws: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._cache: dict[str, list[Any]] = {}  # hash -> [bytes, run count at last use, fragment id]
        self._cache_runs = 0
        self._max_cache_age = 2
        self._send_lock = asyncio.Lock()

    # ------------------------------------------------------------ lifecycle
    async def open(self, timeout: float = 30.0) -> None:
        """Connects and requests the page's first run (does not wait for it)."""
        self.opened_at = time.monotonic()
        self._ws = await websockets.connect(
            self._ws_url,
            subprotocols=["streamlit"],
            origin=self.base_url,
            max_size=None,
            open_timeout=timeout,
            ping_interval=None,  # a browser sends no pings; the server's are answered
            proxy=None,
            close_timeout=2,
        )
        self._reader = asyncio.create_task(self._read(), name=f"st-read-{self.name}")
        await self._send_rerun(first=True)

    async def close(self) -> None:
        """Stops the timers and closes the socket (the tab is closed)."""
        self.closed = True
        self._closing = True
        for task in self._timers.values():
            task.cancel()
        self._timers.clear()
        if self._ws is not None:
            try:
                await asyncio.wait_for(self._ws.close(), 5)
            except (Exception, asyncio.TimeoutError):
                pass
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):
                pass
        self._changed.set()

    # -------------------------------------------------------------- queries
    def find(self, kind: str | None = None, predicate: Callable[[Element], bool] | None = None) -> list[Element]:
        """Elements in page order, optionally of one type and matching a test."""
        found = [
            e
            for path, e in sorted(self.elements.items())
            if (kind is None or e.kind == kind) and (predicate is None or predicate(e))
        ]
        return found

    def widget(self, key: str) -> Element | None:
        """The widget whose id carries the user key ``key`` (ids are
        ``$$ID-<hash>-<key>``)."""
        suffix = f"-{key}"
        for e in self.elements.values():
            wid = e.fields.get("id")
            if wid and (wid == key or wid.endswith(suffix)):
                return e
        return None

    def progress_texts(self) -> list[str]:
        return [e.fields["text"] for e in self.find("progress")]

    def alerts(self) -> list[tuple[str, str]]:
        """``(format, body)`` of every alert, format ``success``/``info``/``warning``/``error``."""
        return [(e.fields["format"], e.fields["body"]) for e in self.find("alert")]

    def headings(self, tag: str | None = None) -> list[str]:
        return [e.fields["body"] for e in self.find("heading") if tag is None or e.fields["tag"] == tag]

    @property
    def rendered(self) -> bool:
        """At least one full run of the page has finished."""
        return self.stats.full_runs_finished > 0

    async def wait_until(self, condition: Callable[[StSession], bool], timeout: float) -> bool:
        """Waits (bounded) until ``condition(self)`` holds after some message."""
        deadline = time.monotonic() + timeout
        while True:
            self._changed.clear()
            if condition(self):
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.closed:
                return condition(self)
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except asyncio.TimeoutError:
                return condition(self)

    # -------------------------------------------------------------- actions
    async def click(self, key: str) -> None:
        """Presses the button with user key ``key``.

        Raises:
            LookupError: If the page shows no such button.
        """
        button = self.widget(key)
        if button is None:
            raise LookupError(f"no widget with key {key!r} on {self.name}")
        await self._send_rerun(trigger=button.fields["id"], fragment_id=button.fragment_id)

    async def rerun(self) -> None:
        """A full rerun, as the "Rerun" menu item sends."""
        await self._send_rerun()

    # ------------------------------------------------------------- protocol
    async def _send_rerun(
        self,
        *,
        first: bool = False,
        trigger: str | None = None,
        fragment_id: str = "",
        auto: bool = False,
    ) -> None:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        if first or not self.page_script_hash:
            state.page_name = self.page_name
        else:
            state.page_script_hash = self.page_script_hash
        if fragment_id:
            state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        if trigger is not None:
            widget = state.widget_states.widgets.add()
            widget.id = trigger
            widget.trigger_value = True
        state.cached_message_hashes.extend(self._cache)
        info = state.context_info
        info.timezone = "UTC"
        info.timezone_offset = 0
        info.locale = "en-US"
        info.url = self.url
        info.is_embedded = False
        info.color_scheme = "light"
        if fragment_id:
            self.stats.fragment_reruns_sent += 1
        else:
            self.stats.full_reruns_sent += 1
        async with self._send_lock:
            await self._ws.send(msg.SerializeToString())

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                if isinstance(data, str):
                    continue
                self.stats.messages += 1
                self.stats.bytes += len(data)
                self._apply(data)
                if self.on_change is not None:
                    self.on_change(self)
                self._changed.set()
        except websockets.ConnectionClosed as exc:
            if not self._closing:
                self.close_reason = f"closed: {exc}"
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug here must not pass silently
            self.close_reason = f"reader failed: {type(exc).__name__}: {exc}"
        finally:
            self.closed = True
            for task in self._timers.values():
                task.cancel()
            self._timers.clear()
            self._changed.set()

    def _apply(self, data: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            entry = self._cache.get(msg.ref_hash)
            if entry is None:
                raise RuntimeError(f"ForwardMsg cache miss for {msg.ref_hash}")
            entry[1] = self._cache_runs
            self.stats.cache_hits += 1
            cached = ForwardMsg()
            cached.ParseFromString(entry[0])
            cached.metadata.CopyFrom(msg.metadata)
            msg, kind = cached, cached.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash and msg.hash not in self._cache:
            self._cache[msg.hash] = [data, self._cache_runs, msg.delta.fragment_id if kind == "delta" else ""]

        if kind == "delta":
            self._apply_delta(msg)
        elif kind == "new_session":
            self._on_new_session(msg)
        elif kind == "script_finished":
            self._on_script_finished(msg)
        elif kind == "session_status_changed":
            self.script_running = msg.session_status_changed.script_is_running
        elif kind == "navigation":  # the page being shown (the frontend's currentPageScriptHash)
            if msg.navigation.page_script_hash:
                self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            self._on_auto_rerun(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self._stop_timer(fragment_id)

    def _apply_delta(self, msg: ForwardMsg) -> None:
        self.stats.deltas += 1
        delta = msg.delta
        path = tuple(msg.metadata.delta_path)
        which = delta.WhichOneof("type")
        if which == "new_element":
            element = delta.new_element
            kind = element.WhichOneof("type") or "empty"
            previous = self.elements.get(path)
            if previous is not None and previous.kind == "block":  # replaced with its children
                n = len(path)
                for p in [p for p in self.elements if len(p) > n and p[:n] == path]:
                    del self.elements[p]
            fields = _extract(kind, getattr(element, kind))
            self.elements[path] = Element(kind, fields, self.run_id, delta.fragment_id, path)
        elif which == "add_block":
            self.elements[path] = Element("block", {}, self.run_id, delta.fragment_id, path)
        # new_transient (toasts' container etc.) is not needed here.

    def _on_new_session(self, msg: ForwardMsg) -> None:
        self.stats.new_sessions += 1
        new = msg.new_session
        if new.initialize.session_id:
            self.session_id = new.initialize.session_id
        if new.HasField("config") and new.config.max_cached_message_age:
            self._max_cache_age = new.config.max_cached_message_age
        self.run_id = msg.metadata.run.script_run_id
        self.run_fragment_ids = tuple(msg.metadata.run.fragment_ids)
        if not self.run_fragment_ids:  # a full run: the frontend's cleanupAutoReruns
            for fragment_id in list(self._timers):
                self._stop_timer(fragment_id)

    def _on_script_finished(self, msg: ForwardMsg) -> None:
        status = msg.script_finished
        run = msg.metadata.run if msg.metadata.HasField("run") else None
        now = time.monotonic()
        if status == FINISHED_EARLY_FOR_RERUN:
            self.stats.runs_stopped_for_rerun += 1
            return
        fragment_ids = tuple(run.fragment_ids) if run is not None else ()
        if status == FINISHED_FRAGMENT_RUN_SUCCESSFULLY or fragment_ids:
            self.stats.fragment_runs_finished += 1
        else:
            self.stats.full_runs_finished += 1
            self.stats.finished_at.append(now)
        if run is not None and status in (FINISHED_SUCCESSFULLY, FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
            if fragment_ids or run.script_run_id == self.run_id:
                self._clear_stale(run.script_run_id, set(fragment_ids))
            self._age_cache(set(fragment_ids))

    def _clear_stale(self, run_id: str, fragment_ids: set[str]) -> None:
        if fragment_ids:
            stale = [p for p, e in self.elements.items() if e.fragment_id in fragment_ids and e.run_id != run_id]
        else:
            stale = [p for p, e in self.elements.items() if e.run_id != run_id]
        for p in stale:
            del self.elements[p]

    def _age_cache(self, fragment_ids: set[str]) -> None:
        self._cache_runs += 1
        for digest, (_, used, fragment_id) in list(self._cache.items()):
            if fragment_ids and (not fragment_id or fragment_id not in fragment_ids):
                continue
            if self._cache_runs - used > self._max_cache_age:
                del self._cache[digest]

    # ------------------------------------------------------- run_every timers
    def _on_auto_rerun(self, fragment_id: str, interval: float) -> None:
        if not fragment_id or interval <= 0:
            return
        if self.auto_reruns.get(fragment_id) == interval and fragment_id in self._timers:
            return
        self._stop_timer(fragment_id)
        self.auto_reruns[fragment_id] = interval
        self._timers[fragment_id] = asyncio.get_running_loop().create_task(
            self._tick(fragment_id, interval), name=f"st-auto-{self.name}-{fragment_id[:8]}"
        )

    def _stop_timer(self, fragment_id: str) -> None:
        self.auto_reruns.pop(fragment_id, None)
        task = self._timers.pop(fragment_id, None)
        if task is not None:
            task.cancel()

    async def _tick(self, fragment_id: str, interval: float) -> None:
        loop = asyncio.get_running_loop()
        due = loop.time() + interval
        while not self.closed:
            await asyncio.sleep(max(0.0, due - loop.time()))
            if self.closed:
                return
            try:
                await self._send_rerun(fragment_id=fragment_id, auto=True)
            except websockets.ConnectionClosed:
                return
            due += interval
            if due < loop.time():  # late: fire once, then keep the cadence from now
                due = loop.time() + interval
