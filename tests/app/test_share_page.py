"""Sharing a setup: the link builder, the QR code, and the sidebar section.

The QR codes are read back with a small decoder written from ISO/IEC 18004
(format information, function patterns, masks, module placement, block
interleaving and byte mode, for versions 1–6), independent of segno's
encoder, so "the code holds the link" is checked, not assumed. Links are
checked against hand-written URLs.
"""

from __future__ import annotations

import base64
import sys

import pytest
from streamlit.testing.v1 import AppTest

from dlcore.text import t
from tests.app.test_links import toasts
from tests.conftest import APP, AppTestTimeout
from tests.qr_reference import decode

GD = "pages/3_gradient-descent.py"
WINE = "pages/6_wine.py"
# --------------------------------------------------------- a QR decoder (spec)
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
    link = {k: v for k, v in dict(at.query_params).items() if k != "ws"}  # ws: the browser's own, never shared
    assert link == {"gd_lr": "0.2"}  # the address stays out of the link
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
