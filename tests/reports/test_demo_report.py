"""The demo workshop's report, read back in each format as a reader would get it: the 2018 figures, the
three parts of the day, Markdown rendered natively, both charts with legends, Appendix A with roles and
working groups, Appendix B with only those who consented."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import uuid
import zlib
from datetime import UTC, datetime, timedelta

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from markdown_it import MarkdownIt

from app.demo.loader import load_demo
from app.demo.report import generate_demo_reports
from app.reports.models import ReportStatus
from app.reports.statistics import event_statistics
from tests.conftest import missing_service

PARTS = [
    "Session one: presentations on cluster policy updates",
    "Session two: practitioner panel on clusters and interregional cooperation",
    "Session three: project partner working groups",
]
SECTIONS = [
    "Summary",
    "Introduction",
    "Participation",
    "The workshop sessions",
    "Conclusions",
    "What’s next?",
    "Other relevant information",
    "Contacts",
    "Appendix A – Agenda",
    "Appendix B – List of participants",
]


def demo_reports(db, client, organiser) -> dict[str, bytes]:
    with db.transaction() as session:
        event = load_demo(session).event
        reports = generate_demo_reports(session, event)
        assert all(report.status is ReportStatus.done for report in reports)
        ids = {report.format.value: report.id for report in reports}
    return {
        format: client.get(f"/api/v1/reports/{report_id}/download", headers=organiser).content
        for format, report_id in ids.items()
    }


def in_order(text: str, items: list[str]) -> bool:
    positions = [text.find(item) for item in items]
    return -1 not in positions and positions == sorted(positions)


def pdf_pages(content: bytes, tmp_path, *options: str) -> list[str]:
    if shutil.which("pdftotext") is None:
        missing_service("pdftotext (poppler-utils) reads the PDF back")
    path = tmp_path / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")[:-1]


def inflated(content: bytes) -> bytes:
    """The PDF with its compressed streams (where WeasyPrint puts the annotations) inflated."""
    parts = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        try:
            parts.append(zlib.decompressobj().decompress(stream))
        except zlib.error:
            continue  # not a deflated stream
    return b"\n".join(parts)


def lowest_text(content: bytes, tmp_path) -> list[float]:
    """Per page, how far down the body text goes (points from the top; the page number excluded)."""
    path = tmp_path / "bbox.pdf"
    path.write_bytes(content)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [
        max([float(y) for y in re.findall(r'yMax="([\d.]+)"', page) if float(y) < 790] or [0])
        for page in html.split("<page ")[1:]
    ]


def test_demo_figures(db):
    with db.transaction() as session:
        event = load_demo(session).event
        stats = event_statistics(session, event.id)
        assert (stats.participants, stats.project_representatives, len(stats.countries)) == (32, 16, 11)


def test_html_report_of_the_demo(db, client, organiser):
    html = demo_reports(db, client, organiser)["html"].decode()
    assert "In total, 32 people" in html and "13 September 2018" in html and "8-11 October 2018" in html
    assert in_order(html, [f">{title}</h2>" for title in SECTIONS])
    assert in_order(html, [f"<h3>{title}</h3>" for title in PARTS])
    assert "<strong>Research and innovation</strong>" in html and "<blockquote>" in html
    assert html.count("<svg") == 2 and 'class="charts"' in html
    assert "<strong>Speakers:</strong> Carsten Schierenbeck" in html  # roles in the part and in Appendix A
    assert "Clusters supporting and engaging SMEs – run by Luc Schmerber" in html
    assert 'src="data:image/svg+xml;base64,' in html and 'src="data:image/jpeg;base64,' in html
    assert not re.search(r'src="(?!data:)', html)  # nothing loaded from anywhere
    assert "Generated on" in html and "generated with Convene" not in html
    assert "Dahlöf" in html and "Fernández Terreros" in html


def test_pdf_report_of_the_demo(db, client, organiser, tmp_path):
    content = demo_reports(db, client, organiser)["pdf"]
    pages = pdf_pages(content, tmp_path)
    text = "\f".join(pages)
    assert in_order(text, [f"\n{title}\n" for title in SECTIONS[1:]])
    assert in_order(text, PARTS)
    charts_page = next(page for page in pages if "Figure 1." in page)
    assert "Figure 2." in charts_page and "Belgium" in charts_page and "Programme body" in charts_page
    appendix_a = next(page for page in pages if "Appendix A – Agenda" in page and "09:00–09:30" in page)
    assert "Speakers:" in appendix_a and "run by Luc Schmerber" in appendix_a
    assert "Seppo" in pages[-1] or "Seppo" in pages[-2]
    # links are real link annotations
    assert b"/URI (https://www.interregeurope.eu/policylearning/)" in inflated(content)
    # sections flow: no page is more than half empty but the cover, the last and those before an appendix
    starts_appendix = [index for index, page in enumerate(pages) if re.search(r"^Appendix [AB] –", page, re.M)]
    exempt = {0, len(pages) - 1, *(index - 1 for index in starts_appendix)}
    depths = lowest_text(content, tmp_path)
    assert [index for index, depth in enumerate(depths) if index not in exempt and depth < 842 / 2] == []
    assert 9 <= len(pages) <= 14


def test_docx_report_of_the_demo(db, client, organiser, tmp_path):
    content = demo_reports(db, client, organiser)["docx"]
    document = Document(io.BytesIO(content))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert "PAGE" in section.footer._element.xml
    assert "Update this field" not in document.element.xml and "TOC \\o" in document.element.xml
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == SECTIONS
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 2" and p.text in PARTS] == PARTS
    summary = next(p for p in document.paragraphs if p.text.startswith("On 20 June 2018"))
    assert any(run.bold and run.text == "Research and innovation" for run in summary.runs)
    links = document.element.body.findall(f".//{qn('w:hyperlink')}")
    targets = {rel.target_ref for rel in document.part.rels.values() if rel.reltype.endswith("/hyperlink")}
    assert len(links) > 20 and "https://www.interregeurope.eu/policylearning/" in targets
    assert all(
        row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
        for table in document.tables
        for row in table.rows
    )
    assert len(document.inline_shapes) == 4  # the logo, two pies with their legends, the photo
    properties = document.core_properties
    assert properties.author == "Interreg Europe Policy Learning Platform" and properties.title.startswith("Clusters")
    assert abs(properties.created.replace(tzinfo=UTC) - datetime.now(UTC)) < timedelta(hours=1)
    agenda = document.tables[-2]
    assert "Speakers: Carsten Schierenbeck" in agenda.rows[5].cells[1].text
    participants = document.tables[-1]
    assert len(participants.rows) == 1 + 32 and participants.rows[5].cells[1].text == "Dahlöf"

    if shutil.which("soffice") is None:
        missing_service("LibreOffice (soffice) opens the DOCX")
    path = tmp_path / "report.docx"
    path.write_bytes(content)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    pages = pdf_pages((tmp_path / "report.pdf").read_bytes(), tmp_path)
    assert 9 <= len(pages) <= 14
    text = "\f".join(pages)
    assert in_order(text, ["Table of contents", *SECTIONS[:3], PARTS[0], "Appendix B – List of participants"])
    assert "Figure 1." in text and "Dahlöf" in pages[-1]


def test_markdown_report_of_the_demo(db, client, organiser):
    markdown = demo_reports(db, client, organiser)["md"].decode()
    parsed = MarkdownIt("gfm-like").parse(markdown)
    headings = [
        (token.tag, parsed[index + 1].content) for index, token in enumerate(parsed) if token.type == "heading_open"
    ]
    assert [text for tag, text in headings if tag == "h2"] == SECTIONS
    assert [text for tag, text in headings if tag == "h3" and text in PARTS] == PARTS
    paragraphs = [parsed[index + 1].content for index, token in enumerate(parsed) if token.type == "paragraph_open"]
    role_lines = [p for p in paragraphs if re.match(r"\*\*(Speakers?|Panellists?|Moderator|Chairs?):\*\*", p)]
    assert role_lines and all("\n" not in line for line in role_lines)  # one role line per paragraph
    assert "**Speaker:** Annie Renders" in markdown and "**Speakers:** Carsten Schierenbeck" in markdown
    assert "; |" not in markdown and "CLUSTERIX 2.0" in markdown and "2\\.0" not in markdown
    html = MarkdownIt("gfm-like").render(markdown)
    assert '<a href="https://www.interregeurope.eu/policylearning/">' in html
    assert "<strong>Research and innovation</strong>" in html
    assert "| Carl Arvid | Dahlöf |" in markdown


def test_options_turn_the_generated_on_line_off_and_the_credit_on(client, organiser, db):
    with db.transaction() as session:
        event_id = load_demo(session).event.id
    for format in ("html", "md"):
        for options, generated, credit in (({}, True, False), ({"generated_on": False, "credit": True}, False, True)):
            body = client.post(
                f"/api/v1/events/{event_id}/reports", json={"format": format, "options": options}, headers=organiser
            ).json()
            text = client.get(body["download_url"], headers=organiser).text
            assert ("Generated on" in text) is generated and ("generated with Convene" in text) is credit
