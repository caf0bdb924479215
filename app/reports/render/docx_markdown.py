"""Organisers' Markdown as real Word content: bold, italic and struck runs, hyperlinks, bulleted and
numbered lists, quotes, tables, code, headings below the report's own."""

from __future__ import annotations

from docx.shared import Mm, Pt

from app.reports.markdown import heading_level, inline_tokens, safe_url, tokens
from app.reports.render.docx_kit import add_run, keep_rows_whole, link_element, link_run

_MARKS = {"strong": "bold", "em": "italic", "s": "strike"}


def add_inline(paragraph, children, *, bold: bool = False) -> None:
    """Inline tokens as runs of ``paragraph``; a link's runs go inside its w:hyperlink."""
    state = {"bold": bold, "italic": False, "strike": False}
    link = None
    for child in children:
        kind = child.type
        if kind.endswith("_open") and kind[:-5] in _MARKS:
            state[_MARKS[kind[:-5]]] = True
        elif kind.endswith("_close") and kind[:-6] in _MARKS:
            state[_MARKS[kind[:-6]]] = bold if kind == "strong_close" else False
        elif kind == "link_open":
            url = safe_url(str(child.attrs.get("href", "")))
            if url:
                link = link_element(paragraph, url)
        elif kind == "link_close":
            link = None
        elif kind in ("text", "code_inline", "image"):
            text = child.content
            if link is not None:
                link_run(link, text, bold=state["bold"], italic=state["italic"])
            else:
                add_run(
                    paragraph,
                    text,
                    bold=state["bold"],
                    italic=state["italic"],
                    strike=state["strike"],
                    code=kind == "code_inline",
                )
        elif kind == "softbreak":
            add_run(paragraph, " ")
        elif kind == "hardbreak":
            paragraph.add_run().add_break()


def add_inline_text(paragraph, text: str | None, *, bold: bool = False) -> None:
    """One line of Markdown (a key point) into ``paragraph``."""
    add_inline(paragraph, inline_tokens(text), bold=bold)


def _list_paragraph(document, ordered: bool, depth: int, number: int):
    if ordered:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Mm(7 + 6 * depth)
        paragraph.paragraph_format.first_line_indent = Mm(-6)
        add_run(paragraph, f"{number}.\t")
        return paragraph
    return document.add_paragraph(style="List Bullet" if depth == 0 else "List Bullet 2")


def add_markdown(document, text: str | None) -> None:
    """Block Markdown appended to ``document`` (or to a table cell: anything with add_paragraph)."""
    if not text:
        return
    lists: list[list] = []  # [ordered, next number] per open list
    quoted = 0
    pending = None  # a list item's first paragraph goes on the bullet line
    table_rows: list[list] = []
    in_table = False
    for token in tokens(text):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists.append([kind == "ordered_list_open", int(token.attrs.get("start", 1) or 1)])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            ordered, number = lists[-1]
            pending = _list_paragraph(document, ordered, len(lists) - 1, number)
            lists[-1][1] += 1
        elif kind == "blockquote_open":
            quoted += 1
        elif kind == "blockquote_close":
            quoted -= 1
        elif kind == "heading_open":
            pending = document.add_heading(level=heading_level(token))
        elif kind == "table_open":
            in_table, table_rows = True, []
        elif kind == "tr_open":
            table_rows.append([])
        elif kind == "inline" and in_table:
            table_rows[-1].append(token.children or [])
        elif kind == "table_close":
            in_table = False
            _table(document, table_rows)
        elif kind == "inline":
            if pending is not None:
                paragraph, pending = pending, None
            else:
                paragraph = document.add_paragraph(style="Quote" if quoted else None)
                if lists:
                    paragraph.paragraph_format.left_indent = Mm(7 + 6 * (len(lists) - 1))
            add_inline(paragraph, token.children or [])
        elif kind in ("fence", "code_block"):
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.left_indent = Mm(5)
            for number, line in enumerate(token.content.rstrip("\n").split("\n")):
                if number:
                    paragraph.add_run().add_break()
                add_run(paragraph, line, code=True, size=9)


def _table(document, rows: list[list]) -> None:
    if not rows:
        return
    width = max(len(row) for row in rows)
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    for index, row in enumerate(rows):
        cells = table.add_row().cells
        for cell, children in zip(cells, row, strict=False):
            add_inline(cell.paragraphs[0], children, bold=index == 0)
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(9)
    keep_rows_whole(table)
