"""One Jinja environment for the HTML pages: autoescape on, undefined names are errors."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.dates import format_date, format_time
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.core.countries import country_name

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"


@lru_cache
def page_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["country_name"] = country_name
    env.filters["long_date"] = lambda value: format_date(value, format="long", locale="en_GB")
    env.filters["hhmm"] = lambda value: format_time(value, format="HH:mm", locale="en_GB")
    return env


def render_page(name: str, **context) -> str:
    return page_environment().get_template(name).render(**context)
