"""The event form: posted fields -> the API's ``EventCreate`` / ``EventUpdate``, and back.

Times are typed as the venue's local time (``datetime-local``), as the API reads times without
an offset. Every problem is collected as ``{field: message}`` for the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from app.core.timezones import in_zone, is_timezone
from app.events.models import Event
from app.events.schemas import EventCreate, EventUpdate
from app.registration.forms import validation_errors

TEXT_FIELDS = (
    "title",
    "slug",
    "subtitle",
    "description",
    "venue",
    "city",
    "country",
    "timezone",
    "topics",
    "capacity",
    "retention_days",
)
TIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")
FLAGS = ("requires_approval", "email_confirmation")
LABELS = {
    "title": "Title",
    "slug": "Short name in addresses",
    "subtitle": "Subtitle",
    "description": "Description",
    "starts_at": "Starts",
    "ends_at": "Ends",
    "timezone": "Time zone",
    "venue": "Venue",
    "city": "City",
    "country": "Country",
    "capacity": "Capacity",
    "registration_opens_at": "Registration opens",
    "registration_closes_at": "Registration closes",
    "requires_approval": "Approval",
    "email_confirmation": "Email confirmation",
    "topics": "Topics",
    "retention_days": "Keep personal data for",
    "published": "State",
}
_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


@lru_cache
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(name for name in available_timezones() if "/" in name and not name.startswith(("Etc/", "SystemV/")))
    return [(name, name.replace("_", " ")) for name in names]


@dataclass
class EventForm:
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    data: BaseModel | None = None
    retention_days: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.data is not None


def form_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {name: str(form.get(name) or "").strip() for name in (*TEXT_FIELDS, *TIME_FIELDS)}
    for name in FLAGS:
        values[name] = form.get(name) == "yes"
    values["published"] = str(form.get("published") or "no") == "yes"
    return values


def event_values(event: Event, retention_days: int | None) -> dict[str, Any]:
    """A stored event in the shape of ``form_values``: its times on the venue's clock."""
    values: dict[str, Any] = {
        name: "" if getattr(event, name) is None else str(getattr(event, name))
        for name in TEXT_FIELDS
        if name not in ("topics", "retention_days")
    }
    for name in TIME_FIELDS:
        moment = getattr(event, name)
        values[name] = in_zone(moment, event.timezone).strftime(_LOCAL_FORMAT) if moment else ""
    values.update({name: getattr(event, name) for name in FLAGS})
    values["published"] = getattr(event, "published", True)
    values["topics"] = "\n".join(event.topics or [])
    values["retention_days"] = "" if retention_days is None else str(retention_days)
    return values


def _payload(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    payload: dict[str, Any] = {
        name: values[name] or None
        for name in ("title", "slug", "subtitle", "description", "venue", "city", "country", "timezone")
    }
    for name in TIME_FIELDS:
        text = values[name]
        if not text:
            payload[name] = None
            continue
        try:
            payload[name] = datetime.strptime(text, _LOCAL_FORMAT)
        except ValueError:
            errors[name] = "give a date and time, such as 2030-06-20T09:00"
    payload["capacity"] = _whole_number(values["capacity"], "capacity", errors)
    payload["topics"] = [line.strip() for line in values["topics"].replace(",", "\n").splitlines() if line.strip()]
    payload.update({name: values[name] for name in FLAGS})
    if "published" in EventCreate.model_fields:
        payload["published"] = values["published"]
    if payload["timezone"] and not is_timezone(payload["timezone"]):
        errors["timezone"] = "choose a time zone from the list"
    return payload


def _whole_number(text: str, name: str, errors: dict[str, str]) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        errors[name] = "give a whole number, or leave it empty"
        return None


REQUIRED = ("title", "slug", "starts_at", "ends_at", "timezone")


def parse_event(form: FormData, *, update: bool) -> EventForm:
    values = form_values(form)
    parsed = EventForm(values=values)
    parsed.errors.update({name: "this field is required" for name in REQUIRED if not values[name]})
    payload = _payload(values, parsed.errors)
    parsed.retention_days = _whole_number(values["retention_days"], "retention_days", parsed.errors)
    try:
        data = (EventUpdate if update else EventCreate).model_validate(
            {key: value for key, value in payload.items() if key not in parsed.errors}
        )
    except ValidationError as error:
        parsed.errors = {**validation_errors(error), **parsed.errors}
        return parsed
    if not parsed.errors:
        parsed.data = data
    return parsed
