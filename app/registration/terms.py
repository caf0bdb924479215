"""The conditions of registering that the public pages state: approval, and when registration closes."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from babel.dates import format_datetime, get_timezone_name

from app.core.timezones import in_zone
from app.events.models import Event


def registration_terms(event: Event) -> list[str]:
    """Sentences for the event page and the form, the closing time on the venue's clock in words."""
    terms = []
    if event.requires_approval:
        terms.append(
            "Registration requires the organisers' approval: they confirm your place by email after you register."
        )
    closes = in_zone(event.registration_closes_at or event.ends_at, event.timezone)
    when = format_datetime(closes, "EEEE d MMMM y 'at' HH:mm", tzinfo=ZoneInfo(event.timezone), locale="en_GB")
    terms.append(f"Registration closes on {when} ({get_timezone_name(closes, locale='en_GB')}).")
    return terms
