"""Your own data: an uploaded CSV file, checked and prepared like the bundled sets.

Two steps, both pure (no Streamlit, no Keras) and neither raising on bad data;
this module reads the file, ``dlcore.upload_target`` does the second step:

1. ``read_csv_upload(data, filename)`` turns the uploaded bytes into a numeric
   table (plus two-value text columns, which may become a class target). It
   decodes the text (UTF-8 with or without BOM, UTF-16 with BOM, else Big5, else
   Windows-1252), detects the delimiter among ``, ; tab |``, parses with pandas'
   C parser only (no code is ever executed or unpickled), and drops empty and
   text columns and rows with blank, NaN or infinite cells, saying so in notes.
2. ``prepare_target(frame, target, task, threshold)`` checks the chosen target
   for the regressor or the classifier page and returns the feature table and
   the target (0/1 for classification), dropping text and constant features.

Anything that blocks training is a ``problems`` entry, anything the user should
know but may ignore a ``notes`` entry; both are ``Message``\\ s naming texts of
``dlcore/text/upload.py``. The bundled datasets go through the same two steps
(``load_bundled``), so pages treat "bundled" and "uploaded" alike.

Decisions while reading:

- Duplicate column names are renamed, not rejected: the second "a" becomes
  "a (2)" (with a note), instead of pandas' silent "a.1".
- Columns without a name are called "column N" by position; a first row whose
  cells are more than half numbers is data, not a header (e.g. the original
  UCI ionosphere file), and all columns are then called "column N".
- "?" counts as a blank cell (the UCI repository's missing-value marker), in
  addition to pandas' default markers ("", "NA", "NaN", "null", ...).
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dlcore.data import DATASETS
from dlcore.limits import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB, MB
from dlcore.markup import md_values
from dlcore.text import t

MAX_COLUMNS = 500
MIN_ROWS = 20
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
SNIFF_ROWS = 50  # rows looked at to choose the delimiter
NAMES_SHOWN = 8  # column names listed in a message before "…"

# Encodings tried after UTF-8, with the name a note shows. Big5 (cp950) first:
# it is what Excel writes in Taiwan, and its strict two-byte structure rejects
# most Western text, whereas Windows-1252 accepts almost any byte sequence.
FALLBACK_ENCODINGS: tuple[tuple[str, str], ...] = (("cp950", "Big5 (cp950)"), ("cp1252", "Windows-1252"))
UTF16_BOMS: tuple[bytes, ...] = (b"\xff\xfe", b"\xfe\xff")

# Control characters other than tab, line feed and carriage return: a text
# table never contains them, binary files (images, zip, xlsx) almost always do.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_UNCLOSED = re.compile(r"EOF inside string starting at row (\d+)")


@dataclass(frozen=True)
class Message:
    """A catalogue text and the values for its placeholders.

    Attributes:
        key: Key in ``dlcore/text/upload.py``, e.g. ``"upload.error.empty"``.
        values: Plain (JSON-serialisable) values for the placeholders.
    """

    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        """The message in ``lang``, as plain text."""
        return t(self.key, lang, **self.values)

    def markdown(self, lang: str) -> str:
        """The message in ``lang`` for a Streamlit text (which renders
        Markdown): file names, column names and cell values stay text."""
        return t(self.key, lang, **md_values(self.values))


@dataclass(frozen=True)
class UploadResult:
    """A CSV file read into a table, or the reason it could not be.

    Attributes:
        name: The file name (for messages and labels).
        frame: Numeric columns and two-value text columns, no blank cells,
            index 0..n−1; None when ``problems`` is not empty.
        problems: Blocking errors (at most one: reading stops at the first).
        notes: What was changed or assumed while reading.
    """

    name: str
    frame: pd.DataFrame | None
    problems: tuple[Message, ...] = ()
    notes: tuple[Message, ...] = ()

    @property
    def ok(self) -> bool:
        return self.frame is not None and not self.problems


def quoted_names(names: list[str]) -> str:
    """Column names for a message: “a”, “b”, … (at most ``NAMES_SHOWN``)."""
    shown = ", ".join(f"“{n}”" for n in names[:NAMES_SHOWN])
    return shown + (", …" if len(names) > NAMES_SHOWN else "")


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _decode(data: bytes) -> tuple[str | None, str | None, Message | None]:
    """Bytes to text.

    Returns:
        ``(text, fallback_encoding_name, problem)``; the name is None for UTF-8.
    """
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16"), "UTF-16", None
        except UnicodeDecodeError as error:
            return None, None, Message("upload.error.encoding", {"position": error.start})
    try:
        return data.decode("utf-8-sig"), None, None
    except UnicodeDecodeError as error:
        utf8_error = error
    for codec, name in FALLBACK_ENCODINGS:
        try:
            return data.decode(codec), name, None
        except UnicodeDecodeError:
            continue
    return None, None, Message("upload.error.encoding", {"position": utf8_error.start})


def _binary_problem(data: bytes | str, filename: str) -> Message | None:
    pattern = _CONTROL_BYTES if isinstance(data, bytes) else _CONTROL_CHARS
    found = pattern.search(data)
    if found is None:
        return None
    code = found.group()[0] if isinstance(data, bytes) else ord(found.group())
    return Message("upload.error.binary", {"filename": filename, "byte": f"0x{code:02X}", "position": found.start()})


def _sniff(text: str) -> str:
    """Chooses the delimiter.

    For each candidate, the first ``SNIFF_ROWS`` rows are split with Python's
    csv module (which honours quotes). The delimiter wins whose rows most often
    have as many fields as the header, ties going to the one with more fields;
    a candidate that gives the header a single field is not a delimiter.

    Returns:
        The delimiter; ``","`` when none splits the header.
    """
    best: tuple[float, int] = (-1.0, 0)
    chosen = ","
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
        try:
            rows = [row for row in itertools.islice(reader, SNIFF_ROWS) if row]
        except csv.Error:  # e.g. a quote never closed: not this delimiter's fault, but no evidence
            continue
        width = len(rows[0]) if rows else 0
        if width < 2:
            continue
        score = (sum(len(row) == width for row in rows) / len(rows), width)
        if score > best:
            best, chosen = score, delimiter
    return chosen


def _read(text: str, delimiter: str, **options: Any) -> pd.DataFrame | Message:
    """``pandas.read_csv`` with the C parser and fixed, safe options.

    Nothing is evaluated: no converters, no index guessing (``index_col=False``),
    "?" read as a blank cell besides pandas' defaults.

    Args:
        text: The decoded file.
        delimiter: From ``_sniff``.
        **options: ``header`` and, for the header alone, ``nrows``, ``dtype``
            and ``keep_default_na``.

    Returns:
        The table, or the problem pandas reported.
    """
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            index_col=False,
            engine="c",
            quotechar='"',
            skipinitialspace=True,
            skip_blank_lines=True,
            na_values=["?"],
            on_bad_lines="error",
            low_memory=False,
            **options,
        )
    except (ValueError, csv.Error) as error:  # pandas' ParserError is a ValueError
        ragged = _RAGGED.search(str(error))
        if ragged:
            expected, line, saw = (int(g) for g in ragged.groups())
            return Message(
                "upload.error.ragged", {"line": line, "expected": expected, "saw": saw, "delimiter": delimiter}
            )
        unclosed = _UNCLOSED.search(str(error))
        if unclosed:  # pandas counts rows from 0, the header being row 0
            return Message("upload.error.unclosed_quote", {"row": int(unclosed.group(1)) + 1})
        return Message("upload.error.parse", {"detail": str(error)})


def _header(text: str, delimiter: str) -> list[str] | Message:
    """The first row's cells as written, read by the same parser as the table.

    Read without a header, the first row sets the width, so a longer first data
    row is an error here; read with ``header=0`` pandas would cut it silently.
    """
    top = _read(text, delimiter, header=None, nrows=2, dtype=str, keep_default_na=False)
    if isinstance(top, Message):
        return top
    return [str(cell) for cell in top.iloc[0]]


def _column_names(header: list[str], notes: list[Message]) -> tuple[list[str], bool]:
    """Unique column names from the raw header row.

    Returns:
        ``(names, header_is_data)``.
    """
    if sum(_is_number(cell) for cell in header) * 2 > len(header):
        notes.append(Message("upload.note.no_header", {"columns": len(header)}))
        return [f"column {i + 1}" for i in range(len(header))], True
    names = [cell if cell.strip() else f"column {i + 1}" for i, cell in enumerate(header)]
    blank = [name for cell, name in zip(header, names, strict=True) if not cell.strip()]
    if blank:
        notes.append(Message("upload.note.blank_names", {"count": len(blank), "names": quoted_names(blank)}))
    unique: list[str] = []
    renamed: list[str] = []
    for name in names:
        new, k = name, 2
        while new in unique or (new != name and new in names):
            new, k = f"{name} ({k})", k + 1
        if new != name:
            renamed.append(f"“{name}” → “{new}”")
        unique.append(new)
    if renamed:
        notes.append(Message("upload.note.duplicate_names", {"names": ", ".join(renamed)}))
    return unique, False


def _clean(frame: pd.DataFrame, notes: list[Message]) -> pd.DataFrame | Message:
    """Keeps numeric and two-value text columns and the rows without gaps."""
    read = len(frame)
    empty = [c for c in frame.columns if frame[c].isna().all()]
    if empty:
        notes.append(Message("upload.note.empty_columns", {"count": len(empty), "names": quoted_names(empty)}))
        frame = frame.drop(columns=empty)
    bools = [c for c in frame.columns if pd.api.types.is_bool_dtype(frame[c])]
    frame = frame.astype(dict.fromkeys(bools, "int64"))  # True/False → 1/0
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    two_valued = [c for c in frame.columns if c not in numeric and frame[c].nunique() == 2]
    text = [c for c in frame.columns if c not in numeric and c not in two_valued]
    if not numeric:
        return Message("upload.error.no_numeric", {"names": quoted_names([str(c) for c in frame.columns])})
    if text:
        notes.append(Message("upload.note.text_columns", {"count": len(text), "names": quoted_names(text)}))
        frame = frame.drop(columns=text)
    if frame.shape[1] < 2:
        names = quoted_names(list(frame.columns))
        return Message("upload.error.too_few_columns", {"count": frame.shape[1], "names": names})
    # ±inf is as unusable as a blank cell: min-max scaling would give NaN.
    frame[numeric] = frame[numeric].replace([np.inf, -np.inf], np.nan)
    frame = frame.dropna().reset_index(drop=True)
    dropped = read - len(frame)
    if len(frame) < MIN_ROWS:
        return Message(
            "upload.error.too_few_rows", {"rows": len(frame), "dropped": dropped, "read": read, "minimum": MIN_ROWS}
        )
    if dropped:
        notes.append(Message("upload.note.dropped_rows", {"dropped": dropped, "read": read, "rows": len(frame)}))
    return frame


def read_csv_upload(data: bytes, filename: str) -> UploadResult:
    """Reads an uploaded CSV file into a clean table, or explains why not.

    Args:
        data: The file's bytes (``UploadedFile.getvalue()``).
        filename: The file's name, for messages.

    Returns:
        The table (numeric columns and two-value text columns, no blank, NaN
        or infinite cells, at least ``MIN_ROWS`` rows), with notes on what was
        changed; or no table and the blocking problem.
    """
    notes: list[Message] = []

    def fail(problem: Message) -> UploadResult:
        return UploadResult(filename, None, (problem,), tuple(notes))

    if len(data) > MAX_UPLOAD_BYTES:
        return fail(
            Message(
                "upload.error.too_large",
                {"size_mb": len(data) / MB, "size": len(data), "limit_mb": MAX_UPLOAD_MB, "limit": MAX_UPLOAD_BYTES},
            )
        )
    if not data.startswith(UTF16_BOMS) and (problem := _binary_problem(data, filename)):
        return fail(problem)
    text, encoding, problem = _decode(data)
    if problem is not None:
        return fail(problem)
    if encoding is not None:
        notes.append(Message("upload.note.encoding", {"encoding": encoding}))
    if problem := _binary_problem(text, filename):
        return fail(problem)
    if not text.strip():
        return fail(Message("upload.error.empty", {"minimum": MIN_ROWS}))

    delimiter = _sniff(text)
    if delimiter != ",":
        notes.append(Message("upload.note.delimiter", {"delimiter": "Tab" if delimiter == "\t" else delimiter}))
    header = _header(text, delimiter)
    if isinstance(header, Message):
        return fail(header)
    if len(header) > MAX_COLUMNS:
        return fail(Message("upload.error.too_many_columns", {"columns": len(header), "limit": MAX_COLUMNS}))
    names, header_is_data = _column_names(header, notes)
    frame = _read(text, delimiter, header=None if header_is_data else 0)
    if isinstance(frame, Message):
        return fail(frame)
    frame.columns = names
    if frame.empty:
        return fail(Message("upload.error.no_rows", {"columns": len(names)}))
    frame = _clean(frame, notes)
    if isinstance(frame, Message):
        return fail(frame)
    return UploadResult(filename, frame, (), tuple(notes))


def load_bundled(name: str) -> UploadResult:
    """Reads a bundled dataset through the same path as an upload.

    Args:
        name: A key of ``dlcore.data.DATASETS`` (its ``target`` is the usual
            target column).

    Returns:
        The result of ``read_csv_upload`` on the file's bytes.
    """
    dataset = DATASETS[name]
    return read_csv_upload(dataset.path.read_bytes(), dataset.filename)
