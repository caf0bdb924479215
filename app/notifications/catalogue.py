"""The email templates in ``email_templates/``: one Jinja file per message with ``subject``,
``text`` and ``html`` blocks, rendered with autoescape (HTML) and StrictUndefined."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "email_templates"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@lru_cache
def _environment(autoescape: bool) -> Environment:
    # The plain-text part and the subject must not be HTML-escaped ("R&D", not "R&amp;D"),
    # so they come from an environment without autoescape; the HTML part from one with it.
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def check_template(name: str) -> None:
    """Fail at queue time, in the request, for a template that does not exist."""
    if not (TEMPLATE_DIR / f"{name}.jinja").is_file():
        raise LookupError(f"no email template {name!r} in {TEMPLATE_DIR}")


def _block(name: str, block: str, context: dict, *, autoescape: bool) -> str:
    template = _environment(autoescape).get_template(f"{name}.jinja")
    return "".join(template.blocks[block](template.new_context(context))).strip()


def render_email(name: str, context: dict) -> RenderedEmail:
    return RenderedEmail(
        subject=" ".join(_block(name, "subject", context, autoescape=False).split()),
        text=_block(name, "text", context, autoescape=False) + "\n",
        html=_block(name, "html", context, autoescape=True),
    )
