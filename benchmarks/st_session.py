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
  so chart specs and data frames are never decoded (``benchmarks.st_protocol``).
* **Forward-message cache.** Like the frontend, cacheable messages are kept
  by hash and their hashes sent with every rerun (``benchmarks.st_cache``).
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
from typing import Any
from urllib.parse import urlsplit

import websockets
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.st_cache import MessageCache
from benchmarks.st_protocol import (
    FINISHED_EARLY_FOR_RERUN,
    FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
    FINISHED_SUCCESSFULLY,
    Element,
    SessionStats,
    apply_delta,
    rerun_request,
    stale_paths,
)
from benchmarks.st_timers import AutoRerunTimers


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
        self._timers = AutoRerunTimers(self.name, self._send_auto_rerun, lambda: self.closed)
        self.auto_reruns: dict[str, float] = self._timers.intervals  # fragment id -> seconds
        self._ws: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._cache = MessageCache()
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
        self._timers.cancel_all()
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
        data = rerun_request(
            query_string=self.query_string,
            page_name=self.page_name if first or not self.page_script_hash else None,
            page_script_hash=self.page_script_hash,
            fragment_id=fragment_id,
            auto=auto,
            trigger=trigger,
            cached_hashes=self._cache.hashes(),
            url=self.url,
        )
        if fragment_id:
            self.stats.fragment_reruns_sent += 1
        else:
            self.stats.full_reruns_sent += 1
        async with self._send_lock:
            await self._ws.send(data)

    async def _send_auto_rerun(self, fragment_id: str) -> None:
        """What a ``run_every`` timer sends: a fragment rerun marked automatic."""
        await self._send_rerun(fragment_id=fragment_id, auto=True)

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
            self._timers.cancel_all()
            self._changed.set()

    def _apply(self, data: bytes) -> None:
        """Decodes one forward message (resolving cache references) and applies it."""
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            msg = self._cache.resolve(msg)
            self.stats.cache_hits += 1
            kind = msg.WhichOneof("type")
        else:
            self._cache.remember(msg, kind, data)
        self._dispatch(msg, kind)

    def _dispatch(self, msg: ForwardMsg, kind: str | None) -> None:
        """Updates the page, the run state or the timers from one decoded message."""
        if kind == "delta":
            self.stats.deltas += 1
            apply_delta(self.elements, msg, self.run_id)
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
            self._timers.start(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self._timers.stop(fragment_id)

    def _on_new_session(self, msg: ForwardMsg) -> None:
        self.stats.new_sessions += 1
        new = msg.new_session
        if new.initialize.session_id:
            self.session_id = new.initialize.session_id
        if new.HasField("config") and new.config.max_cached_message_age:
            self._cache.max_age = new.config.max_cached_message_age
        self.run_id = msg.metadata.run.script_run_id
        self.run_fragment_ids = tuple(msg.metadata.run.fragment_ids)
        if not self.run_fragment_ids:  # a full run: the frontend's cleanupAutoReruns
            self._timers.stop_all()

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
                for path in stale_paths(self.elements, run.script_run_id, set(fragment_ids)):
                    del self.elements[path]
            self._cache.age(set(fragment_ids))
