"""The organisers' Markdown: parsed once by markdown-it-py, rendered natively in each format.

CommonMark plus GitHub's tables, strikethrough and bare-URL links. Raw HTML in the source is never
passed through: the parser treats it as text, and the HTML it produces is sanitised by nh3 as well
(belt and braces: a tag or a ``javascript:`` link that slipped past one is stopped by the other).
Images written in Markdown are never fetched: they print as their alternative text (photos are
uploaded, see ReportImage). Headings written by organisers sit below the report's own.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import quote, urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "s",
    "del",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
# The narrative's own headings start at this level (the report's sections are h2, their parts h3).
HEADING_FLOOR = 4
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
_HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_INLINE_LINK = re.compile(r"\]\(\s*(\S*)")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(\S+)")


@lru_cache
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True}).enable(["table", "strikethrough", "linkify"])
    md.validateLink = lambda url: safe_url(url) is not None  # type: ignore[method-assign]
    md.add_render_rule("image", lambda self, tokens, idx, options, env: str(escape(tokens[idx].content)))
    return md


def safe_url(url: str | None) -> str | None:
    """The URL if it is one a reader may follow (http, https, mailto), else None."""
    if not url:
        return None
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in SAFE_SCHEMES and "\x00" not in url else None


def heading_level(token: Token) -> int:
    """The level a heading written by an organiser takes inside the report (h4 and below)."""
    return min(6, int(token.tag[1]) + HEADING_FLOOR - 1)


def tokens(text: str | None) -> list[Token]:
    return parser().parse(text or "")


def inline_tokens(text: str | None) -> list[Token]:
    """The inline children of a one-line text (a key point, a conclusion): bold, links, code."""
    blocks = parser().parseInline(text or "")
    return blocks[0].children or [] if blocks else []


def _sanitise(html: str) -> Markup:
    return Markup(
        nh3.clean(
            html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=set(SAFE_SCHEMES), link_rel="noopener noreferrer"
        )
    )


def to_html(text: str | None) -> Markup:
    """Block Markdown as sanitised HTML (paragraphs, lists, quotes, tables, headings from h4)."""
    if not text:
        return Markup("")
    items = tokens(text)
    for token in items:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{heading_level(token)}"
    return _sanitise(parser().renderer.render(items, parser().options, {}))


def inline_html(text: str | None) -> Markup:
    """One line of Markdown as sanitised inline HTML (no paragraph around it)."""
    if not text:
        return Markup("")
    return _sanitise(parser().renderInline(text))


def plain_text(text: str | None) -> str:
    """The words without the markup, for places that take plain text (a caption, a table cell)."""
    out = []
    for token in tokens(text):
        if token.type == "inline":
            out.append(
                "".join(
                    " " if child.type in ("softbreak", "hardbreak") else child.content
                    for child in token.children or []
                    if child.type in ("text", "code_inline", "softbreak", "hardbreak")
                )
            )
    return " ".join(part for part in out if part)


def _unsafe_destination(destination: str) -> bool:
    """A link destination with a scheme a reader must not follow (entities decoded, as parsers do)."""
    plain = "".join(html.unescape(destination).split()).strip("<>")
    if not plain:  # the destination is on the next line: defuse rather than follow it there
        return True
    if not _HAS_SCHEME.match(plain):
        return False
    return safe_url(plain) is None


def _defuse(text: str) -> str:
    """Outside code: ``<`` backslash-escaped, so no renderer reads it as a tag or an autolink; a link
    to a ``javascript:`` (or any other unsafe) destination turned into literal text."""
    text = text.replace("<", "\\<")
    text = _INLINE_LINK.sub(
        lambda m: m.group(0).replace("](", "]\\(", 1) if _unsafe_destination(m.group(1)) else m.group(0), text
    )
    return _REFERENCE.sub(lambda m: "\\" + m.group(0).lstrip() if _unsafe_destination(m.group(1)) else m.group(0), text)


def _escape_raw_html(line: str) -> str:
    pieces, last = [], 0
    for match in _CODE_SPAN.finditer(line):
        pieces.append(_defuse(line[last : match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(_defuse(line[last:]))
    return "".join(pieces)


def to_markdown(text: str | None) -> str:
    """The organiser's Markdown kept as Markdown for the .md report: raw HTML defused outside code,
    headings moved below the report's own, Markdown images reduced to their alternative text."""
    if not text:
        return ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    code_lines: set[int] = set()
    headings: dict[int, tuple[int, Token, list[int]]] = {}
    for token in tokens(text):
        if token.type in ("fence", "code_block") and token.map:
            code_lines.update(range(*token.map))
        elif token.type == "heading_open" and token.map:
            headings[token.map[0]] = (heading_level(token), token, token.map)
    out = []
    skip: set[int] = set()
    for number, line in enumerate(lines):
        if number in skip:
            continue
        if number in code_lines:
            out.append(line)
            continue
        if number in headings:
            level, token, (start, end) = headings[number]
            content = " ".join(
                lines[i].strip() for i in range(start, end) if token.markup.startswith("#") or i < end - 1
            )
            content = content.lstrip("#").strip().rstrip("#").strip() if token.markup.startswith("#") else content
            skip.update(range(start, end))
            out.append("#" * level + " " + _escape_raw_html(_images_as_alt(content)))
            continue
        out.append(_escape_raw_html(_images_as_alt(line)))
    return "\n".join(out).strip("\n")


_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")


def _images_as_alt(line: str) -> str:
    return _IMAGE.sub(lambda match: match.group(1), line)


def markdown_url(url: str | None) -> str:
    """A URL safe inside a Markdown link destination ``(...)``: characters that could end the link or
    open markup are percent-encoded; a scheme a reader must not follow gives an empty string."""
    url = safe_url(url)
    if url is None:
        return ""
    return quote(url, safe="/:?#[]@!$&'*+,;=%~")
