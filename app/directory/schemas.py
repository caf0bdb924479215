"""Request and response shapes for organisations, projects and people.

Each XBase declares a resource's input fields once, as XCreate takes them; XUpdate makes the
required ones optional (`unchanged()`). XRead is separate on purpose, looser than the input checks,
so that rows stored before a check was tightened still serialise."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, StringConstraints

from app.core.fields import CountryCode, ShortText, Url
from app.core.patch import Patch, unchanged
from app.directory.models import OrganisationType

Acronym = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
ProjectTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class OrganisationBase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ShortText
    type: OrganisationType = OrganisationType.other
    country: CountryCode | None = None


class OrganisationCreate(OrganisationBase):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "Flanders Innovation & Entrepreneurship", "type": "agency", "country": "BE"}]
        },
    )


class OrganisationUpdate(Patch, OrganisationBase):
    name: ShortText = unchanged()
    type: OrganisationType = unchanged()


class OrganisationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    type: OrganisationType
    country: str | None


class ProjectBase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    acronym: Acronym
    title: ProjectTitle
    url: Url | None = None
    programme: ShortText | None = None
    topic: ShortText | None = None


class ProjectCreate(ProjectBase):
    model_config = ConfigDict(
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


class ProjectUpdate(Patch, ProjectBase):
    acronym: Acronym = unchanged()
    title: ProjectTitle = unchanged()


class ProjectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    acronym: str
    title: str
    url: str | None
    programme: str | None
    topic: str | None


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class PersonBase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first_name: Name
    last_name: Name
    email: EmailStr | None = None
    job_title: ShortText | None = None
    organisation: ShortText | None = None
    country: CountryCode | None = None


class PersonCreate(PersonBase):
    model_config = ConfigDict(
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


class PersonUpdate(Patch, PersonBase):
    first_name: Name = unchanged()
    last_name: Name = unchanged()


class PersonRead(BaseModel):
    id: int
    first_name: str
    last_name: str
    email: str | None
    job_title: str | None
    organisation: str | None
    country: str | None
