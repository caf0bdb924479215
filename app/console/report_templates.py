"""Organisers' own report templates in the console: upload (a file or pasted source), list, delete,
and the documented context they are rendered with. A template belongs to whoever uploaded it: an
organiser sees their own and the built-in ones, an admin every one. A template that does not parse is refused with
the parser's message, and its source is shown again with the faulty line marked."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from app.console.access import OrganiserViewer, Viewer
from app.console.imports import UploadDep
from app.console.screen import FormDep, Screen, ScreenDep, text
from app.core.deps import SessionDep, TransactionRoute
from app.core.errors import AppError
from app.core.pagination import MAX_LIMIT, Window
from app.registration.forms import validation_errors
from app.reports import service
from app.reports.models import TemplateKind
from app.reports.render.text import BUILTIN_TEMPLATES
from app.reports.schemas import TemplateCreate

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)

BASE = "/manage/report-templates"
CONTEXT_DOC = Path(__file__).resolve().parents[2] / "docs" / "report-context.md"
LABELS = {"name": "Name", "kind": "Makes", "file": "Template file", "source": "Template source"}
KINDS = [(TemplateKind.html.value, "HTML: the web page and PDF formats"), (TemplateKind.md.value, "Markdown")]
MAX_SOURCE = 200_000


def _page(
    screen: Screen,
    session: Session,
    viewer: Viewer,
    *,
    values: dict,
    errors: dict,
    line: int | None = None,
    status: int = 200,
) -> HTMLResponse:
    templates, _ = service.list_templates(session, Window(limit=MAX_LIMIT), principal=viewer.principal)
    return screen.render(
        "console/report_templates.html",
        status=status,
        viewer=viewer,
        templates=templates,
        builtins=BUILTIN_TEMPLATES,
        values=values,
        errors=errors,
        labels=LABELS,
        kinds=KINDS,
        line=line,
        base=BASE,
    )


@router.get(BASE, response_class=HTMLResponse)
def templates_page(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer):
    return _page(screen, session, viewer, values={"name": "", "kind": TemplateKind.html.value, "source": ""}, errors={})


async def _source(form) -> str:
    """The uploaded file's text, else the pasted source."""
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        content = await upload.read(MAX_SOURCE * 4 + 1)
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            raise AppError("the file is not UTF-8 text", field="file") from None
    return str(form.get("source") or "")


@router.post(BASE, response_class=HTMLResponse)
async def upload_template(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, form: UploadDep):
    values = {"name": text(form, "name"), "kind": text(form, "kind"), "source": ""}
    errors: dict[str, str] = {}
    line = None
    try:
        values["source"] = await _source(form)
        data = TemplateCreate(name=values["name"], kind=values["kind"], source=values["source"])
        with session.begin_nested():
            template = service.create_template(session, data, principal=viewer.principal)
    except ValidationError as error:
        errors = validation_errors(error)
    except AppError as error:
        errors = {error.field or "source": error.detail}
        line = error.extra.get("line")
    else:
        return screen.redirect(BASE, f"Uploaded the template “{template.name}”: choose it on an event's report screen.")
    return _page(screen, session, viewer, values=values, errors=errors, line=line, status=422)


@router.post(BASE + "/{template_id}/delete")
def delete_template(template_id: int, screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, form: FormDep):
    template = service.get_template(session, template_id, principal=viewer.principal)
    service.delete_template(session, template)
    return screen.redirect(BASE, f"Deleted the template “{template.name}” (reports made with it are kept).")


@lru_cache
def _context_doc() -> Markup:
    """docs/report-context.md as a page: our own text, rendered once (raw HTML off all the same)."""
    return Markup(MarkdownIt("commonmark", {"html": False}).enable("table").render(CONTEXT_DOC.read_text("utf-8")))


@router.get(BASE + "/context", response_class=HTMLResponse)
def context_page(screen: ScreenDep, viewer: OrganiserViewer):
    return screen.render("console/report_context.html", viewer=viewer, document=_context_doc())
