"""The forward-message cache of the headless Streamlit client (``benchmarks.st_session``).

Like the frontend, cacheable ``ForwardMsg``s are kept by hash and their hashes
are sent with every rerun; the server then sends ``ref_hash`` references, which
are resolved here (with the reference's metadata). Entries age out after
``max_cached_message_age`` finished runs, counted as the frontend does
(fragment runs age only their fragments' entries).
"""

from __future__ import annotations

from typing import Any

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


class MessageCache:
    """Cached forward messages by hash, with the run count at their last use."""

    def __init__(self) -> None:
        self._entries: dict[str, list[Any]] = {}  # hash -> [bytes, run count at last use, fragment id]
        self._runs = 0
        self.max_age = 2

    def hashes(self) -> list[str]:
        """The hashes to send with a rerun (``cached_message_hashes``), oldest first."""
        return list(self._entries)

    def resolve(self, reference: ForwardMsg) -> ForwardMsg:
        """The cached message a ``ref_hash`` message points to, with its metadata.

        Raises:
            RuntimeError: If the hash is not cached (the server and the client
                disagree about the cache).
        """
        entry = self._entries.get(reference.ref_hash)
        if entry is None:
            raise RuntimeError(f"ForwardMsg cache miss for {reference.ref_hash}")
        entry[1] = self._runs
        cached = ForwardMsg()
        cached.ParseFromString(entry[0])
        cached.metadata.CopyFrom(reference.metadata)
        return cached

    def remember(self, msg: ForwardMsg, kind: str | None, data: bytes) -> None:
        """Keeps ``msg`` (received as ``data``) if it is cacheable and new."""
        if msg.metadata.cacheable and msg.hash and msg.hash not in self._entries:
            self._entries[msg.hash] = [data, self._runs, msg.delta.fragment_id if kind == "delta" else ""]

    def age(self, fragment_ids: set[str]) -> None:
        """Counts a finished run and drops the entries it aged out.

        A run ages every entry older than ``max_age`` runs, except that a
        fragment run ages only the entries of its own fragments.
        """
        self._runs += 1
        for digest, (_, used, fragment_id) in list(self._entries.items()):
            if fragment_ids and (not fragment_id or fragment_id not in fragment_ids):
                continue
            if self._runs - used > self.max_age:
                del self._entries[digest]
