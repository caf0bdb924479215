"""Organisers' own report templates, rendered in Jinja2's immutable sandbox inside a child process.

The sandbox refuses unsafe attributes (``__class__``, ``mro``...) and methods that change data;
the environment has no loader, so ``include``/``extends``/``import`` cannot read any file, and the
data is plain dicts and lists. What the sandbox cannot bound is time and memory: a template may
loop for ever. So rendering happens in a fresh (spawned) process with an address-space limit,
and is killed at a deadline.
"""

from __future__ import annotations

import multiprocessing
import resource
from types import TracebackType

from jinja2 import StrictUndefined, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.reports.filters import FILTERS

RENDER_SECONDS = 20.0
MEMORY_LIMIT = 1024 * 1024 * 1024
TEMPLATE_FILENAME = "<template>"


class TemplateProblem(Exception):
    """A template that does not parse or does not render; ``line`` is in the template's source."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
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


def _render_in_child(source: str, data: dict, autoescape: bool, connection) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    try:
        text = sandbox_environment(autoescape=autoescape).from_string(source).render(data)
        connection.send(("ok", text, None))
    except Exception as error:  # any failure of the organiser's template is reported, with its line
        connection.send(("error", f"{type(error).__name__}: {error}", _template_line(error.__traceback__)))
    finally:
        connection.close()


def render_sandboxed(source: str, data: dict, *, autoescape: bool, timeout: float | None = None) -> str:
    """Render an uploaded template against plain ``data``; raise TemplateProblem on any failure."""
    timeout = timeout or RENDER_SECONDS
    check_syntax(source)
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_render_in_child, args=(source, data, autoescape, sender), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise TemplateProblem(f"the template took longer than {timeout:g} s to render and was stopped")
        status, value, line = receiver.recv()
    except EOFError:
        raise TemplateProblem("the template used too much memory and was stopped") from None
    finally:
        receiver.close()
        process.kill()
        process.join()
    if status != "ok":
        raise TemplateProblem(value, line)
    return value
