"""Text formats from Jinja templates: the built-in ones (trusted, in process) or an uploaded one (sandboxed)."""

from __future__ import annotations

import re
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
_BLANK_RUNS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
BUILTIN_TEMPLATES = (DEFAULT_TEMPLATE,)


@dataclass(frozen=True)
class TemplateChoice:
    """Which template renders a report: a built-in one (``source`` None) or an organiser's upload."""

    name: str
    source: str | None = None
    kind: TemplateKind | None = None  # an upload's kind; built-ins exist in both kinds


def _tidy_markdown(text: str) -> str:
    """One blank line between blocks, whatever the template's conditionals left (GFM ignores more, but a
    reader of the source should not see holes)."""
    return _BLANK_RUNS.sub("\n\n", text).strip() + "\n"


@lru_cache
def _builtin_environment(autoescape: bool) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(FILTERS)
    return environment


def render_text(choice: TemplateChoice, kind: TemplateKind, context: ReportContext) -> str:
    autoescape = kind is TemplateKind.html
    if choice.source is None:
        template = _builtin_environment(autoescape).get_template(f"{choice.name}.{kind.value}.jinja")
        values = {item.name: getattr(context, item.name) for item in fields(context)}
        text = template.render(**values, sections=context.sections, blocks=context.blocks)
        return _tidy_markdown(text) if kind is TemplateKind.md else text
    return render_sandboxed(choice.source, as_template_data(context), autoescape=autoescape)
