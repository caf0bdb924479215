"""The pieces of WordprocessingML that python-docx has no call for: hyperlinks, bookmarks, fields, rows
that do not split, header rows that repeat, column widths fitted to their content. Imported only by
the DOCX renderer (python-docx loads lazily with it)."""

from __future__ import annotations

import re
from itertools import count

from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

# XML 1.0 cannot hold these; stored text might (a name pasted with a control character).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
LONG_WORD = 16
LINK_COLOUR = RGBColor(0x1F, 0x5F, 0xA8)
_bookmark_ids = count(1)


def clean(text: object) -> str:
    return _NOT_XML.sub("", str(text)) if text is not None else ""


def add_run(
    paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    strike: bool = False,
    code: bool = False,
    colour: RGBColor | None = None,
    size: float | None = None,
):
    run = paragraph.add_run(clean(text))
    run.bold, run.italic = bold or None, italic or None
    if strike:
        run.font.strike = True
    if code:
        run.font.name = "Courier New"
    if colour is not None:
        run.font.color.rgb = colour
    if size is not None:
        run.font.size = Pt(size)
    return run


def link_element(paragraph, url: str):
    """An empty w:hyperlink to ``url`` (the caller has checked its scheme) at the end of ``paragraph``;
    runs go in with ``link_run``."""
    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    element = OxmlElement("w:hyperlink")
    element.set(qn("r:id"), relation)
    paragraph._p.append(element)
    return element


def hyperlink(
    paragraph, url: str, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None
) -> None:
    link_run(link_element(paragraph, url), text, bold=bold, italic=italic, size=size)


def internal_link(paragraph, anchor: str, text: str) -> None:
    """A link to a bookmark in the same document (the contents list)."""
    element = OxmlElement("w:hyperlink")
    element.set(qn("w:anchor"), anchor)
    element.set(qn("w:history"), "1")
    paragraph._p.append(element)
    link_run(element, text, underline=False, colour=None)


def link_run(
    element,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = True,
    colour: RGBColor | None = LINK_COLOUR,
    size: float | None = None,
) -> None:
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    if bold:
        properties.append(OxmlElement("w:b"))
    if italic:
        properties.append(OxmlElement("w:i"))
    if colour is not None:
        colour_element = OxmlElement("w:color")
        colour_element.set(qn("w:val"), str(colour))
        properties.append(colour_element)
    if size is not None:
        size_element = OxmlElement("w:sz")
        size_element.set(qn("w:val"), str(round(size * 2)))
        properties.append(size_element)
    if underline:
        line = OxmlElement("w:u")
        line.set(qn("w:val"), "single")
        properties.append(line)
    run.append(properties)
    text_element = OxmlElement("w:t")
    text_element.set(qn("xml:space"), "preserve")
    text_element.text = clean(text)
    run.append(text_element)
    element.append(run)


def bookmark(paragraph, name: str) -> None:
    """Wrap the paragraph's content in a bookmark called ``name``."""
    identifier = str(next(_bookmark_ids))
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), identifier)
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), identifier)
    properties = paragraph._p.pPr
    if properties is not None:
        properties.addnext(start)
    else:
        paragraph._p.insert(0, start)
    paragraph._p.append(end)


def field_chars(paragraph, instruction: str, *, begin: bool = True, separate: bool = True) -> None:
    """The start of a complex field (its cached result follows, then ``field_end``)."""
    run = paragraph.add_run()._r
    if begin:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), "begin")
        run.append(char)
        code = OxmlElement("w:instrText")
        code.set(qn("xml:space"), "preserve")
        code.text = f" {instruction} "
        run.append(code)
    if separate:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), "separate")
        run.append(char)


def field_end(paragraph) -> None:
    run = paragraph.add_run()._r
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    run.append(char)


def simple_field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """A field Word and LibreOffice compute as they lay out the page (PAGE, NUMPAGES)."""
    element = OxmlElement("w:fldSimple")
    element.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    element.append(run)
    paragraph._p.append(element)


def keep_rows_whole(table, *, header: bool = True) -> None:
    """No row split across pages; the first row repeated at the top of each page."""
    for index, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        if header and index == 0:
            properties.append(OxmlElement("w:tblHeader"))


def keep_with_next(paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


def fitted_widths(columns: list[list[str]], total: int, *, minimum: int = Mm(14)) -> list[int]:
    """Column widths that fit their content: each column asks for its longest word (never broken) plus a
    share of the room by its typical text length; the sum is ``total``."""
    per_char, padding = Mm(2.1), Mm(5)  # a bold 9 pt character, the cell's margins
    floors, wants = [], []
    for cells in columns:
        words = [word for cell in cells for word in cell.split()] or [""]
        # a word longer than LONG_WORD (a web address) may wrap: it does not set the floor
        floors.append(max(minimum, per_char * min(LONG_WORD, max(len(word) for word in words)) + padding))
        lengths = sorted(len(cell) for cell in cells) or [0]
        typical = lengths[int(0.9 * (len(lengths) - 1))]  # the 90th percentile: one long cell does not win
        wants.append(max(floors[-1], per_char * min(typical, 60) + padding))
    scale = total / sum(wants)
    widths = [max(floor, int(want * scale)) for floor, want in zip(floors, wants, strict=False)]
    excess = sum(widths) - total
    if excess > 0:  # the floors pushed past the page: take it back from the widest columns
        for index in sorted(range(len(widths)), key=lambda i: -widths[i]):
            give = min(excess, widths[index] - floors[index])
            widths[index] -= give
            excess -= give
            if excess <= 0:
                break
    return [int(width) for width in widths]


def plain_first_column(table) -> None:
    """The table style's emphasis on the header row only, not on the first column."""
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        table._tbl.tblPr.append(look)
    look.set(qn("w:val"), "0420")  # the same as a bit mask, which older readers go by
    for name, value in (
        ("firstRow", "1"),
        ("firstColumn", "0"),
        ("lastRow", "0"),
        ("lastColumn", "0"),
        ("noHBand", "0"),
        ("noVBand", "1"),
    ):
        look.set(qn(f"w:{name}"), value)


def set_widths(table, widths: list[int]) -> None:
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
        column.set(qn("w:w"), str(int(Emu(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Emu(width)
