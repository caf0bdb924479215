"""Organisers' own report templates, rendered in Jinja2's immutable sandbox.

The sandbox refuses unsafe attributes (``__class__``, ``mro``...) and methods that change data;
the environment has no loader, so ``include``/``extends``/``import`` cannot read any file, and the
data is plain dicts and lists. What the sandbox cannot bound is time and memory: a template may
loop for ever. The whole render of a report (this template, then WeasyPrint) therefore runs in a
child process with a deadline and an address-space limit (``app.core.isolation``).
"""

from __future__ import annotations

from types import TracebackType

from jinja2 import StrictUndefined, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.reports.filters import FILTERS

TEMPLATE_FILENAME = "<template>"


class TemplateProblem(Exception):
    """A template that does not parse or does not render; ``line`` is in the template's source."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message, line)  # both in args: the problem crosses the child's pipe whole
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


def sandbox_environment(*, autoescape: bool) -> ImmutableSandboxedEnvironment:
    environment = ImmutableSandboxedEnvironment(
        autoescape=autoescape, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    environment.filters.update(FILTERS)
    return environment


def check_syntax(source: str) -> None:
    """Raise TemplateProblem with the line number if ``source`` is not a valid template."""
    try:
        sandbox_environment(autoescape=True).parse(source)
    except TemplateSyntaxError as error:
        raise TemplateProblem(error.message or "syntax error", error.lineno) from None


def _template_line(traceback: TracebackType | None) -> int | None:
    """The template line where rendering failed (Jinja maps its frames back to the source)."""
    line = None
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == TEMPLATE_FILENAME:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def render_sandboxed(source: str, data: dict, *, autoescape: bool) -> str:
    """Render an uploaded template against plain ``data``; raise TemplateProblem on any failure.

    The sandbox bounds what a template may touch, not how long it runs or how much it allocates:
    this runs only inside the report's child process (``render.render_isolated``), which has both limits."""
    check_syntax(source)
    try:
        return sandbox_environment(autoescape=autoescape).from_string(source).render(data)
    except Exception as error:  # any failure of the organiser's template is reported, with its line
        raise TemplateProblem(f"{type(error).__name__}: {error}", _template_line(error.__traceback__)) from None
