"""Organiser API for organisations, projects and people: shared by all events, each caller seeing
the part its events use (``app.directory.scope``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from app.core.deps import OrganiserDep, SessionDep, TransactionRoute, WindowDep
from app.core.fields import Id
from app.core.pagination import Page
from app.directory import service
from app.directory.models import OrganisationType
from app.directory.schemas import (
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    ProjectCreate,
    ProjectRead,
    ProjectUpdate,
)

# Organisers only, every route (each takes OrganiserDep): the directory holds people's details.
router = APIRouter(route_class=TransactionRoute)


@router.post(
    "/organisations",
    status_code=status.HTTP_201_CREATED,
    response_model=OrganisationRead,
    summary="Create an organisation",
    tags=["organisations"],
)
def create_organisation(data: OrganisationCreate, session: SessionDep, organiser: OrganiserDep):
    return service.create_organisation(session, data, principal=organiser)


@router.get(
    "/organisations", response_model=Page[OrganisationRead], summary="List organisations", tags=["organisations"]
)
def list_organisations(
    session: SessionDep,
    organiser: OrganiserDep,
    window: WindowDep,
    q: Annotated[str | None, Query(max_length=200, description="part of the name")] = None,
    type: OrganisationType | None = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
):
    items, total = service.list_organisations(session, window, q=q, type=type, country=country, principal=organiser)
    return Page(items=items, total=total)


@router.get(
    "/organisations/{organisation_id}",
    response_model=OrganisationRead,
    summary="Read an organisation",
    tags=["organisations"],
)
def read_organisation(organisation_id: Id, session: SessionDep, organiser: OrganiserDep):
    return service.get_organisation(session, organisation_id, principal=organiser)


@router.patch(
    "/organisations/{organisation_id}",
    response_model=OrganisationRead,
    summary="Change an organisation",
    tags=["organisations"],
)
def update_organisation(organisation_id: Id, data: OrganisationUpdate, session: SessionDep, organiser: OrganiserDep):
    return service.update_organisation(
        session, service.get_organisation(session, organisation_id, principal=organiser), data, principal=organiser
    )


@router.delete(
    "/organisations/{organisation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an organisation",
    tags=["organisations"],
)
def delete_organisation(organisation_id: Id, session: SessionDep, organiser: OrganiserDep):
    service.delete(
        session, service.get_organisation(session, organisation_id, principal=organiser), principal=organiser
    )


@router.post(
    "/projects",
    status_code=status.HTTP_201_CREATED,
    response_model=ProjectRead,
    summary="Create a project",
    tags=["projects"],
)
def create_project(data: ProjectCreate, session: SessionDep, organiser: OrganiserDep):
    return service.create_project(session, data, principal=organiser)


@router.get("/projects", response_model=Page[ProjectRead], summary="List projects", tags=["projects"])
def list_projects(
    session: SessionDep,
    organiser: OrganiserDep,
    window: WindowDep,
    q: Annotated[str | None, Query(max_length=200, description="part of the acronym or title")] = None,
    programme: Annotated[str | None, Query(max_length=200)] = None,
    topic: Annotated[str | None, Query(max_length=200)] = None,
):
    items, total = service.list_projects(session, window, q=q, programme=programme, topic=topic, principal=organiser)
    return Page(items=items, total=total)


@router.get("/projects/{project_id}", response_model=ProjectRead, summary="Read a project", tags=["projects"])
def read_project(project_id: Id, session: SessionDep, organiser: OrganiserDep):
    return service.get_project(session, project_id, principal=organiser)


@router.patch("/projects/{project_id}", response_model=ProjectRead, summary="Change a project", tags=["projects"])
def update_project(project_id: Id, data: ProjectUpdate, session: SessionDep, organiser: OrganiserDep):
    return service.update_project(
        session, service.get_project(session, project_id, principal=organiser), data, principal=organiser
    )


@router.delete(
    "/projects/{project_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a project", tags=["projects"]
)
def delete_project(project_id: Id, session: SessionDep, organiser: OrganiserDep):
    service.delete(session, service.get_project(session, project_id, principal=organiser), principal=organiser)


@router.post(
    "/people",
    status_code=status.HTTP_201_CREATED,
    response_model=PersonRead,
    summary="Add a person (speaker, moderator...)",
    tags=["people"],
)
def create_person(data: PersonCreate, session: SessionDep, organiser: OrganiserDep):
    return service.read_people(session, [service.create_person(session, data, principal=organiser)])[0]


@router.get("/people", response_model=Page[PersonRead], summary="List people", tags=["people"])
def list_people(
    session: SessionDep,
    organiser: OrganiserDep,
    window: WindowDep,
    q: Annotated[str | None, Query(max_length=100, description="part of the first or last name")] = None,
):
    people, total = service.list_people(session, window, q=q, principal=organiser)
    return Page(items=service.read_people(session, people), total=total)


@router.get("/people/{person_id}", response_model=PersonRead, summary="Read a person", tags=["people"])
def read_person(person_id: Id, session: SessionDep, organiser: OrganiserDep):
    return service.read_people(session, [service.get_person(session, person_id, principal=organiser)])[0]


@router.patch("/people/{person_id}", response_model=PersonRead, summary="Change a person", tags=["people"])
def update_person(person_id: Id, data: PersonUpdate, session: SessionDep, organiser: OrganiserDep):
    person = service.update_person(
        session, service.get_person(session, person_id, principal=organiser), data, principal=organiser
    )
    return service.read_people(session, [person])[0]


@router.delete(
    "/people/{person_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a person", tags=["people"]
)
def delete_person(person_id: Id, session: SessionDep, organiser: OrganiserDep):
    service.delete(session, service.get_person(session, person_id, principal=organiser), principal=organiser)
