"""Jinja filters for report templates: the built-in ones and, identically, the sandboxed uploads."""

from __future__ import annotations

import re

from markupsafe import Markup

from app.core.countries import country_name
from app.reports import markdown

_BLANK_LINES = re.compile(r"\n\s*\n")
# Characters that open markup anywhere in a line of Markdown (emphasis, links, tags, code, tables,
# strikethrough, escapes); the rest is escaped only where it would start a block (see below).
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")
_ENTITY = re.compile(r"&(#?\w+;)")


def paragraphs(text: str | None) -> list[str]:
    """Text split at blank lines; single line breaks stay inside a paragraph."""
    if not text:
        return []
    return [" ".join(part.split()) for part in _BLANK_LINES.split(text.strip()) if part.strip()]


def markdown_escape(text: object) -> str:
    """Plain text (a name, a title) that Markdown shows exactly as written, escaped only where it must
    be: "<b>R&D</b>" stays visible and "CLUSTERIX 2.0" stays readable in the source."""
    if text is None:
        return ""
    value = _MARKDOWN_INLINE.sub(r"\\\1", " ".join(str(text).split()))
    value = _ENTITY.sub(r"&amp;\1", value)
    return _LINE_START.sub(lambda m: m.group(1) + (m.group(2)[:-1] + "\\" + m.group(2)[-1]), value)


def markdown_block(text: str | None) -> str:
    """An organiser's Markdown kept as Markdown (raw HTML and unsafe links defused)."""
    return markdown.to_markdown(text)


def markdown_line(text: str | None) -> str:
    """A one-line Markdown text (a key point) for a list item: kept as Markdown, on one line."""
    return " ".join(markdown.to_markdown(text).split())


def markdown_url(url: str | None) -> str:
    return markdown.markdown_url(url)


def markdown_link(url: str | None, title: str | None = None) -> str:
    """``[title](url)``, or the text alone when the URL is not one a reader may follow."""
    target = markdown.markdown_url(url)
    text = markdown_escape(title or url)
    return f"[{text}]({target})" if target else text


def safe_url(url: str | None) -> str:
    """The URL for an ``href`` (autoescaped by the template), or "" for a scheme not to follow."""
    return markdown.safe_url(url) or ""


def markdown_html(text: str | None) -> Markup:
    return markdown.to_html(text)


def markdown_inline_html(text: str | None) -> Markup:
    return markdown.inline_html(text)


def percent(count: int, total: int) -> str:
    return f"{100 * count / total:.0f}%" if total else "0%"


FILTERS = {
    "paragraphs": paragraphs,
    "md": markdown_escape,
    "md_block": markdown_block,
    "md_line": markdown_line,
    "md_url": markdown_url,
    "md_link": markdown_link,
    "safe_url": safe_url,
    "markdown": markdown_html,
    "markdown_inline": markdown_inline_html,
    "country_name": country_name,
    "percent": percent,
}
