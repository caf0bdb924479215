"""When an event's participants are anonymised: the retention period, the notice, the grace period.

Pure functions of the event's fields and the settings. The rule: once the retention period after
the event's end has passed, the organisers are told (``retention_notice_at``); only a grace period
after that notice is the data anonymised. An event created or imported after its retention date
therefore gets its notice and its grace period then, not an immediate erasure. A notice counts only
if it was sent after the retention end it announced: moving the event or lengthening the period
makes a new notice due when the new end passes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.core.config import Settings
from app.events.models import Event


def retention_days(event: Event, settings: Settings) -> int:
    """The event's own period, else the installation's default (``CONVENE_RETENTION_DAYS``)."""
    return event.retention_days if event.retention_days is not None else settings.retention_days


def retention_ends_at(event: Event, settings: Settings) -> datetime:
    return event.ends_at + timedelta(days=retention_days(event, settings))


def valid_notice_at(event: Event, settings: Settings) -> datetime | None:
    """When the organisers were told of the retention end that applies now, or None."""
    notice = event.retention_notice_at
    return notice if notice is not None and notice >= retention_ends_at(event, settings) else None


def notice_due(event: Event, settings: Settings, now: datetime) -> bool:
    return retention_ends_at(event, settings) <= now and valid_notice_at(event, settings) is None


def anonymise_after(event: Event, settings: Settings, now: datetime) -> datetime:
    """The earliest moment the participants may be anonymised, as things stand at ``now``."""
    grace = timedelta(days=settings.retention_grace_days)
    notice = valid_notice_at(event, settings)
    if notice is not None:
        return notice + grace
    return max(retention_ends_at(event, settings), now) + grace


def anonymisation_due(event: Event, settings: Settings, now: datetime) -> bool:
    notice = valid_notice_at(event, settings)
    return notice is not None and notice + timedelta(days=settings.retention_grace_days) <= now
