"""A run's cost is estimated before it starts; a run over the budget is refused
with its estimate and offers that make it fit; the data the next run uses is
said next to Train."""

from __future__ import annotations

import pytest

from tests.conftest import open_page
from tests.hostile import csv_bytes, rendered_text

WINE = "pages/6_wine.py"


def markdown(at) -> list[str]:
    return [rendered_text(m.value) for m in at.markdown]


def warnings(at) -> list[str]:
    return [rendered_text(w.value) for w in at.warning]


def upload(at, rows: int) -> None:
    table = csv_bytes([["x", "y"]] + [[i / rows, (i * 37) % 101] for i in range(rows)])
    at.radio(key="wine_source").set_value("upload").run()
    at.file_uploader(key="wine_upload").set_value(("big.csv", table, "text/csv")).run()
    assert not at.exception


def test_a_run_over_the_budget_is_refused_and_each_offer_makes_it_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLP_RUN_BUDGET_SECONDS", "60")
    at = open_page(WINE)
    upload(at, 20_000)
    at.number_input(key="epochs").set_value(1000).run()
    refusal = [w for w in warnings(at) if "one run may take at most 60 s" in w]
    assert refusal and "20,000 rows, 526,849 parameters, 1,000 epochs, batch size 256" in refusal[0]
    assert at.button(key="train").disabled
    # Cut the epochs: the panel takes the offered number, and Train is back.
    offer = at.button(key="wine_budget_epochs")
    epochs = int(offer.label.split()[1].replace(",", ""))
    assert 1 <= epochs < 1000
    offer.click().run()
    assert at.number_input(key="epochs").value == epochs
    assert not at.button(key="train").disabled and not any("at most 60 s" in w for w in warnings(at))
    # Back to 1,000 epochs and take the row sample instead.
    at.number_input(key="epochs").set_value(1000).run()
    offer = at.button(key="wine_budget_sample")
    rows = int(offer.label.split()[4].replace(",", ""))
    assert 20 <= rows < 20_000
    offer.click().run()
    assert not at.exception and not at.button(key="train").disabled
    assert any(f"random sample of {rows:,} of the table's 20,000 rows" in c.value for c in at.caption)
    assert any(f"Next run: your file “big.csv” ({rows:,} rows)" in m for m in markdown(at))
    script = next(c.value for c in at.code if "pd.read_csv" in c.value)
    assert f"df = df.sample(n={rows}, random_state=0)" in script
    # "Use all rows" undoes it.
    at.button(key="wine_all_rows").click().run()
    assert at.button(key="train").disabled


def test_a_long_run_shows_its_estimate_before_train() -> None:
    at = open_page(WINE)
    assert not any("Estimated training time" in m for m in markdown(at))  # 10 epochs: no estimate
    at.number_input(key="epochs").set_value(1000).run()
    eta = [m for m in markdown(at) if "Estimated training time" in m]
    assert eta and not at.button(key="train").disabled


def test_train_says_which_data_it_uses_after_a_rejected_upload() -> None:
    at = open_page(WINE)
    assert any("Next run: the course's red-wine data (1,599 rows)." in m for m in markdown(at))
    at.radio(key="wine_source").set_value("upload").run()
    assert any("no file has been chosen yet" in w for w in warnings(at))
    at.file_uploader(key="wine_upload").set_value(("broken.csv", b"\x00\x01 not a table", "text/csv")).run()
    assert not at.exception and at.error
    # (Streamlit shows a warning's leading emoji as its icon.)
    note = [w.removeprefix("📄 ") for w in warnings(at) if "Next run:" in w]
    assert note == ["Next run: the course's red-wine data (1,599 rows), not your file: it cannot be used, see the message above."]
    assert not at.button(key="train").disabled  # the bundled data still trains
