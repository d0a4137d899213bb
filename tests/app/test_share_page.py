"""Sharing a setup: the link builder, the QR code, and the sidebar section.

The QR codes are read back with a small decoder written from ISO/IEC 18004
(format information, function patterns, masks, module placement, block
interleaving and byte mode, for versions 1–6), independent of segno's
encoder, so "the code holds the link" is checked, not assumed. Links are
checked against hand-written URLs.
"""

from __future__ import annotations

import base64
import re
import sys
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from dlcore.text import t
from tests.app.test_links import toasts
from tests.conftest import APP, AppTestTimeout

GD = "pages/3_gradient-descent.py"
WINE = "pages/6_wine.py"
# --------------------------------------------------------- a QR decoder (spec)
FORMAT_XOR = 0b101010000010010  # the mask on the 15 format bits
FORMAT_GENERATOR = 0b10100110111  # BCH(15, 5): x¹⁰ + x⁸ + x⁵ + x⁴ + x² + x + 1
EC_LEVELS = {0b01: "L", 0b00: "M", 0b11: "Q", 0b10: "H"}
# Data codewords of each error-correction block (ISO/IEC 18004, Table 9).
BLOCKS = {
    (1, "L"): [19], (1, "M"): [16], (1, "Q"): [13], (1, "H"): [9],
    (2, "L"): [34], (2, "M"): [28], (2, "Q"): [22], (2, "H"): [16],
    (3, "L"): [55], (3, "M"): [44], (3, "Q"): [17] * 2, (3, "H"): [13] * 2,
    (4, "L"): [80], (4, "M"): [32] * 2, (4, "Q"): [24] * 2, (4, "H"): [9] * 4,
    (5, "L"): [108], (5, "M"): [43] * 2, (5, "Q"): [15, 15, 16, 16], (5, "H"): [11, 11, 12, 12],
    (6, "L"): [68] * 2, (6, "M"): [27] * 4, (6, "Q"): [19] * 4, (6, "H"): [15] * 4,
}  # fmt: skip
# Data masks: module (row i, column j) is inverted where the condition holds.
MASKS: list[Callable[[int, int], bool]] = [
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
]


def svg_modules(svg: str) -> list[list[bool]]:
    """The dark modules of segno's SVG (quiet zone included), one SVG unit
    per module: each row's dark runs are strokes along y = row + 0.5 drawn
    with "M x y" (absolute move), "m dx dy" (relative move) and "h n"."""
    size = int(re.search(r'<svg[^>]* width="(\d+)"', svg).group(1))
    assert re.search(rf'<svg[^>]* height="{size}"', svg)
    assert f'<path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/>' in svg  # white behind everything
    path = re.search(r'<path[^>]* stroke="#000" d="([^"]+)"', svg).group(1)
    dark = [[False] * size for _ in range(size)]
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for column in range(int(x), int(x + float(a))):
                dark[int(y - 0.5)][column] = True
            x += float(a)
    return dark


def _format_bits(data: int) -> int:
    """The 15 format bits for 5 data bits: BCH remainder, then the mask."""
    remainder = data << 10
    for bit in range(14, 9, -1):
        if remainder >> bit & 1:
            remainder ^= FORMAT_GENERATOR << (bit - 10)
    return (data << 10 | remainder) ^ FORMAT_XOR


def decode(svg: str) -> tuple[str, int, str]:
    """Reads a QR code drawn by segno's SVG writer: (text, version, level)."""
    return read_modules(svg_modules(svg))


def read_modules(full: list[list[bool]]) -> tuple[str, int, str]:
    """Reads a QR code from its modules (quiet zone of 4 included).

    Returns:
        (text, version, error-correction level).
    """
    border = 4
    assert not any(any(row) for row in full[:border] + full[-border:]), "quiet zone (rows)"
    assert not any(any(row[:border] + row[-border:]) for row in full), "quiet zone (columns)"
    m = [row[border:-border] for row in full[border:-border]]
    size = len(m)
    version, rest = divmod(size - 17, 4)  # a version-v symbol is 17 + 4v modules wide
    assert rest == 0 and 1 <= version <= 6, size
    finder = [[r in (0, 6) or c in (0, 6) or (2 <= r <= 4 and 2 <= c <= 4) for c in range(7)] for r in range(7)]
    for top, left in [(0, 0), (0, size - 7), (size - 7, 0)]:
        assert [row[left : left + 7] for row in m[top : top + 7]] == finder
    assert [m[6][c] for c in range(8, size - 8)] == [c % 2 == 0 for c in range(8, size - 8)]  # timing
    assert m[size - 8][8], "the dark module"

    # Format information, first copy: bits 0–5 down column 8, then 6–8
    # around the corner, then 9–14 leftwards along row 8.
    places = [(i, 8) for i in range(6)] + [(7, 8), (8, 8), (8, 7)] + [(8, 14 - i) for i in range(9, 15)]
    read = sum(m[r][c] << i for i, (r, c) in enumerate(places))
    data = next((d for d in range(32) if _format_bits(d) == read), None)
    assert data is not None, "no valid format information"
    level, mask = EC_LEVELS[data >> 3], MASKS[data & 7]

    def function(r: int, c: int) -> bool:
        corner = (r <= 8 and c <= 8) or (r <= 8 and c >= size - 8) or (r >= size - 8 and c <= 8)
        centre = 4 * version + 10  # the one alignment pattern of versions 2–6
        alignment = version >= 2 and abs(r - centre) <= 2 and abs(c - centre) <= 2
        return corner or r == 6 or c == 6 or alignment

    bits = []
    right = size - 1  # two-column strips from the right, up then down, skipping the timing column
    while right >= 1:
        if right == 6:
            right = 5
        upward = (right + 1) & 2 == 0
        for step in range(size):
            r = size - 1 - step if upward else step
            for c in (right, right - 1):
                if not function(r, c):
                    bits.append(int(m[r][c] ^ mask(r, c)))
        right -= 2
    codewords = [int("".join(map(str, bits[k : k + 8])), 2) for k in range(0, len(bits) - 7, 8)]
    sizes = BLOCKS[version, level]
    blocks: list[list[int]] = [[] for _ in sizes]
    stream = iter(codewords)  # data codewords are interleaved block by block
    for k in range(max(sizes)):
        for block, length in zip(blocks, sizes):
            if k < length:
                block.append(next(stream))
    payload = "".join(f"{byte:08b}" for block in blocks for byte in block)
    assert payload[:4] == "0100", "byte mode"
    length = int(payload[4:12], 2)  # 8-bit character count for versions 1–9
    text = bytes(int(payload[12 + 8 * k : 20 + 8 * k], 2) for k in range(length))
    return text.decode("utf-8"), version, level


# ----------------------------------------------------------- sidebar section
@pytest.fixture
def classroom(monkeypatch: pytest.MonkeyPatch) -> None:
    """This computer's network address, as the section finds it."""
    monkeypatch.setattr("ui.share_view.lan_address", lambda: "192.168.1.20")


def open_shared(script: str, url: str, **params: str) -> AppTest:
    """Opens ``script`` through a link, with the browser's address ``url``."""
    at = AppTest.from_file(APP, default_timeout=AppTestTimeout)
    at.context = {"url": url}
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(script)
    at.run()
    assert not at.exception, at.exception
    return at


def section(at: AppTest, lang: str = "en"):
    return next(e for e in at.sidebar.expander if e.label == t("share.title", lang))


def shown_link(at: AppTest, lang: str = "en") -> str:
    """The link the section shows, checked against its QR code."""
    box = section(at, lang)
    link = box.code[0].value
    assert decode(svg_of(box.get("image")[0]))[0] == link
    return link


def svg_of(image) -> str:
    uri = image.value[0]
    assert uri.startswith("data:image/svg+xml;base64,")
    return base64.b64decode(uri.split(",", 1)[1]).decode()


