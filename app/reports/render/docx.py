"""DOCX through python-docx, with Word's own Heading styles (the navigation pane works) and a
table-of-contents field Word fills in; the pies are PNG pictures, their figures a table beside them."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from app.core.countries import country_name
from app.reports.charts import pie_png
from app.reports.context import ReportContext, SessionInfo
from app.reports.filters import paragraphs

ROLE_LABELS = (("chair", "Chairs"), ("moderator", "Moderators"), ("speaker", "Speakers"), ("panellist", "Panellists"))


def _text(document: DocxDocument, value: str | None) -> None:
    for paragraph in paragraphs(value):
        document.add_paragraph(paragraph)


def _bullets(document: DocxDocument, items: list[str], style: str = "List Bullet") -> None:
    for item in items:
        document.add_paragraph(item, style=style)


def _table(document: DocxDocument, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Light Grid Accent 1"
    for cell, title in zip(table.rows[0].cells, header):
        cell.text = title
    for values in rows:
        for cell, value in zip(table.add_row().cells, values):
            cell.text = value


def _toc_field(document: DocxDocument) -> None:
    """A TOC field: Word builds it from the headings when the document is opened and fields updated."""
    run = document.add_paragraph().add_run()
    begin, code, separate, end = (OxmlElement("w:fldChar"), OxmlElement("w:instrText"),
                                  OxmlElement("w:fldChar"), OxmlElement("w:fldChar"))
    begin.set(qn("w:fldCharType"), "begin")
    code.set(qn("xml:space"), "preserve")
    code.text = 'TOC \\o "1-3" \\h \\z \\u'
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    placeholder = OxmlElement("w:t")
    placeholder.text = "Update this field (F9) to list the sections with their pages."
    for element in (begin, code, separate, placeholder, end):
        run._r.append(element)


def _session(document: DocxDocument, item: SessionInfo) -> None:
    document.add_heading(item.title, level=2)
    document.add_paragraph(f"{item.starts}–{item.ends}" + (f" · {item.room}" if item.room else "")).italic = True
    _text(document, item.description)
    roles = list(ROLE_LABELS) + ([] if item.groups else [("facilitator", "Facilitators"), ("rapporteur", "Rapporteurs")])
    for key, label in roles:
        if item.roles[key]:
            names = "; ".join(p.name + (f" ({p.organisation})" if p.organisation else "") for p in item.roles[key])
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(names)
    _text(document, item.notes)
    if item.key_points:
        document.add_heading("Key points", level=3)
        _bullets(document, item.key_points)
    for group in item.groups:
        document.add_heading(group.title, level=3)
        people = [f"Facilitator: {group.facilitator}" if group.facilitator else "",
                  f"Rapporteur: {group.rapporteur}" if group.rapporteur else ""]
        if any(people):
            document.add_paragraph(" · ".join(p for p in people if p)).italic = True
        _text(document, group.theme)
        _text(document, group.notes)


def _participation(document: DocxDocument, context: ReportContext) -> None:
    stats = context.statistics
    document.add_heading("Participation", level=1)
    document.add_paragraph(
        f"In total, {stats['participants']} people took part, including {stats['project_representatives']} "
        f"representatives of {stats['projects_represented']} projects, from {len(stats['countries'])} countries."
    )
    if context.projects:
        _table(document, ["Project", "Title", "Web address", "Representatives"],
               [[p.acronym, p.title, p.url or "", str(p.representatives)] for p in context.projects])
    _text(document, context.narrative.participation_note)
    for chart in context.charts.values():
        if not chart.slices:
            continue
        document.add_heading(chart.title, level=3)
        document.add_picture(io.BytesIO(pie_png(chart.slices)), width=Cm(7))
        _table(document, ["", "Participants", "Share"],
               [[part.label, str(part.count), f"{part.percent:g}%"] for part in chart.slices])


def render_docx(context: ReportContext) -> bytes:
    document = Document()
    document.styles["Normal"].font.size = Pt(10.5)
    event, narrative = context.event, context.narrative
    document.add_heading(event.title, level=0)
    document.add_paragraph("Event report")
    document.add_paragraph(" · ".join(part for part in (event.date_label, event.place_label) if part))
    document.add_heading("Table of contents", level=1)
    _toc_field(document)
    if narrative.summary or narrative.key_messages:
        document.add_heading("Summary", level=1)
        _text(document, narrative.summary)
        _bullets(document, narrative.key_messages)
    if narrative.introduction:
        document.add_heading("Introduction", level=1)
        _text(document, narrative.introduction)
    _participation(document, context)
    if context.sections:
        document.add_heading("Workshop sessions", level=1)
        for item in context.sections:
            _session(document, item)
    if narrative.conclusions:
        document.add_heading("Conclusions", level=1)
        for group in narrative.conclusions:
            document.add_heading(group["theme"], level=2)
            _bullets(document, group["points"])
    if narrative.next_steps:
        document.add_heading("What’s next?", level=1)
        for step in narrative.next_steps:
            document.add_paragraph(f"{step['date_label']} – {step['title']}", style="List Number")
            _text(document, step.get("description"))
            if step.get("url"):
                document.add_paragraph(step["url"])
    if narrative.links:
        document.add_heading("Other relevant information", level=1)
        _bullets(document, [f"{link['title']}: {link['url']}" for link in narrative.links])
    if narrative.contacts:
        document.add_heading("Contacts", level=1)
        _bullets(document, [" – ".join(v for v in (c["name"], c.get("role"), c.get("email")) if v) for c in narrative.contacts])
    document.add_page_break()
    document.add_heading("Appendix A – Agenda", level=1)
    _table(document, ["Time", "Session", "With"], [
        [f"{s.starts}–{s.ends}", s.title, "; ".join(p.name for people in s.roles.values() for p in people)]
        for s in context.sessions
    ])
    document.add_page_break()
    document.add_heading("Appendix B – List of participants", level=1)
    if context.unlisted_participants:
        document.add_paragraph(f"{len(context.participants)} participants agreed to be listed; "
                               f"{context.unlisted_participants} more took part without being named here.")
    _table(document, ["First name", "Last name", "Organisation", "Project", "Country"], [
        [p.first_name, p.last_name, p.organisation or "", p.project or "N/A", country_name(p.country)]
        for p in context.participants
    ])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
