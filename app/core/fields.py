"""Annotated field types shared by the request schemas; their errors name the field (422)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, StringConstraints

from app.core.countries import is_country_code
from app.core.timezones import is_timezone


def _country(value: str) -> str:
    if not is_country_code(value):
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (for example BE, FR, DE)")
    return value


def _timezone(value: str) -> str:
    if not is_timezone(value):
        raise ValueError(f"{value!r} is not an IANA time zone (for example Europe/Brussels)")
    return value


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


CountryCode = Annotated[str, BeforeValidator(_upper), StringConstraints(min_length=2, max_length=2), AfterValidator(_country)]
TimeZoneName = Annotated[str, StringConstraints(max_length=64), AfterValidator(_timezone)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=20000)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=2, max_length=80)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^https?://\S+$")]
