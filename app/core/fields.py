"""Annotated field types shared by the request schemas; their errors name the field (422)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated
from urllib.parse import urlsplit

from annotated_types import Ge, Le
from pydantic import AfterValidator, BeforeValidator, StringConstraints, WithJsonSchema

from app.core.countries import is_country_code
from app.core.edge import control_character_message
from app.core.timezones import is_timezone

# Ids are 32-bit integer columns on PostgreSQL: a larger one can name nothing, and would be the
# database's error (a 500) rather than the client's. Offsets are bounded alike.
MAX_ID = 2**31 - 1
Id = Annotated[int, Ge(1), Le(MAX_ID)]
Offset = Annotated[int, Ge(0), Le(MAX_ID)]

_LINE_BREAKS = re.compile(r"[\t\n\r]")
# Characters RFC 3986 never allows raw in a URL: a "URL" holding one is markup in disguise.
_NOT_IN_URLS = re.compile(r"[\s<>\"`{}|\\^\x00-\x1f\x7f]")


def _country(value: str) -> str:
    if not is_country_code(value):
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (for example BE, FR, DE)")
    return value


def _timezone(value: str) -> str:
    if not is_timezone(value):
        raise ValueError(f"{value!r} is not an IANA time zone (for example Europe/Brussels)")
    return value


def _text(value: str) -> str:
    """Long text: tabs and line breaks are fine, other control characters are not."""
    message = control_character_message(value)
    if message:
        raise ValueError(message)
    return value


def _line(value: str) -> str:
    """One line of text: no control characters at all, tabs and line breaks included."""
    found = _LINE_BREAKS.search(value)
    if found:
        raise ValueError(f"must be one line: it contains the control character U+{ord(found.group()):04X}")
    return _text(value)


def _url(value: str) -> str:
    if _NOT_IN_URLS.search(value):
        raise ValueError("is not a URL: spaces, double quotes, <, > and control characters must be percent-encoded")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError as error:
        raise ValueError(f"is not a URL ({error})") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ValueError("must be an http:// or https:// address with a host name")
    return value


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


CountryCode = Annotated[
    str, BeforeValidator(_upper), StringConstraints(min_length=2, max_length=2), AfterValidator(_country)
]
TimeZoneName = Annotated[str, StringConstraints(max_length=64), AfterValidator(_timezone)]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_line)
]
LongText = Annotated[str, StringConstraints(max_length=20000), AfterValidator(_text)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=2, max_length=80)]
Url = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^https?://\S+$"), AfterValidator(_url)
]


def parse_count(text: str) -> int | None:
    """A whole number typed in a form (ASCII digits, at most nine), else None: "²" or "١٢" are
    digits to ``str.isdigit`` but not to ``int``."""
    text = text.strip()
    return int(text) if 0 < len(text) <= 9 and text.isascii() and text.isdigit() else None


def parse_id(text: str) -> int | None:
    """An id posted in a form (ASCII digits naming a possible row), else None: words, signs, other
    scripts' digits and numbers past ``MAX_ID`` name no row."""
    text = text.strip()
    if 0 < len(text) <= 10 and text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        return int(text)
    return None


def _without_offset(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError("a time on the event's clock, without an offset (for example 09:00)")
    return value


# A time of day at the venue (HH:MM, seconds allowed). JSON Schema's "time" format is RFC 3339's
# full-time, which requires an offset, so a validator checking answers would refuse "09:00:00".
WallClockTime = Annotated[
    dt.time,
    AfterValidator(_without_offset),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$",
            "description": "a time on the event's clock, HH:MM",
        }
    ),
]
