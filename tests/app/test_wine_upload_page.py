"""Your own CSV on the regressor page: bad files explained, good ones trained."""

from __future__ import annotations

import sys

from dlcore.data import DATA_DIR
from tests.conftest import busy, open_page, page_runs, run_until

PAGE = "pages/6_wine.py"


def upload(at, name: str, data: bytes):
    at.radio(key="wine_source").set_value("upload").run()
    at.file_uploader(key="wine_upload").set_value((name, data, "text/csv")).run()
    return at


def test_malformed_files_get_a_message_and_the_page_stays_usable() -> None:
    at = open_page(PAGE)
    upload(at, "junk.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert not at.exception
    assert at.error and "CSV" in at.error[0].value
    assert not at.button(key="train").disabled  # falls back to the course's data
    upload(at, "header.csv", b"a,b,c\n")
    assert not at.exception and at.error
    upload(at, "tiny.csv", b"a,b\n" + b"".join(f"{i},{2 * i}\n".encode() for i in range(5)))
    assert not at.exception and any("20" in e.value for e in at.error)


def test_semicolon_uci_file_trains_on_the_chosen_target() -> None:
    text = (DATA_DIR / "winequality-red.csv").read_text()
    lines = text.splitlines()
    header = ";".join(f'"{name}"' for name in lines[0].split(","))
    uci = "\n".join([header, *(line.replace(",", ";") for line in lines[1:])]).encode()
    at = open_page(PAGE)
    upload(at, "winequality-red-uci.csv", uci)
    assert not at.exception
    assert at.selectbox(key="wine_target").value == "quality"
    assert any("1,599 rows" in s.value for s in at.success)
    at.selectbox(key="wine_target").set_value("alcohol").run()
    at.slider(key="depth").set_value(1).run()
    at.number_input(key="width").set_value(8).run()
    at.number_input(key="epochs").set_value(2).run()
    at.button(key="train").click().run()
    run_until(at, lambda a: not busy(a) and page_runs(a, "wine"))
    assert not at.exception
    run = page_runs(at, "wine")[-1]
    assert run.result is not None and run.epochs_run == 2
    assert run.meta["data"] == {"dataset": "upload", "name": "winequality-red-uci.csv", "target": "alcohol"}
    assert any("alcohol" in m.label for m in at.metric)
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules
