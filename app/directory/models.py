"""Who takes part: organisations (with a type), projects, and people with roles on the agenda."""

from __future__ import annotations

import enum

from sqlalchemy import Column, ForeignKey, Index, Integer, String, func
from sqlmodel import Field, SQLModel

from app.core.ownership import owner_account_field, owner_token_field
from app.core.types import enum_column


def display_name(first_name: str, last_name: str) -> str:
    """How a person (or a registration) is named on every page, email and document."""
    return " ".join(part for part in (first_name.strip(), last_name.strip()) if part)


class OrganisationType(str, enum.Enum):
    public_authority = "public_authority"
    agency = "agency"
    eu_institution = "eu_institution"
    programme_body = "programme_body"
    university = "university"
    research_centre = "research_centre"
    business_support = "business_support"
    cluster = "cluster"
    sme = "sme"
    large_enterprise = "large_enterprise"
    ngo = "ngo"
    consultancy = "consultancy"
    other = "other"

    @property
    def label(self) -> str:
        return ORGANISATION_TYPE_LABELS[self]


ORGANISATION_TYPE_LABELS = {
    OrganisationType.public_authority: "Public authority",
    OrganisationType.agency: "Innovation or development agency",
    OrganisationType.eu_institution: "EU institution",
    OrganisationType.programme_body: "Programme body",
    OrganisationType.university: "University",
    OrganisationType.research_centre: "Research centre",
    OrganisationType.business_support: "Business support organisation",
    OrganisationType.cluster: "Cluster organisation",
    OrganisationType.sme: "SME",
    OrganisationType.large_enterprise: "Large enterprise",
    OrganisationType.ngo: "NGO / association",
    OrganisationType.consultancy: "Consultancy",
    OrganisationType.other: "Other",
}


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"
    # Every registration looks its organisation up by name in any case: without an index on the
    # lowered name, that is a scan of the whole directory, which only grows.
    __table_args__ = (Index("ix_organisation_lower_name", func.lower(Column("name"))),)
    id: int = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    type: OrganisationType = Field(
        default=OrganisationType.other,
        sa_column=Column(enum_column(OrganisationType, "organisation_type"), nullable=False),
    )
    country: str | None = Field(default=None, sa_column=Column(String(2), nullable=True))
    # Who added it (app.core.ownership): an organiser limited to chosen events sees what it added.
    owner_account_id: int | None = owner_account_field()
    owner_token_id: int | None = owner_token_field()


class Project(SQLModel, table=True):
    """A project (or other affiliation) that participants represent."""

    __tablename__ = "project"
    __table_args__ = (Index("ix_project_lower_acronym", func.lower(Column("acronym"))),)  # as the organisation's name

    id: int = Field(default=None, primary_key=True)
    acronym: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    title: str = Field(sa_column=Column(String(300), nullable=False))
    url: str | None = Field(default=None, sa_column=Column(String(500), nullable=True))
    programme: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    topic: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    owner_account_id: int | None = owner_account_field()
    owner_token_id: int | None = owner_token_field()


class Person(SQLModel, table=True):
    """Someone named on the agenda (speaker, moderator...), whether or not they registered."""

    __tablename__ = "person"

    id: int = Field(default=None, primary_key=True)
    first_name: str = Field(sa_column=Column(String(100), nullable=False))
    last_name: str = Field(sa_column=Column(String(100), nullable=False))
    email: str | None = Field(default=None, sa_column=Column(String(254), nullable=True, index=True))
    job_title: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    organisation_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("organisation.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    country: str | None = Field(default=None, sa_column=Column(String(2), nullable=True))
    owner_account_id: int | None = owner_account_field()
    owner_token_id: int | None = owner_token_field()

    @property
    def full_name(self) -> str:
        return display_name(self.first_name, self.last_name)
