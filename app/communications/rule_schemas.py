"""The scheduled rules' API shapes.

RuleCreate and RuleUpdate share each field's type (the aliases) but not its declaration: a field left
out of a new rule is the template's, left out of an update it keeps the rule's value."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from app.communications.mailing_schemas import Audience, Body, Subject
from app.communications.rule_templates import Anchor
from app.core.fields import WallClockTime
from app.core.patch import Patch, unchanged

MAX_OFFSET = 365
RuleName = Annotated[str, Field(min_length=1, max_length=120)]
OffsetDays = Annotated[int, Field(ge=-MAX_OFFSET, le=MAX_OFFSET)]
RuleState = Literal["scheduled", "sent", "missed", "disabled"]


class RuleCreate(BaseModel):
    """A rule from a template (``GET /rule-templates``); every other field, given, replaces the template's."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"template": "reminder"},
                {"template": "thank_you", "link": "https://example.org/slides"},
                {"template": "practical", "offset_days": -3, "time": "08:30"},
            ]
        },
    )

    template: str = Field(max_length=40)
    link: HttpUrl | None = None  # for a template that asks for one (the thank-you's slides)
    name: RuleName | None = None
    subject: Subject | None = None
    body: Body | None = None
    to: Audience | None = None
    anchor: Anchor | None = None
    offset_days: OffsetDays | None = None
    time: WallClockTime | None = None
    enabled: bool = True


class RuleUpdate(Patch):
    """Any field left out keeps its value. A rule that has run cannot be changed (409)."""

    name: RuleName = unchanged()
    subject: Subject = unchanged()
    body: Body = unchanged()
    to: Audience = unchanged()
    anchor: Anchor = unchanged()
    offset_days: OffsetDays = unchanged()
    time: WallClockTime = unchanged()
    enabled: bool = unchanged()


class RuleRead(BaseModel):
    id: int
    template: str
    name: str
    subject: str
    body: str
    to: Audience
    anchor: Anchor
    offset_days: int
    time: WallClockTime
    enabled: bool
    state: RuleState  # scheduled (waits for due_at), sent, missed (due before it was set up), disabled
    due_at: dt.datetime
    ran_at: dt.datetime | None
    mailing_id: int | None  # the mailing it sent (GET .../mailings/{id}: who received it)
    recipients: int
    outcome: str | None  # why a rule that ran sent nothing


class RuleTemplateRead(BaseModel):
    key: str
    name: str
    description: str
    subject: str
    body: str
    to: Audience
    anchor: Anchor
    offset_days: int
    time: WallClockTime
    link_label: str | None  # it asks for ``link`` (where the body says ``{link}``)
