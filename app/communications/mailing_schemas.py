"""The mailings' API shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.directory.models import OrganisationType
from app.registration.models import RegistrationStatus

# The texts of an email, with placeholders: a mailing's, a rule's, a message's.
Subject = Annotated[str, Field(min_length=1, max_length=300)]  # one line
Body = Annotated[str, Field(min_length=1, max_length=20_000)]  # Markdown


class Audience(BaseModel):
    """Who gets a mailing: the participants matching every filter given (within a filter, any of
    its values). Without ``status``, the confirmed participants."""

    model_config = ConfigDict(extra="forbid")

    status: list[RegistrationStatus] = Field(default_factory=lambda: [RegistrationStatus.confirmed], max_length=10)
    attendance: Literal["checked_in", "no_show"] | None = None
    groups: list[int] = Field(default_factory=list, max_length=1000)  # breakout group ids of the event
    projects: list[int] = Field(default_factory=list, max_length=1000)
    countries: list[str] = Field(default_factory=list, max_length=300)  # ISO 3166 alpha-2
    organisation_types: list[OrganisationType] = Field(default_factory=list, max_length=50)
    registrations: list[int] = Field(default_factory=list, max_length=10_000)  # hand-picked registration ids


class MailingWrite(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "subject": "Thank you for coming to {{ event.title }}",
                    "body": "Dear {{ participant.first_name }},\n\nThe slides are online.\n\n[Your page]({{ links.manage }})\n",
                    "to": {"status": ["confirmed"], "attendance": "checked_in"},
                }
            ]
        },
    )

    subject: Subject
    body: Body
    to: Audience = Field(default_factory=Audience)
    send_at: datetime | None = None  # with a time zone; in the future; None: now


class MailingPreview(BaseModel):
    count: int  # the participants it would be sent to
    skipped: int  # those the filters pick who unsubscribed from the organisers' messages: not sent
    sample: str  # the name of the first recipient, whom the rendered email is for
    subject: str  # rendered for the first recipient
    text: str
    html: str


class MailingRead(BaseModel):
    id: int
    subject: str
    body: str
    to: Audience
    status: Literal["scheduled", "sent"]
    recipients: int
    skipped: int  # participants the filters picked who had unsubscribed, not sent; 0 until sent
    send_at: datetime | None
    sent_at: datetime | None
    created_at: datetime


class Recipient(BaseModel):
    registration_id: int
    email: str
    first_name: str
    last_name: str


class MailingDetail(MailingRead):
    sent_to: list[Recipient]
