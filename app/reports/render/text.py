"""Text formats from Jinja templates: the built-in ones (trusted, in process) or an uploaded one (sandboxed)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.reports.context import ReportContext, as_template_data
from app.reports.filters import FILTERS
from app.reports.models import TemplateKind
from app.reports.sandbox import render_sandboxed

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"
DEFAULT_TEMPLATE = "thematic-workshop"
BUILTIN_TEMPLATES = (DEFAULT_TEMPLATE,)


@dataclass(frozen=True)
class TemplateChoice:
    """Which template renders a report: a built-in one (``source`` None) or an organiser's upload."""

    name: str
    source: str | None = None
    kind: TemplateKind | None = None  # an upload's kind; built-ins exist in both kinds


@lru_cache
def _builtin_environment(autoescape: bool) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR), autoescape=autoescape, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )
    environment.filters.update(FILTERS)
    return environment


def render_text(choice: TemplateChoice, kind: TemplateKind, context: ReportContext) -> str:
    autoescape = kind is TemplateKind.html
    if choice.source is None:
        template = _builtin_environment(autoescape).get_template(f"{choice.name}.{kind.value}.jinja")
        values = {item.name: getattr(context, item.name) for item in fields(context)}
        return template.render(**values, sections=context.sections)
    return render_sandboxed(choice.source, as_template_data(context), autoescape=autoescape)