def no_keras() -> bool:
    return "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_link_follows_a_control_and_uses_the_students_address(classroom: None) -> None:
    at = open_shared(GD, "http://localhost:8501/gradient-descent")
    assert at.text_input(key="share_host").value == "192.168.1.20"
    assert section(at).caption[1].value == t("share.local_note")
    assert shown_link(at) == "http://192.168.1.20:8501/gradient-descent"
    at.slider(key="gd_lr").set_value(0.2).run()
    assert shown_link(at) == "http://192.168.1.20:8501/gradient-descent?gd_lr=0.2"
    at.text_input(key="share_host").set_value("10.0.0.5:9000").run()
    assert shown_link(at) == "http://10.0.0.5:9000/gradient-descent?gd_lr=0.2"
    assert dict(at.query_params) == {"gd_lr": "0.2"}  # the address stays out of the link
    assert no_keras()


def test_wine_link_carries_the_optimizer(classroom: None) -> None:
    at = open_shared(WINE, "http://localhost:8501/wine", optimizer="momentum")
    assert at.selectbox(key="optimizer").value == "momentum"
    assert shown_link(at) == "http://192.168.1.20:8501/wine?optimizer=momentum"
    assert no_keras()


def test_public_address_is_shared_as_it_is() -> None:
    at = open_shared(GD, "https://dl.example.org/gradient-descent", gd_steps="40", lang="zh-TW")
    assert not at.text_input  # nothing to replace
    assert shown_link(at, "zh-TW") == "https://dl.example.org/gradient-descent?gd_steps=40&lang=zh-TW"


def test_a_bad_address_warns_and_keeps_the_page_address(classroom: None) -> None:
    at = open_shared(GD, "http://127.0.0.1:8501/gradient-descent")
    at.text_input(key="share_host").set_value("my laptop").run()
    assert [w.value for w in section(at).warning] == [t("share.bad_host", host="my laptop")]
    assert shown_link(at) == "http://127.0.0.1:8501/gradient-descent"


def test_a_linked_share_host_is_ignored_and_dropped(classroom: None) -> None:
    at = open_shared(GD, "http://localhost:8501/gradient-descent", share_host="evil.example.org")
    assert t("link.ignored", key="share_host", value="evil.example.org") in toasts(at)
    assert "share_host" not in at.query_params
    assert shown_link(at) == "http://192.168.1.20:8501/gradient-descent"


def test_large_code_opens_in_a_dialog(classroom: None) -> None:
    at = open_shared(GD, "http://localhost:8501/gradient-descent", gd_x0="1.5")
    assert not at.get("dialog")
    at.button(key="share_qr_large").click().run()
    assert not at.exception, at.exception
    (dialog,) = at.get("dialog")
    assert dialog.proto.dialog.title == t("share.dialog_title")
    assert dialog.proto.dialog.DialogWidth.Name(dialog.proto.dialog.width) == "LARGE"
    link = "http://192.168.1.20:8501/gradient-descent?gd_x0=1.5"
    assert [c.value for c in dialog.code] == [link]
    assert decode(svg_of(dialog.get("image")[0]))[0] == link


@pytest.mark.parametrize(
    ("lang", "query"),
    [("en", "presenter=true&hide=gd_lr"), ("zh-TW", "lang=zh-TW&presenter=true&hide=gd_lr")],  # English is the default
)
def test_section_in_presenter_mode_in_both_languages(lang: str, query: str) -> None:
    at = open_shared(GD, "https://dl.example.org/gradient-descent", lang=lang, presenter="true", hide="gd_lr")
    at.run()  # the hide list is known at the end of the first run
    assert not at.exception, at.exception
    box = section(at, lang)
    assert box.button(key="share_qr_large").label == t("share.large", lang)
    assert box.get("image")[0].captions == [t("share.scan", lang)]
    assert shown_link(at, lang) == f"https://dl.example.org/gradient-descent?{query}"


def test_without_the_browser_address_the_section_says_so() -> None:
    at = AppTest.from_file(APP, default_timeout=AppTestTimeout)
    at.run()  # AppTest sends no URL unless told to
    assert not at.exception, at.exception
    assert [c.value for c in section(at).caption] == [t("share.no_address")]


def test_projector_mode_stays_on_the_teachers_screen() -> None:
    # The teacher's projector type is not part of the setup students open.
    at = open_shared(GD, "https://dl.example.org/gradient-descent", projector="true", gd_steps="40")
    assert at.toggle(key="projector").value is True and at.query_params["projector"] == "true"
    assert shown_link(at) == "https://dl.example.org/gradient-descent?gd_steps=40"
