"""Text that came from a user, shown as text: in Markdown and in Plotly labels.

Link keys and values, file names, column names and cell values of an uploaded
CSV are shown to the user in Streamlit texts (which render Markdown: links,
images, emphasis, GitHub's autolinks, Streamlit's ``:emoji:`` and
``:color[...]`` directives and ``$math$``) and in Plotly charts (whose labels render a subset of HTML,
``<a href>`` among it). Such a value is escaped where it is put into the
text, never the catalogue's own text around it. Generated Python writes user
text with ``repr()`` (``dlcore.export``).
"""

from __future__ import annotations

import re
import string

# CommonMark lets a backslash escape every ASCII punctuation character, and an
# escaped character is always literal text: no emphasis, link, image, HTML,
# autolink (``http\:\/\/``, ``www\.``, ``a\@b``), directive or math.
_MARKDOWN_PUNCTUATION = re.compile(f"([{re.escape(string.punctuation)}])")
# A line break would end the paragraph and let the next line start a heading,
# a list or a code block; control characters have no place in a label.
_BREAKS = re.compile(r"\r\n|[\x00-\x1f\x7f\x85\u2028\u2029]")
# Streamlit (remark-gfm) turns "http://…", "www.…" and "a@b.c" into links in
# the text *after* parsing, escaped or not; an invisible word joiner (U+2060)
# after the scheme and before "@" leaves no such pattern in the text.
WORD_JOINER = "\u2060"
_AUTOLINK_START = re.compile(r"(?i)(https?|ftp|mailto|xmpp|www)(?=[:.])|(?=@)")
# Plotly decodes &amp; &lt; &gt; and numeric entities in text, after splitting
# off its tags; "%" starts a hovertemplate's %{...} field.
_PLOTLY = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "%": "&#37;"}


def md(value: object) -> str:
    """``value`` as literal text inside Markdown (one line).

    Args:
        value: A user's text (or anything ``str()`` can show).

    Returns:
        The text with line breaks and control characters replaced by spaces,
        a word joiner where an autolink would start, and every ASCII
        punctuation character backslash-escaped.
    """
    text = _AUTOLINK_START.sub(lambda m: (m.group(1) or "") + WORD_JOINER, _BREAKS.sub(" ", str(value)))
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def md_values(values: dict[str, object]) -> dict[str, object]:
    """The string values of a placeholder dict escaped with ``md`` (numbers kept
    as they are, so ``{rows:,}`` still formats)."""
    return {key: md(value) if isinstance(value, str) else value for key, value in values.items()}


def plotly_text(value: object) -> str:
    """``value`` as literal text in a Plotly title, axis title, legend entry or
    hover label: ``&``, ``<``, ``>`` and ``%`` as entities."""
    return "".join(_PLOTLY.get(char, char) for char in str(value))
