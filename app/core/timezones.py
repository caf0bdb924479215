"""IANA time zones: validation and conversion of naive input to aware times."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones


@lru_cache
def _known() -> frozenset[str]:
    return frozenset(available_timezones())


def is_timezone(name: str) -> bool:
    return name in _known()


def in_zone(value: datetime, zone: str) -> datetime:
    """``value`` as an aware time in ``zone``; naive input is read as local time there."""
    tz = ZoneInfo(zone)
    if value.tzinfo is None:
        return value.replace(tzinfo=tz)
    return value.astimezone(tz)
