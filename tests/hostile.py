"""Hostile text and the checks that it is shown as text.

The reference for "shown as text" is an independent CommonMark parser
(markdown-it-py): a Streamlit text is safe when it parses to no link, image
or HTML and the hostile text comes out literally. GitHub's autolinks
(``http://…``, ``www.…``, ``a@b.c``, which Streamlit finds in the parsed
text, escaped or not) are looked for in the text as the GFM spec defines
them; Streamlit's ``:emoji:``, ``:color[…]`` and ``$math$`` need those
characters unescaped in the source.
"""

from __future__ import annotations

import csv
import io
import re

from markdown_it import MarkdownIt

REMOTE = "203.0.113.7"  # TEST-NET-3: never a real host
HOSTILE = (
    f"![t](http://{REMOTE}/x.png) [click](http://{REMOTE}/p) <img src=http://{REMOTE}/y> "
    f'<a href="http://{REMOTE}">a</a> Mei <b>\'x\'</b>;-- www.example.com a@b.example :smile: $x$ `c` **b** _i_ \\ &lt;'
)
# A second one, for a second column: a link as a bare address and as an autolink.
HOSTILE_2 = f"<http://{REMOTE}/auto> http://{REMOTE}/bare %{{x}} {{y}} :red[r] ~~s~~"

_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_UNSAFE_TOKENS = {"link_open", "image", "html_inline", "html_block"}
# GFM's extended autolinks: "www.", "http://", "https://" (and the "mailto:"
# and "xmpp:" of its implementations) or an email address, in text.
_AUTOLINK = re.compile(r"(?i)www\.|https?://|mailto:|xmpp:|[-.+\w]@[-\w]")
# What Streamlit's emoji shortcodes, colour directives and math would need in
# the Markdown source.
_ACTIVE_SOURCE = re.compile(r":smile:|:red\[|\$x\$")
WORD_JOINER = "\u2060"  # invisible: the reader does not see it


def rendered_text(markdown: str) -> str:
    """The text a CommonMark renderer shows for ``markdown``; fails on any
    link, image or HTML in it."""
    tokens = _PARSER.parse(markdown)
    inline = [child for token in tokens if token.type == "inline" for child in token.children or []]
    kinds = {token.type for token in [*tokens, *inline]}
    assert not kinds & _UNSAFE_TOKENS, f"rendered as markup: {markdown!r}"
    assert not _ACTIVE_SOURCE.search(markdown), f"emoji, directive or math source: {markdown!r}"
    for token in inline:  # code spans are not linked
        assert token.type != "text" or not _AUTOLINK.search(token.content), f"an autolink in {token.content!r}"
    return "".join(token.content for token in inline if token.type in ("text", "code_inline")).replace(WORD_JOINER, "")


def assert_shown_as_text(markdown: str, *parts: str) -> None:
    """``markdown`` renders as plain text and shows each of ``parts`` literally."""
    text = rendered_text(markdown)
    for part in parts:
        assert part in text, f"{part!r} not shown literally in {text!r}"


def csv_bytes(rows: list[list[object]]) -> bytes:
    """A CSV file (quoted as Excel writes it) from rows, the first being the header."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode()
