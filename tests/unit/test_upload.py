"""Your own data: reading uploaded CSV bytes and choosing a target (dlcore.upload).

Every file is built here as bytes. References: pandas.read_csv of the bundled
files, counts taken from the raw text, and values the test itself wrote.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dlcore.data import split_and_scale
from dlcore.text import CATALOGUES, t
from dlcore.text.upload import EN as UPLOAD_TEXTS
from dlcore.upload import (
    MAX_COLUMNS,
    MAX_UPLOAD_BYTES,
    MIN_ROWS,
    Message,
    UploadResult,
    load_bundled,
    read_csv_upload,
)
from dlcore.upload_target import TargetResult, candidate_targets, prepare_target, suggest_threshold

ROOT = Path(__file__).resolve().parents[2]
WINE = ROOT / "data" / "winequality-red.csv"
IONOSPHERE = ROOT / "data" / "ionosphere.csv"


def csv_bytes(header: list[str], rows: list[list[object]], sep: str = ",", encoding: str = "utf-8") -> bytes:
    """A CSV file: the header and the rows joined with ``sep``, one per line."""
    lines = [sep.join(header)] + [sep.join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def numeric_rows(n: int, width: int = 3) -> list[list[object]]:
    """n rows of distinct numbers: row i is i, 2i, 3i, ..."""
    return [[i * (j + 1) for j in range(width)] for i in range(n)]


def keys(messages: tuple[Message, ...]) -> list[str]:
    return [m.key for m in messages]


def rendered(result: UploadResult | TargetResult) -> str:
    """All messages in English; fails if a key or placeholder is missing."""
    return "\n".join(m.text("en") for m in (*result.problems, *result.notes))


def problem(result: UploadResult | TargetResult) -> Message:
    """The single blocking problem of a failed result."""
    assert len(result.problems) == 1, rendered(result)
    assert not result.ok
    rendered(result)
    return result.problems[0]


# --- The limit and the module's boundaries -------------------------------------------------------


def test_upload_limit_matches_streamlit_config() -> None:
    # Streamlit's browser check allows maxUploadSize × 1000 × 1000 bytes (its
    # frontend counts 1 MB = 1e3 × 1e3 bytes outside Windows).
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert MAX_UPLOAD_BYTES == config["server"]["maxUploadSize"] * 1000 * 1000 == 10_000_000


def csv_of_exactly(size: int) -> bytes:
    """A valid two-column CSV file of exactly ``size`` bytes."""
    header, row = b"a,b\n", b"1,2\n"
    rows, extra = divmod(size - len(header), len(row))
    data = header + row * rows
    return data[: len(data) - len(row)] + b"1" * extra + row if extra else data


@pytest.mark.parametrize("size, accepted", [(10_000_000 - 1, True), (10_000_000, True), (10_000_000 + 1, False)])
def test_one_upload_limit_at_its_exact_boundary(size: int, accepted: bool) -> None:
    data = csv_of_exactly(size)
    assert len(data) == size
    result = read_csv_upload(data, "big.csv")
    assert result.ok is accepted
    if not accepted:
        assert problem(result).key == "upload.error.too_large"
        assert "(10,000,001 bytes); files must be 10 MB (10,000,000 bytes) or smaller" in problem(result).text("en")


def test_module_imports_neither_streamlit_nor_keras() -> None:
    code = "import sys, dlcore.upload; print(*(m in sys.modules for m in ('streamlit', 'keras', 'tensorflow')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]


def test_every_upload_text_is_used_and_english_only() -> None:
    # The reader's messages live in dlcore/upload.py and dlcore/upload_target.py, the page's in ui/upload_view.py.
    sources = ("dlcore/upload.py", "dlcore/upload_target.py", "ui/upload_view.py")
    source = "".join((ROOT / path).read_text() for path in sources)
    unused = [key for key in UPLOAD_TEXTS if f'"{key}"' not in source]
    assert unused == []
    assert all(key.startswith("upload.") for key in UPLOAD_TEXTS)
    assert all(key in CATALOGUES["en"] for key in UPLOAD_TEXTS)


# --- Happy paths: the bundled files ---------------------------------------------------------------


def test_bundled_wine_bytes_give_pandas_table() -> None:
    result = read_csv_upload(WINE.read_bytes(), "winequality-red.csv")
    assert result.ok and result.notes == ()
    assert result.frame.shape == (1599, 12)
    pd.testing.assert_frame_equal(result.frame, pd.read_csv(WINE))


def test_original_uci_semicolon_quoted_format_gives_same_table() -> None:
    # The UCI original: "fixed acidity";"volatile acidity";... and ; between values.
    header, *lines = WINE.read_text().splitlines()
    original = ";".join(f'"{name}"' for name in header.split(",")) + "\r\n"
    original += "".join(line.replace(",", ";") + "\r\n" for line in lines)
    assert original.startswith('"fixed acidity";"volatile acidity";')
    result = read_csv_upload(original.encode(), "winequality-red.csv")
    assert result.ok
    assert result.frame.shape == (1599, 12)
    pd.testing.assert_frame_equal(result.frame, pd.read_csv(WINE))
    assert keys(result.notes) == ["upload.note.delimiter"]
    assert "“;”" in rendered(result)


def test_load_bundled_reads_through_the_same_path() -> None:
    wine = load_bundled("wine")
    pd.testing.assert_frame_equal(wine.frame, pd.read_csv(WINE))
    assert candidate_targets(wine.frame, "regression")[-1] == "quality"
    ionosphere = load_bundled("ionosphere")
    assert ionosphere.ok and ionosphere.frame.shape == (351, 35)
    # "Class" is text: a classifier target, not a regressor's.
    assert "Class" not in candidate_targets(ionosphere.frame, "regression")
    assert candidate_targets(ionosphere.frame, "classification")[-1] == "Class"


def test_ionosphere_class_maps_good_to_one() -> None:
    reference = pd.read_csv(IONOSPHERE)
    raw_goods = sum(line.endswith(",g") for line in IONOSPHERE.read_text().splitlines())
    result = prepare_target(load_bundled("ionosphere").frame, "Class", "classification")
    assert result.ok
    # g = good = 1, b = bad = 0.
    assert result.target.dtype == np.int64
    assert sorted(result.target.unique()) == [0, 1]
    assert int(result.target.sum()) == raw_goods == 225
    assert (result.target == (reference["Class"] == "g").astype(int)).all()
    mapping = result.notes[0]
    assert mapping.key == "upload.note.class_mapping"
    assert (mapping.values["zero"], mapping.values["one"], mapping.values["ones"], mapping.values["zeros"]) == (
        "b",
        "g",
        225,
        126,
    )
    # V2 is 0 in every row of the ionosphere data: dropped as constant.
    assert (reference["V2"] == 0).all()
    assert "V2" not in result.features.columns
    assert result.features.shape == (351, 33)
    assert "upload.note.constant_columns" in keys(result.notes)
    assert list(result.table.columns) == [f"V{i}" for i in range(1, 35) if i != 2] + ["Class"]


def test_wine_quality_classification_with_the_median_threshold() -> None:
    frame = load_bundled("wine").frame
    quality = pd.read_csv(WINE)["quality"]
    median = suggest_threshold(frame, "quality", "classification")
    assert median == float(np.median(quality.to_numpy())) == 6.0
    assert keys(prepare_target(frame, "quality", "classification").problems) == ["upload.error.needs_threshold"]
    result = prepare_target(frame, "quality", "classification", threshold=median)
    assert result.ok
    assert int(result.target.sum()) == int((quality >= 6).sum())
    assert keys(result.notes) == ["upload.note.threshold"]
    # The prepared table feeds the course's split: targets stay 0/1.
    split = split_and_scale(result.table, "quality", scale_target=False)
    assert set(np.unique(split.y_train)) == {0.0, 1.0}
    assert split.x_train.shape == (1119, 11)


def test_regression_keeps_the_numeric_target() -> None:
    frame = load_bundled("wine").frame
    result = prepare_target(frame, "quality", "regression", threshold=6.0)  # threshold ignored
    assert result.ok and result.notes == ()
    pd.testing.assert_series_equal(result.target, pd.read_csv(WINE)["quality"])
    assert suggest_threshold(frame, "quality", "regression") is None


# --- File-level problems ------------------------------------------------------------------------


def test_file_over_the_limit_is_rejected_before_anything_else() -> None:
    data = b"\x00" * (MAX_UPLOAD_BYTES + 1)  # binary too, but the size is checked first
    message = problem(read_csv_upload(data, "big.csv"))
    assert message.key == "upload.error.too_large"
    assert message.values["limit_mb"] == 10
    assert "10.0 MB (10,000,001 bytes); files must be 10 MB (10,000,000 bytes) or smaller" in message.text("en")


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n\n"])
def test_empty_file(data: bytes) -> None:
    assert problem(read_csv_upload(data, "empty.csv")).key == "upload.error.empty"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",  # an .xlsx file
        random.Random(0).randbytes(4096),
        bytes(b for b in random.Random(1).randbytes(4096) if b != 0),  # no NUL, other control bytes
        "a,b\n1,2\n".encode("utf-16-le"),  # UTF-16 without BOM: every other byte is NUL
    ],
    ids=["png", "xlsx", "random", "random_without_nul", "utf16_without_bom"],
)
def test_binary_junk_is_not_a_csv(data: bytes) -> None:
    message = problem(read_csv_upload(data, "picture.csv"))
    assert message.key == "upload.error.binary"
    position = message.values["position"]
    assert data[position] < 0x20 and data[position] not in b"\t\n\r"
    assert "picture.csv" in message.text("en")


def test_undecodable_text_is_reported() -> None:
    # 0x81 is not valid UTF-8 here, not a Big5 lead byte before a newline,
    # and undefined in Windows-1252.
    data = b"a,b\n1,2\n3,\x81\n"
    message = problem(read_csv_upload(data, "odd.csv"))
    assert message.key == "upload.error.encoding"
    assert message.values["position"] == data.index(b"\x81")


def test_windows_1252_file_is_read_with_a_note() -> None:
    rows = numeric_rows(25, 2)
    result = read_csv_upload(csv_bytes(["café", "prix €"], rows, encoding="cp1252"), "prix.csv")
    assert result.ok
    assert list(result.frame.columns) == ["café", "prix €"]
    assert result.frame.to_numpy().tolist() == rows
    assert result.notes[0].values == {"encoding": "Windows-1252"}


def test_big5_file_is_read_with_a_note() -> None:
    rows = numeric_rows(25, 2)
    result = read_csv_upload(csv_bytes(["酒精", "品質"], rows, encoding="cp950"), "酒.csv")
    assert result.ok
    assert list(result.frame.columns) == ["酒精", "品質"]
    assert result.frame.to_numpy().tolist() == rows
    assert result.notes[0].values == {"encoding": "Big5 (cp950)"}


def test_utf16_with_bom_tab_separated_as_excel_writes_it() -> None:
    rows = numeric_rows(25, 3)
    data = csv_bytes(["酒精", "pH", "品質"], rows, sep="\t", encoding="utf-16")  # "utf-16" writes a BOM
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    result = read_csv_upload(data, "excel.txt")
    assert result.ok
    assert list(result.frame.columns) == ["酒精", "pH", "品質"]
    assert result.frame.to_numpy().tolist() == rows
    assert [m.values for m in result.notes] == [{"encoding": "UTF-16"}, {"delimiter": "Tab"}]


def test_utf8_bom_is_not_part_of_the_first_name() -> None:
    result = read_csv_upload(b"\xef\xbb\xbf" + csv_bytes(["x", "y"], numeric_rows(20, 2)), "bom.csv")
    assert result.ok and result.notes == ()
    assert list(result.frame.columns) == ["x", "y"]


def test_pipe_separated_file() -> None:
    result = read_csv_upload(csv_bytes(["a", "b", "c"], numeric_rows(20), sep="|"), "pipe.csv")
    assert result.ok and result.frame.shape == (20, 3)
    assert result.notes[0].values == {"delimiter": "|"}


def test_header_only() -> None:
    message = problem(read_csv_upload(b"a,b,c\n", "header.csv"))
    assert message.key == "upload.error.no_rows"
    assert message.values == {"columns": 3}


@pytest.mark.parametrize("n_rows", [1, MIN_ROWS - 1])
def test_fewer_than_twenty_rows(n_rows: int) -> None:
    message = problem(read_csv_upload(csv_bytes(["a", "b"], numeric_rows(n_rows, 2)), "short.csv"))
    assert message.key == "upload.error.too_few_rows"
    assert message.values == {"rows": n_rows, "dropped": 0, "read": n_rows, "minimum": 20}


def test_exactly_twenty_rows_are_enough() -> None:
    result = read_csv_upload(csv_bytes(["a", "b"], numeric_rows(MIN_ROWS, 2)), "twenty.csv")
    assert result.ok and result.frame.shape == (20, 2)


def test_blank_nan_and_infinite_cells_drop_their_rows() -> None:
    rows = numeric_rows(30)
    bad = {3: "", 7: "NaN", 11: "inf", 15: "-inf", 19: "?", 23: "NA"}
    for i, cell in bad.items():
        rows[i][1] = cell
    result = read_csv_upload(csv_bytes(["a", "b", "c"], rows), "gaps.csv")
    assert result.ok
    assert result.frame["a"].tolist() == [i for i in range(30) if i not in bad]
    assert list(result.frame.index) == list(range(24))
    assert np.isfinite(result.frame.to_numpy(float)).all()
    note = result.notes[-1]
    assert note.key == "upload.note.dropped_rows"
    assert note.values == {"dropped": 6, "read": 30, "rows": 24}
    assert "6 of 30 rows" in note.text("en")


def test_too_few_rows_left_after_dropping_blanks() -> None:
    rows = numeric_rows(25, 2)
    for row in rows[:10]:
        row[0] = ""
    message = problem(read_csv_upload(csv_bytes(["a", "b"], rows), "gaps.csv"))
    assert message.key == "upload.error.too_few_rows"
    assert message.values == {"rows": 15, "dropped": 10, "read": 25, "minimum": 20}


def test_text_columns_are_dropped_and_two_value_text_is_kept() -> None:
    rows = [[i, f"wine {i}", 2 * i, "yes" if i % 3 else "no", "x" if i == 5 else i] for i in range(25)]
    result = read_csv_upload(csv_bytes(["a", "name", "b", "label", "mixed"], rows), "text.csv")
    assert result.ok
    assert list(result.frame.columns) == ["a", "b", "label"]
    assert result.notes[0].key == "upload.note.text_columns"
    assert result.notes[0].values == {"count": 2, "names": "“name”, “mixed”"}
    assert candidate_targets(result.frame, "regression") == ("a", "b")
    assert candidate_targets(result.frame, "classification") == ("a", "b", "label")

    # As a regressor's target-less feature, "label" is not an input.
    regression = prepare_target(result.frame, "b", "regression")
    assert list(regression.features.columns) == ["a"]
    assert keys(regression.notes) == ["upload.note.text_features"]
    # As a classifier's target it maps no → 0, yes → 1.
    classification = prepare_target(result.frame, "label", "classification")
    expected = [0 if i % 3 == 0 else 1 for i in range(25)]
    assert classification.target.tolist() == expected
    assert classification.notes[0].values["one"] == "yes"


def test_nothing_numeric_is_rejected() -> None:
    rows = [[f"w{i}", f"v{i}"] for i in range(25)]
    message = problem(read_csv_upload(csv_bytes(["name", "place"], rows), "words.csv"))
    assert message.key == "upload.error.no_numeric"
    assert message.values == {"names": "“name”, “place”"}


def test_single_column_is_rejected() -> None:
    message = problem(read_csv_upload(csv_bytes(["a"], numeric_rows(25, 1)), "one.csv"))
    assert message.key == "upload.error.too_few_columns"
    assert message.values == {"count": 1, "names": "“a”"}


def test_empty_columns_are_dropped() -> None:
    # A trailing delimiter on every line gives an unnamed, empty last column.
    data = b"a,b,\n" + b"".join(f"{i},{2 * i},\n".encode() for i in range(20))
    result = read_csv_upload(data, "trailing.csv")
    assert result.ok and list(result.frame.columns) == ["a", "b"]
    assert keys(result.notes) == ["upload.note.blank_names", "upload.note.empty_columns"]
    assert result.notes[1].values == {"count": 1, "names": "“column 3”"}


def test_true_false_columns_become_zero_one() -> None:
    rows = [[i, "True" if i % 2 else "False"] for i in range(20)]
    result = read_csv_upload(csv_bytes(["a", "flag"], rows), "bools.csv")
    assert result.frame["flag"].tolist() == [i % 2 for i in range(20)]
    assert result.frame["flag"].dtype == np.int64


def test_more_than_500_columns() -> None:
    too_wide = [f"c{j}" for j in range(MAX_COLUMNS + 1)]
    message = problem(read_csv_upload(csv_bytes(too_wide, numeric_rows(20, MAX_COLUMNS + 1)), "wide.csv"))
    assert message.key == "upload.error.too_many_columns"
    assert message.values == {"columns": 501, "limit": 500}
    widest = read_csv_upload(csv_bytes(too_wide[:MAX_COLUMNS], numeric_rows(20, MAX_COLUMNS)), "wide.csv")
    assert widest.ok and widest.frame.shape == (20, 500)


def test_duplicate_names_are_numbered_not_mangled() -> None:
    rows = [[i, 10 * i, 100 * i, 1000 * i] for i in range(20)]
    result = read_csv_upload(csv_bytes(["a", "a", "a (2)", "b"], rows), "dupes.csv")
    assert result.ok
    # The second "a" cannot become "a (2)": that name is taken by a real column.
    assert list(result.frame.columns) == ["a", "a (3)", "a (2)", "b"]
    assert result.frame["a (3)"].tolist() == [10 * i for i in range(20)]
    assert result.frame["a (2)"].tolist() == [100 * i for i in range(20)]
    assert result.notes[0].values == {"names": "“a” → “a (3)”"}


def test_blank_header_names_get_their_position() -> None:
    result = read_csv_upload(csv_bytes(["", "x", " "], numeric_rows(20)), "index.csv")
    assert list(result.frame.columns) == ["column 1", "x", "column 3"]
    assert result.notes[0].values == {"count": 2, "names": "“column 1”, “column 3”"}


def test_file_without_header_row() -> None:
    # The original UCI ionosphere.data: numbers and a class letter, no header.
    lines = IONOSPHERE.read_text().splitlines()[1:]
    result = read_csv_upload(("\n".join(lines) + "\n").encode(), "ionosphere.data")
    assert result.ok and result.frame.shape == (351, 35)
    assert result.frame.columns[-1] == "column 35"
    assert result.notes[0].values == {"columns": 35}
    reference = pd.read_csv(IONOSPHERE)
    assert result.frame.iloc[:, :34].to_numpy().tolist() == reference.iloc[:, :34].to_numpy().tolist()


def test_row_with_too_many_fields() -> None:
    rows = numeric_rows(25, 2)
    rows[4].append(99)  # file line 6: the header is line 1
    message = problem(read_csv_upload(csv_bytes(["a", "b"], rows), "ragged.csv"))
    assert message.key == "upload.error.ragged"
    assert message.values == {"line": 6, "expected": 2, "saw": 3, "delimiter": ","}


def test_junk_never_raises() -> None:
    rng = random.Random(7)
    alphabet = b'0123456789.,;|\t\n"ab-e ?'
    for _ in range(200):
        data = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        result = read_csv_upload(data, "junk.csv")
        assert result.ok == (not result.problems)
        rendered(result)
        if result.ok:
            for task in ("regression", "classification"):
                for target in result.frame.columns:
                    rendered(prepare_target(result.frame, target, task, threshold=0.5))


# --- Target problems ----------------------------------------------------------------------------


def small_table() -> pd.DataFrame:
    rows = [[i, 2 * i + 1, 7, i % 4, "g" if i % 2 else "b"] for i in range(24)]
    result = read_csv_upload(csv_bytes(["x", "y", "same", "level", "cls"], rows), "small.csv")
    assert result.ok
    return result.frame


def test_unknown_target() -> None:
    message = problem(prepare_target(small_table(), "nope", "regression"))
    assert message.key == "upload.error.unknown_target"


def test_target_with_a_single_value() -> None:
    frame = small_table()
    for task in ("regression", "classification"):
        message = problem(prepare_target(frame, "same", task))
        assert message.key == "upload.error.target_constant"
        assert message.values == {"target": "same", "value": "7", "rows": 24}
    assert "same" not in candidate_targets(frame, "classification")


def test_constant_feature_is_dropped() -> None:
    result = prepare_target(small_table(), "y", "regression")
    assert result.ok
    assert list(result.features.columns) == ["x", "level"]
    assert keys(result.notes) == ["upload.note.text_features", "upload.note.constant_columns"]
    assert result.notes[1].values == {"count": 1, "names": "“same”"}


def test_text_target_on_the_regressor() -> None:
    message = problem(prepare_target(small_table(), "cls", "regression"))
    assert message.key == "upload.error.target_text"
    assert message.values == {"target": "cls", "values": "“b”, “g”"}


def test_non_binary_target_needs_a_threshold_and_the_median_is_offered() -> None:
    frame = small_table()  # level = i mod 4 over 24 rows: six each of 0, 1, 2, 3
    assert suggest_threshold(frame, "level", "classification") == 1.5
    message = problem(prepare_target(frame, "level", "classification"))
    assert message.key == "upload.error.needs_threshold"
    assert message.values == {"target": "level", "distinct": 4, "median": 1.5}
    result = prepare_target(frame, "level", "classification", threshold=2)
    assert result.target.tolist() == [int(i % 4 >= 2) for i in range(24)]
    assert result.notes[0].values == {"target": "level", "threshold": 2, "ones": 12, "zeros": 12}


@pytest.mark.parametrize(("threshold", "cls"), [(3.5, 0), (0, 1), (-10, 1)])
def test_threshold_leaving_a_single_class(threshold: float, cls: int) -> None:
    message = problem(prepare_target(small_table(), "level", "classification", threshold=threshold))
    assert message.key == "upload.error.single_class"
    assert (message.values["cls"], message.values["low"], message.values["high"]) == (cls, 0, 3)


def test_threshold_must_be_finite() -> None:
    message = problem(prepare_target(small_table(), "level", "classification", threshold=float("nan")))
    assert message.key == "upload.error.bad_threshold"


def test_two_valued_numeric_targets() -> None:
    rows = [[i, 1 if i < 5 else 2, i % 2] for i in range(20)]
    frame = read_csv_upload(csv_bytes(["x", "one_two", "zero_one"], rows), "t.csv").frame
    assert suggest_threshold(frame, "one_two", "classification") is None
    # {1, 2}: the larger value is class 1, even though most rows have it.
    result = prepare_target(frame, "one_two", "classification")
    assert result.target.tolist() == [0] * 5 + [1] * 15
    assert (result.notes[0].values["zero"], result.notes[0].values["one"]) == ("1", "2")
    # {0, 1}: used as is, nothing to explain.
    result = prepare_target(frame, "zero_one", "classification")
    assert result.target.tolist() == [i % 2 for i in range(20)]
    assert result.notes == ()


def test_no_features_left() -> None:
    rows = [[i, 5, "b" if i % 2 else "g"] for i in range(20)]
    frame = read_csv_upload(csv_bytes(["y", "same", "cls"], rows), "t.csv").frame
    result = prepare_target(frame, "y", "regression")
    assert problem(result).key == "upload.error.no_features"
    assert keys(result.notes) == ["upload.note.text_features", "upload.note.constant_columns"]


def test_unknown_task_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        prepare_target(small_table(), "y", "clustering")


def test_messages_render_in_every_language() -> None:
    message = problem(read_csv_upload(b"a,b\n", "h.csv"))
    for lang in CATALOGUES:
        assert message.text(lang) == t("upload.error.no_rows", lang, columns=2)


def test_first_data_row_longer_than_the_header() -> None:
    # pandas would drop the extra field with only a warning; it is an error here.
    data = b"a,b\n\n1,2,3\n" + b"".join(f"{i},{i}\n".encode() for i in range(25))
    message = problem(read_csv_upload(data, "ragged.csv"))
    assert message.key == "upload.error.ragged"
    assert message.values == {"line": 3, "expected": 2, "saw": 3, "delimiter": ","}


def test_quote_never_closed() -> None:
    rows = numeric_rows(25, 2)
    rows[6][1] = '"7'  # row 8 of the file, counting the header as row 1
    message = problem(read_csv_upload(csv_bytes(["a", "b"], rows), "quote.csv"))
    assert message.key == "upload.error.unclosed_quote"
    assert message.values == {"row": 8}
