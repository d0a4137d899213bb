"""Sharing a setup: the link builder, the QR code, and the sidebar section.

The QR codes are read back with a small decoder written from ISO/IEC 18004
(format information, function patterns, masks, module placement, block
interleaving and byte mode, for versions 1–6), independent of segno's
encoder, so "the code holds the link" is checked, not assumed. Links are
checked against hand-written URLs.
"""

from __future__ import annotations

import pytest

from dlcore import share
from dlcore.share import is_local, lan_address, qr_svg, share_url, with_host
from tests.qr_reference import CAPACITY_M, decode, read_modules, svg_modules


# ---------------------------------------------------------------- QR code
@pytest.mark.parametrize(
    "url",
    [
        "http://x.org/",
        "http://192.168.1.20:8501/wine?optimizer=momentum",
        "http://192.168.1.20:8501/activations?act_compare=relu,sigmoid&act_w=2&lang=zh-TW",
    ],
)
def test_qr_code_holds_the_url_at_level_m_or_better_in_the_smallest_symbol(url: str) -> None:
    text, version, level = decode(qr_svg(url))
    assert text == url
    assert level in {"M", "Q", "H"}
    # The smallest version whose level-M capacity holds the URL's bytes.
    assert version == next(v for v, capacity in enumerate(CAPACITY_M, 1) if capacity >= len(url.encode()))


def test_qr_code_is_svg_for_st_image() -> None:
    svg = qr_svg("http://x.org/")
    assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
    assert 'width="29"' in svg  # version 1: 21 modules and a quiet zone of 4 on both sides


def test_decoder_rejects_a_damaged_format() -> None:
    """Guards the decoder: one flipped format bit (BCH distance 7) is no valid format."""
    modules = svg_modules(qr_svg("http://x.org/"))
    assert read_modules(modules)[0] == "http://x.org/"
    modules[4 + 8][4] = not modules[4 + 8][4]  # format bit 14, at row 8, column 0 of the symbol
    with pytest.raises(AssertionError, match="format"):
        read_modules(modules)


# -------------------------------------------------------------- link builder
def test_share_url_encodes_parameters_in_order() -> None:
    params = {"optimizer": "momentum", "act_compare": "relu,sigmoid", "note": "a b&c=d", "名": "值"}
    expected = (
        "http://localhost:8501/wine?optimizer=momentum&act_compare=relu,sigmoid"
        "&note=a%20b%26c%3Dd&%E5%90%8D=%E5%80%BC"  # 名 = E5 90 8D, 值 = E5 80 BC in UTF-8
    )
    assert share_url("http://localhost:8501/wine", params) == expected


def test_share_url_repeats_multi_values_and_replaces_an_old_query() -> None:
    url = share_url("https://dl.example.org/sgd?old=1#top", {"a": ["1", "2"], "lang": "zh-TW"})
    assert url == "https://dl.example.org/sgd?a=1&a=2&lang=zh-TW"
    assert share_url("http://localhost:8501/sgd", {}) == "http://localhost:8501/sgd"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("192.168.1.20", "http://192.168.1.20:8501/wine?optimizer=momentum"),
        (" 192.168.1.20:8080/ ", "http://192.168.1.20:8080/wine?optimizer=momentum"),
        ("classroom-pc.local", "http://classroom-pc.local:8501/wine?optimizer=momentum"),
        ("[fe80::1]", "http://[fe80::1]:8501/wine?optimizer=momentum"),
        ("https://dl.example.org", "https://dl.example.org/wine?optimizer=momentum"),
        ("http://dl.example.org:9000", "http://dl.example.org:9000/wine?optimizer=momentum"),
    ],
)
def test_with_host_replaces_host_and_keeps_path_and_query(address: str, expected: str) -> None:
    assert with_host("http://localhost:8501/wine?optimizer=momentum", address) == expected


@pytest.mark.parametrize("address", ["", "   ", "my laptop", "pc:99999", "pc:port", "pc/wine", "user@pc", "-pc"])
def test_with_host_rejects_what_is_not_an_address(address: str) -> None:
    assert with_host("http://localhost:8501/wine", address) is None


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://localhost:8501/wine", True),
        ("http://127.0.0.1:8501/", True),
        ("http://127.0.1.1:8501/", True),
        ("http://0.0.0.0:8501/", True),
        ("http://[::1]:8501/", True),
        ("http://app.localhost/", True),
        ("http://192.168.1.20:8501/", False),
        ("https://dl.example.org/wine", False),
        ("http://localhost.example.org/", False),
    ],
)
def test_is_local(url: str, local: bool) -> None:
    assert is_local(url) is local


class _Socket:
    """A UDP socket whose connect picks ``source`` (or fails without a route)."""

    def __init__(self, source: str | None) -> None:
        self.source = source

    def __enter__(self) -> _Socket:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def connect(self, address: tuple[str, int]) -> None:
        assert address[0].startswith("10."), "probe a private address"
        if self.source is None:
            raise OSError("Network is unreachable")

    def getsockname(self) -> tuple[str, int]:
        return self.source, 40000


@pytest.mark.parametrize(
    ("routed", "by_name", "expected"),
    [
        ("192.168.1.20", "127.0.1.1", "192.168.1.20"),
        (None, "10.0.0.7", "10.0.0.7"),  # no route: the host name's address
        (None, "127.0.1.1", None),  # only loopback: nothing students can reach
        ("127.0.0.1", "192.168.1.20", None),
    ],
)
def test_lan_address(monkeypatch: pytest.MonkeyPatch, routed: str | None, by_name: str, expected: str | None) -> None:
    monkeypatch.setattr(share.socket, "socket", lambda *_: _Socket(routed))
    monkeypatch.setattr(share.socket, "gethostbyname", lambda _: by_name)
    assert lan_address() == expected


def test_lan_address_survives_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: object) -> str:
        raise OSError("no network")

    monkeypatch.setattr(share.socket, "socket", lambda *_: _Socket(None))
    monkeypatch.setattr(share.socket, "gethostbyname", fail)
    assert lan_address() is None
