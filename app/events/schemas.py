"""Request and response shapes for events. Times without an offset are read in the event's zone.

EventBase declares each input field once; EventRead is separate on purpose, looser than the input
checks, so that rows stored before a check was tightened still serialise."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field

from app.core.config import Settings
from app.core.fields import CountryCode, LongText, ShortText, Slug, TimeZoneName
from app.core.patch import Patch, unchanged
from app.core.timezones import in_zone
from app.core.types import utcnow
from app.events.models import Event
from app.events.retention import anonymise_after, retention_days, retention_ends_at, valid_notice_at

EventTitle = Annotated[str, Field(min_length=1, max_length=300)]
Capacity = Annotated[int, Field(ge=0, le=1_000_000)]
Topic = Annotated[str, Field(min_length=1, max_length=100)]
Topics = Annotated[list[Topic], Field(max_length=50)]
RetentionDays = Annotated[int, Field(ge=0, le=36500)]
CONTACT_EMAIL = (
    "where Convene's notices about the event go (retention, registrations awaiting approval); "
    "null: the installation's CONVENE_ORGANISER_EMAIL"
)
RETENTION_DAYS = (
    "days after the event's end before its participants are anonymised; null: the installation's "
    "default (CONVENE_RETENTION_DAYS)"
)


def _not_an_id(value: str) -> str:
    if value.isdigit():
        raise ValueError("a slug of digits alone would read as an event id: add a word (for example workshop-2030)")
    return value


# Events are named by id or slug in addresses and commands, so a slug is never digits alone.
EventSlug = Annotated[Slug, AfterValidator(_not_an_id)]

_EXAMPLE: dict[str, Any] = {
    "slug": "clusters-workshop-2018",
    "title": "Clusters as drivers of regional innovation, SME competitiveness and interregional cooperation",
    "starts_at": "2018-06-20T09:00:00+02:00",
    "ends_at": "2018-06-20T17:00:00+02:00",
    "timezone": "Europe/Brussels",
    "venue": "VAC Dirk Bouts",
    "city": "Leuven",
    "country": "BE",
    "capacity": 40,
    "requires_approval": False,
    "email_confirmation": True,
}


class EventBase(BaseModel):
    """An event's fields as a new event gives them; EventUpdate makes each one optional."""

    model_config = ConfigDict(extra="forbid")

    slug: EventSlug = Field(description="lower-case words joined by hyphens; used in public addresses")
    title: EventTitle
    subtitle: Annotated[str, Field(max_length=300)] | None = None
    description: LongText | None = None
    starts_at: datetime
    ends_at: datetime
    timezone: TimeZoneName = Field(description="IANA time zone of the venue, e.g. Europe/Brussels")
    venue: ShortText | None = None
    city: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    country: CountryCode | None = None
    capacity: Capacity | None = Field(default=None, description="null = unlimited")
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    requires_approval: bool = False
    email_confirmation: bool = False
    topics: Topics = []
    organised_by: ShortText | None = Field(
        default=None, description="who organises the event, printed on certificates of attendance as their issuer"
    )
    published: bool = Field(
        default=True, description=("false: a draft, with no public pages and no registrations until it is published")
    )
    contact_email: EmailStr | None = Field(default=None, description=CONTACT_EMAIL)
    retention_days: RetentionDays | None = Field(default=None, description=RETENTION_DAYS)


class EventCreate(EventBase):
    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})


class EventUpdate(Patch, EventBase):
    slug: EventSlug = unchanged()
    title: EventTitle = unchanged()
    starts_at: datetime = unchanged()
    ends_at: datetime = unchanged()
    timezone: TimeZoneName = unchanged()
    requires_approval: bool = unchanged()
    email_confirmation: bool = unchanged()
    topics: Topics = unchanged()
    published: bool = unchanged(description="true publishes a draft; false takes the event offline")


class RetentionSummary(BaseModel):
    """When the event's participants are anonymised, as things stand now."""

    days: int = Field(description="days after the event's end (the event's own period, or the default)")
    default: bool = Field(description="true when the installation's default period applies")
    ends_at: datetime = Field(description="when the retention period ends: the organisers are then told")
    notice_sent_at: datetime | None = Field(description="when the organisers were told it had ended")
    anonymise_after: datetime = Field(
        description="the earliest moment the worker anonymises the participants: a grace period after the notice"
    )

    @classmethod
    def of(cls, event: Event, settings: Settings) -> RetentionSummary:
        notice = valid_notice_at(event, settings)
        return cls(
            days=retention_days(event, settings),
            default=event.retention_days is None,
            ends_at=in_zone(retention_ends_at(event, settings), event.timezone),
            notice_sent_at=in_zone(notice, event.timezone) if notice else None,
            anonymise_after=in_zone(anonymise_after(event, settings, utcnow()), event.timezone),
        )


class EventRead(BaseModel):
    id: int
    slug: str
    title: str
    subtitle: str | None
    description: str | None
    starts_at: datetime
    ends_at: datetime
    timezone: str
    venue: str | None
    city: str | None
    country: str | None
    capacity: int | None
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    requires_approval: bool
    email_confirmation: bool
    topics: list[str]
    organised_by: str | None
    published: bool
    contact_email: str | None
    retention: RetentionSummary

    @classmethod
    def of(cls, event: Event, settings: Settings) -> EventRead:
        """The event with its times shown in its own zone."""

        def local(value: datetime | None) -> datetime | None:
            return in_zone(value, event.timezone) if value else None

        data = {name: getattr(event, name) for name in cls.model_fields if name != "retention"}
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            data[name] = local(data[name])
        return cls(**data, retention=RetentionSummary.of(event, settings))
