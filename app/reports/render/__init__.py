"""One entry point from (format, template, context) to the file's bytes, and the same in a child
process with a deadline and a memory limit: how reports are rendered outside the tests of the renderers."""

from __future__ import annotations

from app.core.isolation import preload, run_isolated
from app.reports.context import ReportContext
from app.reports.models import ReportFormat, TemplateKind
from app.reports.render.pdf import render_pdf
from app.reports.render.text import TemplateChoice, render_text

MEDIA_TYPES = {
    ReportFormat.html: "text/html; charset=utf-8",
    ReportFormat.pdf: "application/pdf",
    ReportFormat.docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ReportFormat.md: "text/markdown; charset=utf-8",
}

# The kind of template each format is made from (DOCX is built in code from the context).
TEMPLATE_KIND = {
    ReportFormat.html: TemplateKind.html,
    ReportFormat.pdf: TemplateKind.html,
    ReportFormat.md: TemplateKind.md,
}


def render_report(format: ReportFormat, choice: TemplateChoice, context: ReportContext) -> bytes:
    if format is ReportFormat.docx:
        # python-docx is heavy: loaded with its renderer on the first DOCX, so the server starts fast.
        from app.reports.render.docx import render_docx

        return render_docx(context)
    text = render_text(choice, TEMPLATE_KIND[format], context)
    if format is ReportFormat.pdf:
        return render_pdf(text)
    return text.encode("utf-8")


# The whole render of one report, the template, WeasyPrint or python-docx included.
RENDER_SECONDS = 120.0
# Imported once by the fork server the render children come from, not by each child.
preload("weasyprint", "docx", __name__, "app.reports.render.docx")


def render_isolated(format: ReportFormat, choice: TemplateChoice, context: ReportContext) -> bytes:
    """``render_report`` in a child process: past RENDER_SECONDS or the memory limit it is stopped
    (``RenderStopped``); a template's own error comes back as its ``TemplateProblem``."""
    return run_isolated(
        render_report,
        format,
        choice,
        context,
        seconds=RENDER_SECONDS,
        what=f"rendering the {format.value.upper()} report",
    )
