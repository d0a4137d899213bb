"""Texts of "your own data": reading an uploaded CSV and choosing its target."""

EN: dict[str, str] = {
    # Blocking problems of the file itself
    "upload.error.too_large": "The file is {size_mb:.1f} MB; the limit is {limit_mb} MB. Upload a smaller table (fewer rows or columns).",
    "upload.error.empty": "The file is empty. Upload a CSV file with a header row and at least {minimum} data rows.",
    "upload.error.binary": "“{filename}” does not look like a CSV text file: it contains binary data (byte {byte} at position {position:,}). Save your table as “CSV UTF-8 (comma delimited)” and upload that file.",
    "upload.error.encoding": "The file's text could not be decoded as UTF-8, Big5 or Windows-1252 (problem at byte {position:,}). Save it as “CSV UTF-8” and upload it again.",
    "upload.error.parse": "The file could not be read as a CSV table: {detail}",
    "upload.error.ragged": "Line {line:,} of the file has {saw} fields, but the header has {expected}. Every row needs the same number of columns (is there an unquoted “{delimiter}” inside a value?).",
    "upload.error.unclosed_quote": "A quotation mark (\") opened in row {row:,} of the file (the header is row 1) is never closed, so the rest of the file would be one cell. Check that row for a stray \".",
    "upload.error.too_many_columns": "The file has {columns:,} columns; the limit is {limit}. Keep only the columns you need.",
    "upload.error.no_rows": "The file has a header row ({columns} columns) but no data rows.",
    "upload.error.too_few_rows": "Only {rows:,} usable rows are left ({dropped:,} of {read:,} rows had blank, NaN or infinite cells); at least {minimum} are needed to split the data 70/30 and train.",
    "upload.error.no_numeric": "No column holds numbers only, so there is nothing a neural network can use as input. Columns read: {names}.",
    "upload.error.too_few_columns": "Usable columns left: {count} ({names}). A model needs a target and at least one feature column.",
    # Blocking problems of the chosen target
    "upload.error.unknown_target": "There is no column “{target}” in the table.",
    "upload.error.target_constant": "The target “{target}” has the single value {value} in all {rows:,} rows: there is nothing to predict. Choose another column.",
    "upload.error.target_text": "The target “{target}” holds text ({values}), not numbers: a regressor predicts numbers. Use the classifier page for a two-class column.",
    "upload.error.needs_threshold": "The target “{target}” has {distinct:,} different values, but the classifier predicts two classes. Choose a threshold: rows with {target} ≥ threshold become class 1, the others class 0. The median, {median:g}, splits the rows roughly in half.",
    "upload.error.bad_threshold": "The threshold {threshold} is not a finite number.",
    "upload.error.single_class": "With {target} ≥ {threshold:g} as class 1, all {rows:,} rows fall into class {cls}: a classifier needs examples of both classes. Choose a threshold above {low:g} and at most {high:g}.",
    "upload.error.no_features": "No feature column is left besides the target “{target}”; a model needs at least one input.",
    # Non-blocking notes
    "upload.note.encoding": "The file is not UTF-8; it was read as {encoding}.",
    "upload.note.delimiter": "Columns are separated by “{delimiter}”.",
    "upload.note.no_header": "The first row holds numbers, so it was read as data, not as a header; the columns are called “column 1” to “column {columns}”.",
    "upload.note.blank_names": "Columns without a name are called by their position ({count}): {names}.",
    "upload.note.duplicate_names": "Repeated column names were made unique by numbering the repeats: {names}.",
    "upload.note.empty_columns": "Empty columns dropped ({count}): {names}.",
    "upload.note.text_columns": "Columns that do not hold numbers only, dropped ({count}): {names}.",
    "upload.note.dropped_rows": "{dropped:,} of {read:,} rows had blank, NaN or infinite cells and were dropped; {rows:,} rows are left.",
    "upload.note.text_features": "Two-value text columns, not used as inputs ({count}): {names}.",
    "upload.note.constant_columns": "Columns with the same value in every row, dropped ({count}): {names}. They carry no information, and min-max scaling would divide by max − min = 0.",
    "upload.note.class_mapping": "Target “{target}”: “{zero}” → class 0 ({zeros:,} rows), “{one}” → class 1 ({ones:,} rows).",
    "upload.note.threshold": "Target “{target}”: {target} ≥ {threshold:g} → class 1 ({ones:,} rows), {target} < {threshold:g} → class 0 ({zeros:,} rows).",
}
