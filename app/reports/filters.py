"""Jinja filters for report templates: the built-in ones and, identically, the sandboxed uploads."""

from __future__ import annotations

import re

from app.core.countries import country_name

_BLANK_LINES = re.compile(r"\n\s*\n")
# CommonMark lets a backslash escape any ASCII punctuation; these are the ones that can start
# markup (emphasis, links, HTML tags, headings, lists, tables, code).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&])")


def paragraphs(text: str | None) -> list[str]:
    """Organisers' text split at blank lines; single line breaks stay inside a paragraph."""
    if not text:
        return []
    return [" ".join(part.split()) for part in _BLANK_LINES.split(text.strip()) if part.strip()]


def markdown_escape(text: object) -> str:
    """Text that Markdown shows exactly as written: "<b>R&D</b>" stays visible, never becomes markup."""
    if text is None:
        return ""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def percent(count: int, total: int) -> str:
    return f"{100 * count / total:.0f}%" if total else "0%"


FILTERS = {
    "paragraphs": paragraphs,
    "md": markdown_escape,
    "country_name": country_name,
    "percent": percent,
}
