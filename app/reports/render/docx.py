"""DOCX through python-docx, laid out like the PDF: A4, a cover with the event's branding, a contents
list, Word's own Heading styles (the navigation pane works), page numbers in the footer, the two pies
side by side with their legends drawn in, tables whose columns fit their content and whose rows do not
split, real hyperlinks, and the organisers' Markdown as real Word formatting.

The contents list is a TOC field whose result is already filled in (the headings, linked to their
bookmarks), so Word and LibreOffice show it as it is, with no prompt to update; updating it in Word
adds the page numbers.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Mm, Pt, RGBColor

from app.core.countries import country_name
from app.reports.charts import pie_png
from app.reports.context import Image, ReportContext, SessionInfo
from app.reports.markdown import safe_url
from app.reports.render.docx_kit import (
    add_run,
    bookmark,
    clean,
    field_chars,
    field_end,
    fitted_widths,
    hyperlink,
    internal_link,
    keep_rows_whole,
    keep_with_next,
    plain_first_column,
    set_widths,
    simple_field,
)
from app.reports.render.docx_markdown import add_inline_text, add_markdown

PAGE_WIDTH, PAGE_HEIGHT, SIDE_MARGIN = Mm(210), Mm(297), Mm(18)
TEXT_WIDTH = PAGE_WIDTH - 2 * SIDE_MARGIN
GREY = RGBColor(0x55, 0x55, 0x55)
ROLE_LABELS = (
    ("chair", "Chair", "Chairs"),
    ("moderator", "Moderator", "Moderators"),
    ("speaker", "Speaker", "Speakers"),
    ("panellist", "Panellist", "Panellists"),
)
GROUP_ROLES = (("facilitator", "Facilitator", "Facilitators"), ("rapporteur", "Rapporteur", "Rapporteurs"))


class Writer:
    """The document being written, and the headings so far (for the contents list)."""

    def __init__(self, context: ReportContext):
        self.context = context
        self.document: DocxDocument = Document()
        self.headings: list[tuple[int, str, str]] = []
        self.colour = RGBColor.from_string(context.branding.colour.lstrip("#").upper())
        self._setup()

    def _setup(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.left_margin = section.right_margin = SIDE_MARGIN
        section.top_margin = section.bottom_margin = Mm(20)
        section.different_first_page_header_footer = True  # no number on the cover
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        simple_field(footer, "PAGE")
        header = section.header.paragraphs[0]
        brand = self.context.branding.organisation_name or self.context.branding.programme_name
        add_run(header, (f"{brand} · " if brand else "") + self.context.event.title, colour=GREY, size=8)
        styles = self.document.styles
        styles["Normal"].font.name = "Calibri"
        styles["Normal"].font.size = Pt(10.5)
        for level in range(1, 6):
            style = styles[f"Heading {level}"]
            style.font.color.rgb = self.colour
            style.paragraph_format.keep_with_next = True
        styles["Title"].font.color.rgb = self.colour

    # --- building blocks ------------------------------------------------------------------------

    def heading(self, text: str, level: int, *, listed: bool = True):
        paragraph = self.document.add_heading(clean(text), level=level)
        if listed:
            name = f"_Toc{len(self.headings) + 1:04d}"
            bookmark(paragraph, name)
            self.headings.append((level, clean(text), name))
        return paragraph

    def paragraph(self, text: str = "", *, italic: bool = False, bold: bool = False, colour=None, size=None):
        paragraph = self.document.add_paragraph()
        if text:
            add_run(paragraph, text, italic=italic, bold=bold, colour=colour, size=size)
        return paragraph

    def label(self, text: str):
        paragraph = self.paragraph(text, bold=True)
        keep_with_next(paragraph)
        return paragraph

    def points(self, items: list[str], label: str | None = "Key points") -> None:
        if not items:
            return
        if label:
            self.label(label)
        for item in items:
            add_inline_text(self.document.add_paragraph(style="List Bullet"), item)

    def table(self, header: list[str], rows: Sequence[Sequence[str | tuple[str, str]]], *, font_size: float = 9):
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Light List Accent 1"
        plain_first_column(table)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, title in zip(table.rows[0].cells, header, strict=False):
            add_run(cell.paragraphs[0], title, bold=True, size=font_size)
        for values in rows:
            for cell, value in zip(table.add_row().cells, values, strict=False):
                self._cell(cell, value, font_size)
        columns = [
            [header[index], *(cell if isinstance(cell, str) else cell[1] for cell in (row[index] for row in rows))]
            for index in range(len(header))
        ]
        set_widths(table, fitted_widths(columns, TEXT_WIDTH))
        keep_rows_whole(table)
        return table

    @staticmethod
    def _cell(cell, value, font_size: float) -> None:
        """A cell's text, or a link given as (url, text)."""
        paragraph = cell.paragraphs[0]
        if isinstance(value, tuple):
            url, text = value
            if href := safe_url(url):
                hyperlink(paragraph, href, text, size=font_size)
                return
            value = text
        add_run(paragraph, value, size=font_size)

    def photos(self, images: list[Image]) -> None:
        for image in images:
            width = min(Mm(150), Mm(image.width * 25.4 / 96))
            self.document.add_picture(io.BytesIO(image.content), width=width)
            keep_with_next(self.document.paragraphs[-1])
            self.paragraph(image.caption, italic=True, colour=GREY, size=9)

    # --- the parts of the report ------------------------------------------------------------------

    def cover(self) -> None:
        branding, event = self.context.branding, self.context.event
        logo = _logo_png(branding.logo, branding.logo_type)
        if logo:
            self.document.add_picture(io.BytesIO(logo), height=Mm(25))
        if branding.programme_name:
            self.paragraph(branding.programme_name, bold=True, colour=self.colour, size=11)
        self.paragraph()
        self.paragraph("EVENT REPORT", colour=GREY, size=10)
        title = self.document.add_paragraph(style="Title")
        add_run(title, event.title)
        if event.subtitle:
            self.paragraph(event.subtitle, size=13)
        self.paragraph(event.date_label, size=13)
        if event.place_label:
            self.paragraph(
                f"{event.place_label}, {event.country_name}" if event.country_name else event.place_label, size=13
            )
        if branding.organisation_name:
            self.paragraph()
            self.paragraph(branding.organisation_name, size=11)
        if self.context.options.get("generated_on"):
            self.paragraph(
                f"Generated on {self.context.generated_at}. Figures are computed from the registration "
                "and check-in records.",
                colour=GREY,
                size=9,
            )
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def contents_placeholder(self):
        self.paragraph("Table of contents", bold=True, colour=self.colour, size=16)
        return self.document.add_paragraph()  # the entries go before it once the headings are known

    def fill_contents(self, placeholder) -> None:
        """The TOC field, its result already written: one linked line per heading of levels 1-2."""
        entries = [(level, text, name) for level, text, name in self.headings if level <= 2]
        lines = []
        for index, (level, text, name) in enumerate(entries):
            line = self.document.add_paragraph()
            line.paragraph_format.left_indent = Mm(6 * (level - 1))
            line.paragraph_format.space_after = Pt(3)
            if index == 0:
                field_chars(line, 'TOC \\o "1-2" \\h \\z \\u')
            internal_link(line, name, text)
            lines.append(line)
        if lines:
            field_end(lines[-1])
        for line in lines:
            placeholder._p.addprevious(line._p)

    def session(self, item: SessionInfo, level: int) -> None:
        self.heading(item.title, level)
        meta = f"{item.starts}–{item.ends}" + (f" · {item.room}" if item.room else "")
        if item.attendance:
            meta += f" · {item.attendance} checked in"
        self.paragraph(meta, italic=True, colour=GREY, size=9)
        add_markdown(self.document, item.description)
        self.roles(item, ROLE_LABELS + (() if item.groups else GROUP_ROLES))
        add_markdown(self.document, item.notes)
        self.photos(item.images)
        self.points(item.key_points)
        for group in item.groups:
            self.heading(group.title, level + 1, listed=False)
            if group.facilitator and group.facilitator == group.rapporteur:
                people = f"Facilitator and rapporteur: {group.facilitator}"
            else:
                people = " · ".join(
                    part
                    for part in (
                        f"Facilitator: {group.facilitator}" if group.facilitator else "",
                        f"Rapporteur: {group.rapporteur}" if group.rapporteur else "",
                    )
                    if part
                )
            if group.members:
                people += (" · " if people else "") + f"{group.members} participant{'s' if group.members != 1 else ''}"
            if people:
                self.paragraph(people, italic=True, colour=GREY, size=9)
            add_markdown(self.document, group.theme)
            if group.notes:
                self.label("Rapporteur’s notes")
                add_markdown(self.document, group.notes)

    def roles(self, item: SessionInfo, labels, *, container=None, size: float | None = None) -> None:
        container = container or self.document
        for key, singular, plural in labels:
            people = item.roles[key]
            if not people:
                continue
            paragraph = container.add_paragraph()
            add_run(paragraph, f"{singular if len(people) == 1 else plural}: ", bold=True, size=size)
            add_run(
                paragraph,
                "; ".join(p.name + (f" ({p.affiliation})" if p.affiliation else "") for p in people),
                size=size,
            )

    def participation(self) -> None:
        stats, context = self.context.statistics, self.context
        self.heading("Participation", 1)
        countries, types = len(stats["countries"]), len(stats["organisation_types"])
        self.paragraph(
            f"In total, {stats['participants']} {'person' if stats['participants'] == 1 else 'people'} "
            f"{'attended' if stats['participants_basis'] == 'attended' else 'took part'}, including "
            f"{stats['project_representatives']} representative{'s' if stats['project_representatives'] != 1 else ''} of "
            f"{stats['projects_represented']} project{'s' if stats['projects_represented'] != 1 else ''}. They came from "
            f"{countries} {'country' if countries == 1 else 'countries'} and {types} "
            f"type{'s' if types != 1 else ''} of organisation."
        )
        if context.projects:
            self.heading("Projects represented", 2, listed=False)
            self.table(
                ["Project", "Title", "Web address", "People"],
                [
                    [p.acronym, p.title, (p.url, p.url) if p.url else "", str(p.representatives)]
                    for p in context.projects
                ],
            )
        add_markdown(self.document, context.narrative.participation_note)
        self.charts()

    def charts(self) -> None:
        """The two pies side by side in a borderless table, each with its caption under it."""
        charts = [self.context.charts["countries"], self.context.charts["organisation_types"]]
        table = self.document.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for number, (cell, chart) in enumerate(zip(table.rows[0].cells, charts, strict=False), start=1):
            paragraph = cell.paragraphs[0]
            if chart.slices:
                paragraph.add_run().add_picture(io.BytesIO(pie_png(chart.slices)), width=Mm(82))
            caption = cell.add_paragraph()
            add_run(caption, f"Figure {number}. ", bold=True, size=8.5)
            add_run(caption, chart.caption, colour=GREY, size=8.5)
        set_widths(table, [TEXT_WIDTH // 2, TEXT_WIDTH // 2])
        keep_rows_whole(table, header=False)

    def body(self) -> None:
        if not self.context.blocks:
            return
        self.heading("The workshop sessions", 1)
        for block in self.context.blocks:
            if block.kind == "part":
                part = block.part
                assert part is not None, "a part block has its part"
                self.heading(part.title, 2)
                add_markdown(self.document, part.introduction)
                self.points(part.key_points)
                for item in part.items:
                    self.session(item, 3)
            else:
                assert block.session is not None, "a session block has its session"
                self.session(block.session, 2)

    def closing(self) -> None:
        narrative = self.context.narrative
        if narrative.conclusions:
            self.heading("Conclusions", 1)
            for group in narrative.conclusions:
                self.heading(group["theme"], 2, listed=False)
                self.points(group["points"], label=None)
        if narrative.next_steps:
            self.heading("What’s next?", 1)
            for number, step in enumerate(narrative.next_steps, start=1):
                paragraph = self.paragraph(f"{number}. {step['date_label']} – {step['title']}", bold=True)
                keep_with_next(paragraph)
                add_markdown(self.document, step.get("description"))
                if href := safe_url(step.get("url")):
                    hyperlink(self.document.add_paragraph(), href, step["url"])
        if narrative.links:
            self.heading("Other relevant information", 1)
            for link in narrative.links:
                paragraph = self.document.add_paragraph(style="List Bullet")
                if href := safe_url(link["url"]):
                    hyperlink(paragraph, href, link["title"])
                else:
                    add_run(paragraph, link["title"])
        if narrative.contacts:
            self.heading("Contacts", 1)
            for number, contact in enumerate(narrative.contacts, start=1):
                paragraph = self.document.add_paragraph(style="List Bullet")
                paragraph.paragraph_format.keep_with_next = number < len(narrative.contacts)  # one block
                add_run(paragraph, contact["name"], bold=True)
                if contact.get("role"):
                    add_run(paragraph, f", {contact['role']}")
                if contact.get("email"):
                    add_run(paragraph, ": ")
                    hyperlink(paragraph, f"mailto:{contact['email']}", contact["email"])

    def appendices(self) -> None:
        context = self.context
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        self.heading("Appendix A – Agenda", 1)
        event = context.event
        self.paragraph(
            f"{event.title}: {event.date_label}, {event.time_label}"
            + (f", {event.place_label}" if event.place_label else "")
            + "."
        )
        table = self.table(["Time", "Agenda item"], [[f"{s.starts}–{s.ends}", s.title] for s in context.sessions])
        set_widths(table, [Mm(26), TEXT_WIDTH - Mm(26)])
        for row, item in zip(table.rows[1:], context.sessions, strict=False):
            cell = row.cells[1]
            for run in cell.paragraphs[0].runs:
                run.bold = True
            if item.room:
                add_run(cell.paragraphs[0], f" · {item.room}", italic=True, colour=GREY, size=8.5)
            self.roles(item, ROLE_LABELS + (() if item.groups else GROUP_ROLES), container=cell, size=8.5)
            for group in item.groups:
                add_run(
                    cell.add_paragraph(),
                    group.title + (f" – run by {group.facilitator}" if group.facilitator else ""),
                    size=8.5,
                )
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        self.heading("Appendix B – List of participants", 1)
        if context.unlisted_participants:
            listed = len(context.participants)
            self.paragraph(
                f"{listed} participant{'s' if listed != 1 else ''} agreed to be listed; "
                f"{context.unlisted_participants} more took part without being named here.",
                italic=True,
            )
        self.table(
            ["First name", "Last name", "Organisation", "Project", "Country"],
            [
                [p.first_name, p.last_name, p.organisation or "", p.project or "N/A", country_name(p.country)]
                for p in context.participants
            ],
            font_size=8.5,
        )

    def properties(self) -> None:
        core, branding = self.document.core_properties, self.context.branding
        now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
        core.title = clean(self.context.event.title)[:255]
        core.subject = "Event report"
        core.author = clean(branding.organisation_name or branding.programme_name or "")[:255]
        core.last_modified_by = core.author
        core.created = core.modified = now
        core.revision = 1
        core.comments = ""
        core.keywords = "event report"
        core.language = "en-GB"

    def write(self) -> bytes:
        context = self.context
        self.cover()
        placeholder = self.contents_placeholder()
        narrative = context.narrative
        if narrative.summary or narrative.key_messages:
            self.heading("Summary", 1)
            add_markdown(self.document, narrative.summary)
            self.points(narrative.key_messages, "Key messages")
        if narrative.introduction or context.introduction_images:
            self.heading("Introduction", 1)
            add_markdown(self.document, narrative.introduction)
            self.photos(context.introduction_images)
        self.participation()
        self.body()
        self.closing()
        self.appendices()
        if context.options.get("credit"):
            self.paragraph(
                "Report generated with Convene"
                + (f" on {context.generated_at}." if context.options.get("generated_on") else "."),
                colour=GREY,
                size=8.5,
            )
        self.fill_contents(placeholder)
        self.properties()
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _logo_png(logo: bytes | None, content_type: str | None) -> bytes | None:
    """The logo as a picture Word can place: a PNG as it is, an SVG drawn to PNG by CairoSVG (without
    access to any file or address: CairoSVG's default, and the SVG was checked on upload)."""
    if not logo:
        return None
    if content_type == "image/svg+xml":
        import cairosvg

        return cairosvg.svg2png(bytestring=logo, output_height=300, unsafe=False)
    return logo


def render_docx(context: ReportContext) -> bytes:
    return Writer(context).write()
