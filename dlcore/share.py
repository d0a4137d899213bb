"""Sharing a page's setup: its link and a QR code of it.

Pure helpers (no Streamlit): build the link students open from the page's
address and its query parameters, put in an address students can reach when
the app runs on the teacher's own computer, find that computer's network
address, and draw the QR code with segno.
"""

from __future__ import annotations

import functools
import io
import ipaddress
import re
import socket
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import SplitResult, quote, urlencode, urlsplit, urlunsplit

import segno

# ISO/IEC 18004 asks for a light border (quiet zone) four modules wide around
# the symbol; scanners find the code by it.
QUIET_ZONE = 4
# Level M restores up to ~15 % damaged modules (Q: ~25 %); segno raises the
# level further when that fits in the same symbol size.
ERROR_LEVEL = "m"
# A private address that only serves to ask the OS which local address it
# would send from; connecting a UDP socket sends no packet.
_ROUTE_PROBE = ("10.254.254.254", 1)
_HOST_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


def share_url(page_url: str, params: Mapping[str, str | Sequence[str]]) -> str:
    """The page's link with the given query parameters.

    Args:
        page_url: The page's address; a query string or fragment it has is
            replaced.
        params: Parameter name to value, or to all its values (a repeated
            parameter, ``?a=1&a=2``), in order.

    Returns:
        The link: values percent-encoded (a space as ``%20``), commas kept as
        they are, so ``act_compare=relu,sigmoid`` stays readable.
    """
    parts = urlsplit(page_url)
    pairs = [
        (name, value)
        for name, values in params.items()
        for value in ([values] if isinstance(values, str) else values)
    ]
    query = urlencode(pairs, safe=",", quote_via=quote)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def link_value(value: Any) -> str:
    """A setting as links write it: ``true``/``false``, a float in its
    shortest form (``0.001``, ``1e-05``), anything else as ``str``.

    The pages' controls (``ui.controls``) write and read their links with
    it, and the class board builds its links to a run's setup with it.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _is_local_host(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified  # 127.0.0.0/8, ::1, 0.0.0.0, ::


def is_local(url: str) -> bool:
    """Whether ``url`` names this computer only (localhost, 127.x.x.x, 0.0.0.0,
    ::1), an address other devices cannot open.

    Args:
        url: An absolute URL.

    Returns:
        True for a loopback or unspecified host.
    """
    host = urlsplit(url).hostname
    return host is not None and _is_local_host(host)


def _netloc(host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address goes in brackets
    return shown if port is None else f"{shown}:{port}"


def with_host(url: str, address: str) -> str | None:
    """``url`` with another host (and port, and scheme, if ``address`` gives them).

    Args:
        url: An absolute URL; its path and query are kept.
        address: ``"192.168.1.20"``, ``"192.168.1.20:8080"``, ``"[fe80::1]"``,
            ``"class.example.org"`` or ``"https://class.example.org"``.
            Without a scheme, the scheme and port ``address`` leaves out stay
            as in ``url``; with one, it names the whole origin (no port
            means the scheme's default, as behind a web server).

    Returns:
        The URL, or None if ``address`` is not a host name or IP address with
        an optional port.
    """
    text = address.strip().rstrip("/")
    given = urlsplit(text if "://" in text else f"//{text}")
    try:
        port = given.port
    except ValueError:  # not a number, or beyond 65535
        return None
    host = given.hostname
    if not host or given.path or given.query or given.username or not _valid_host(host):
        return None
    parts = urlsplit(url)
    if not given.scheme and port is None:
        port = parts.port
    netloc = _netloc(host, port)
    return urlunsplit(SplitResult(given.scheme or parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return bool(_HOST_NAME.fullmatch(host))
    return True


def lan_address() -> str | None:
    """This computer's address on the local network, found without network traffic.

    Connecting a UDP socket only asks the operating system which local address
    would carry packets to a private address; nothing is sent. The host name's
    address (from the hosts file) is the fallback.

    Returns:
        An IPv4 address other devices may reach, or None if there is none
        (no network, or only loopback addresses).
    """
    candidates: list[str] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(_ROUTE_PROBE)
            candidates.append(probe.getsockname()[0])
    except OSError:
        pass
    if not candidates:
        try:
            candidates.append(socket.gethostbyname(socket.gethostname()))
        except OSError:
            pass
    return next((address for address in candidates if not _is_local_host(address)), None)


@functools.lru_cache(maxsize=64)  # every rerun of a page redraws the same code
def qr_svg(text: str) -> str:
    """A QR code of ``text`` as an SVG document.

    Dark modules on a white background with the standard quiet zone, so the
    code scans from a projector screen; one module is one SVG unit, so the
    image scales to any size without blur.

    Args:
        text: What the code holds (a URL).

    Returns:
        The SVG markup, starting with ``<svg`` (what ``st.image`` takes).
    """
    code = segno.make(text, error=ERROR_LEVEL, micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", border=QUIET_ZONE, dark="#000", light="#fff", xmldecl=False, nl=False)
    return buffer.getvalue().decode("utf-8")
