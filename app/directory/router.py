"""Organiser API for organisations, projects and people (shared by all events)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from app.core.deps import PrincipalDep, SessionDep, TransactionRoute, WindowDep
from app.core.pagination import Page
from app.core.security import Role
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

router = APIRouter(route_class=TransactionRoute)
ORGANISER = Role.organiser


@router.post("/organisations", status_code=status.HTTP_201_CREATED, response_model=OrganisationRead,
             summary="Create an organisation", tags=["organisations"])
def create_organisation(data: OrganisationCreate, session: SessionDep, principal: PrincipalDep):
    principal.require(ORGANISER)
    return service.create_organisation(session, data)


@router.get("/organisations", response_model=Page[OrganisationRead], summary="List organisations", tags=["organisations"])
def list_organisations(
    session: SessionDep, principal: PrincipalDep, window: WindowDep,
    q: Annotated[str | None, Query(max_length=200, description="part of the name")] = None,
    type: OrganisationType | None = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
):
    principal.require(ORGANISER)
    items, total = service.list_organisations(session, window, q=q, type=type, country=country)
    return Page(items=items, total=total)


@router.get("/organisations/{organisation_id}", response_model=OrganisationRead, summary="Read an organisation",
            tags=["organisations"])
def read_organisation(organisation_id: int, session: SessionDep, principal: PrincipalDep):
    principal.require(ORGANISER)
    return service.get_organisation(session, organisation_id)


@router.patch("/organisations/{organisation_id}", response_model=OrganisationRead, summary="Change an organisation",
              tags=["organisations"])
def update_organisation(organisation_id: int, data: OrganisationUpdate, session: SessionDep, principal: PrincipalDep):
    principal.require(ORGANISER)
    return service.update_organisation(session, service.get_organisation(session, organisation_id), data)


@router.delete("/organisations/{organisation_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete an organisation", tags=["organisations"])
def delete_organisation(organisation_id: int, session: SessionDep, principal: PrincipalDep):
    principal.require(ORGANISER)
    service.delete(session, service.get_organisation(session, organisation_id))


@router.post("/projects", status_code=status.HTTP_201_CREATED, response_model=ProjectRead,
             summary="Create a project", tags=["projects"])
def create_project(data: ProjectCreate, session: SessionDep, principal: PrincipalDep):
    principal.require(ORGANISER)
    return service.create_project(session, data)


@router.get("/projects", response_model=Page[ProjectRead], summary="List projects", tags=["projects"])
def list_projects(
    session: SessionDep, principal: PrincipalDep, window: WindowDep,
    q: Annotated[str | None, Query(max_length=200, description="part of the acronym or title")] = None,
    programme: Annotated[str | None, Query(max_length=200)] = None,
    topic: Annotated[str | None, Query(max_length=200)] = None,
):
    principal.require(ORGANISER)
    items, total = service.list_projects(session, window, q=q, programme=programme, topic=topic)
    return Page(items=items, total=total)


@router.get("/projects/{project_id}", response_model=ProjectRead, summary="Read a project", tags=["projects"])
def read_project(project_id: int, session: SessionDep, principal: PrincipalDep):
    principal.require(ORGANISER)
    return service.get_project(session, project_id)


@router.patch("/projects/{project_id}", response_model=ProjectRead, summary="Change a project", tags=["projects"])
def update_project(project_id: int, data: ProjectUpdate, session: SessionDep, principal: PrincipalDep):
    principal.require(ORGANISER)
    return service.update_project(session, service.get_project(session, project_id), data)


@router.delete("/projects/{project_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a project",
               tags=["projects"])
def delete_project(project_id: int, session: SessionDep, principal: PrincipalDep):
    principal.require(ORGANISER)
    service.delete(session, service.get_project(session, project_id))


@router.post("/people", status_code=status.HTTP_201_CREATED, response_model=PersonRead,
             summary="Add a person (speaker, moderator...)", tags=["people"])
def create_person(data: PersonCreate, session: SessionDep, principal: PrincipalDep):
    principal.require(ORGANISER)
    return service.read_people(session, [service.create_person(session, data)])[0]


@router.get("/people", response_model=Page[PersonRead], summary="List people", tags=["people"])
def list_people(
    session: SessionDep, principal: PrincipalDep, window: WindowDep,
    q: Annotated[str | None, Query(max_length=100, description="part of the first or last name")] = None,
):
    principal.require(ORGANISER)
    people, total = service.list_people(session, window, q=q)
    return Page(items=service.read_people(session, people), total=total)


@router.get("/people/{person_id}", response_model=PersonRead, summary="Read a person", tags=["people"])
def read_person(person_id: int, session: SessionDep, principal: PrincipalDep):
    principal.require(ORGANISER)
    return service.read_people(session, [service.get_person(session, person_id)])[0]


@router.patch("/people/{person_id}", response_model=PersonRead, summary="Change a person", tags=["people"])
def update_person(person_id: int, data: PersonUpdate, session: SessionDep, principal: PrincipalDep):
    principal.require(ORGANISER)
    person = service.update_person(session, service.get_person(session, person_id), data)
    return service.read_people(session, [person])[0]


@router.delete("/people/{person_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a person",
               tags=["people"])
def delete_person(person_id: int, session: SessionDep, principal: PrincipalDep):
    principal.require(ORGANISER)
    service.delete(session, service.get_person(session, person_id))
