"""Request and response shapes for organisations, projects and people."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, StringConstraints

from app.core.fields import CountryCode, ShortText, Url
from app.core.patch import Patch, unchanged
from app.directory.models import OrganisationType

Acronym = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "Flanders Innovation & Entrepreneurship", "type": "agency", "country": "BE"}]
        },
    )
    name: ShortText
    type: OrganisationType = OrganisationType.other
    country: CountryCode | None = None


class OrganisationUpdate(Patch):
    name: ShortText = unchanged()
    type: OrganisationType = unchanged()
    country: CountryCode | None = None


class OrganisationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    type: OrganisationType
    country: str | None


class ProjectCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "acronym": "CLUSTERS3",
                    "title": "Leveraging cluster policies for successful implementation of RIS3",
                    "url": "https://www.interregeurope.eu/clusters3",
                    "programme": "Interreg Europe",
                    "topic": "Research and innovation",
                }
            ]
        },
    )
    acronym: Acronym
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    url: Url | None = None
    programme: ShortText | None = None
    topic: ShortText | None = None


class ProjectUpdate(Patch):
    acronym: Acronym = unchanged()
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] = unchanged()
    url: Url | None = None
    programme: ShortText | None = None
    topic: ShortText | None = None


class ProjectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    acronym: str
    title: str
    url: str | None
    programme: str | None
    topic: str | None


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class PersonCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "first_name": "Annie",
                    "last_name": "Renders",
                    "job_title": "Head of unit",
                    "organisation": "Flanders Innovation & Entrepreneurship",
                    "country": "BE",
                }
            ]
        },
    )
    first_name: Name
    last_name: Name
    email: EmailStr | None = None
    job_title: ShortText | None = None
    organisation: ShortText | None = None
    country: CountryCode | None = None


class PersonUpdate(Patch):
    first_name: Name = unchanged()
    last_name: Name = unchanged()
    email: EmailStr | None = None
    job_title: ShortText | None = None
    organisation: ShortText | None = None
    country: CountryCode | None = None


class PersonRead(BaseModel):
    id: int
    first_name: str
    last_name: str
    email: str | None
    job_title: str | None
    organisation: str | None
    country: str | None
