"""Request shapes for copying an event."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.events.schemas import EventSlug


class EventClone(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"slug": "clusters-workshop-2019", "title": "Clusters workshop 2019", "starts_on": "2019-06-19"}
            ]
        },
    )

    slug: EventSlug = Field(description="the new event's slug")
    title: Annotated[str, Field(min_length=1, max_length=300)]
    starts_on: date = Field(description="the new event's first day; every session keeps its time of day at the venue")
